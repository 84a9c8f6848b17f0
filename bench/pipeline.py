"""Mentions through the real pipeline: X emulator → tweepy → RQ worker process → Redis → Slack emulator.

Prints, for one worker process:
- throughput: a backlog of mentions polled and carded, mentions per second;
- cost: X requests and X items read per new mention, Slack Web API calls per mention;
- latency: with the worker running live (polling every second), time from a mention being posted on X to
  its card arriving in Slack, p50 and p99.
- cost in one process, with a profile: a poll's page triaged and stored, and its cards posted by the drain,
  where the time per mention goes.
Slack's per-channel rate limit (about one message a second) is switched off in the emulator, and Birdhouse's
pace raised to match, so that the figures measure Birdhouse, not Slack's pacing; ``bench/burst.py`` runs at
Slack's pace.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _rig import Rig, percentile
from birdhouse.settings import Settings
from workers.card_jobs import KINDS
from workers.context import Context
from workers.drain import drain_all
from workers.mentions import fetch_new_mentions

BACKLOG = 400
LIVE_MENTIONS = 60
LIVE_RATE_PER_SECOND = 4.0
PROFILED = 400


def throughput(rig: Rig) -> None:
    rig.poll_once()  # Birdhouse starts watching; then a backlog builds up, as after an outage
    author = rig.x.add_user("bench_author")
    for n in range(BACKLOG):
        rig.x.post(author["id"], f"@acme question {n}: how do I export my data?")
    x_before, slack_before = len(rig.x.requests), len(rig.slack.requests)
    started = time.monotonic()
    rig.poll_once()
    elapsed = time.monotonic() - started
    cards = len(rig.carded_at)
    assert cards == BACKLOG, f"{cards} cards for {BACKLOG} mentions"
    print(f"backlog of {BACKLOG} mentions, one worker process (forking, one job at a time):")
    print(f"  throughput            {BACKLOG / elapsed:8.1f} mentions/s  ({elapsed:.1f} s)")
    print(f"  X requests/mention    {(len(rig.x.requests) - x_before) / BACKLOG:8.3f}"
          f"  (items read/mention {rig.x.items_read() / BACKLOG:.2f}, users/me once)")
    print(f"  Slack calls/mention   {(len(rig.slack.requests) - slack_before) / BACKLOG:8.3f}")


def latency(rig: Rig) -> None:
    author = rig.x.add_user("live_author")
    worker = rig.worker()
    try:
        time.sleep(2)  # let the worker start and run its first poll
        posted_at: dict[str, float] = {}
        for n in range(LIVE_MENTIONS):
            post = rig.x.post(author["id"], f"@acme live mention {n}: is the app down?")
            posted_at[post["id"]] = time.monotonic()
            time.sleep(1 / LIVE_RATE_PER_SECOND)
        deadline = time.monotonic() + 30
        while not set(posted_at) <= set(rig.carded_at) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait()
    waits = [rig.carded_at[post_id] - at for post_id, at in posted_at.items() if post_id in rig.carded_at]
    assert len(waits) == LIVE_MENTIONS, f"only {len(waits)} of {LIVE_MENTIONS} live mentions were carded"
    print(f"live: {LIVE_MENTIONS} mentions at {LIVE_RATE_PER_SECOND:g}/s, polling every second:")
    print(f"  mention-to-card       p50 {statistics.median(waits):.2f} s   p99 {percentile(waits, 0.99):.2f} s"
          "  (bounded below by the poll interval)")


def profile(rig: Rig) -> None:
    ctx = Context(Settings.load(environ=rig.env, dotenv=None), rig.connection)
    author = rig.x.add_user("profile_author")
    for n in range(PROFILED):
        rig.x.post(author["id"], f"@acme profiled question {n}: where is my parcel?")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    stored = fetch_new_mentions(ctx)["new"]
    poll_done = time.perf_counter()
    posted = drain_all(ctx, KINDS)
    profiler.disable()
    ended = time.perf_counter()
    assert stored == posted == PROFILED, (stored, posted)
    print(f"{PROFILED} mentions in one process (the emulators' threads beside it):")
    print(f"  poll, triage, store   {PROFILED / (poll_done - started):8.0f} mentions/s")
    print(f"  cards posted (drain)  {PROFILED / (ended - poll_done):8.0f} cards/s   "
          f"(whole pipeline {PROFILED / (ended - started):.0f} mentions/s)")
    print("  profile, by own time (top 12):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(12)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        throughput(rig)
        latency(rig)
        profile(rig)


if __name__ == "__main__":
    main()
