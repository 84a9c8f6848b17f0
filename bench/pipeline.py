"""Mentions through the real pipeline: X emulator → tweepy → RQ worker process → Redis → Slack emulator.

Prints, for one worker process:
- throughput: a backlog of mentions polled and carded, mentions per second;
- cost: X requests and X items read per new mention, Slack Web API calls per mention;
- latency: with the worker running live (polling every second), time from a mention being posted on X to
  its card arriving in Slack, p50 and p99.
- cost on one core: Birdhouse alone in a process (the emulators stay in this one, so their CPU is not
  counted) polls, triages and stores a backlog, then its drain posts the cards; mentions per CPU-second of that
  process (and per second of wall time), for the poll, the drain and the whole, with triage's share and the
  pipeline without it; then the same again under cProfile, its top entries by own time.
Slack's per-channel rate limit (about one message a second) is switched off in the emulator, and Birdhouse's
pace raised to match, so that the figures measure Birdhouse, not Slack's pacing; ``bench/burst.py`` runs at
Slack's pace.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from _rig import Rig, percentile
from birdhouse.redis_server import connect
from birdhouse.settings import Settings
from workers import mentions
from workers.context import Context
from workers.drain import drain_all
from workers.runner import POSTERS
from workers.triage import Triage, triage

BACKLOG = 400
LIVE_MENTIONS = 60
LIVE_RATE_PER_SECOND = 4.0
ONE_CORE = 400  # mentions measured in the Birdhouse process, then as many profiled
PROFILE_ORDER, PROFILE_LINES = "tottime", 15  # the profile printed: by own CPU time


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
    started = time.time()  # the emulator logs requests in wall-clock time
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
    # X's 300 requests per 15 minutes stretch the configured second: the interval is what the polls were.
    polls = sorted(request.at for request in rig.x.requests  # each poll's first page
                   if request.path.endswith("/mentions") and "pagination_token" not in request.query
                   and request.at >= started)
    interval = statistics.median(later - earlier for earlier, later in zip(polls, polls[1:]))
    goal = interval / 2 + 0.2
    p50 = statistics.median(waits)
    print(f"live: {LIVE_MENTIONS} mentions at {LIVE_RATE_PER_SECOND:g}/s, polling every second "
          f"(X's limit makes it every {interval:.2f} s):")
    print(f"  mention-to-card       p50 {p50:.2f} s   p99 {percentile(waits, 0.99):.2f} s"
          f"  (goal: p50 at most half the interval + 0.2 s = {goal:.2f} s: {'met' if p50 <= goal else 'NOT met'})")


def one_core(rig: Rig) -> None:
    """The pipeline's own cost: Birdhouse in a process of its own, so the emulators' CPU (threads here) is not
    counted; measured once plain, then once under the profiler (which slows it)."""
    author = rig.x.add_user("one_core_author")
    print(f"{ONE_CORE} mentions, Birdhouse in one process (the emulators in another), CPU time of that process:")
    for mode in ("measure", "profile"):
        for n in range(ONE_CORE):
            rig.x.post(author["id"], f"@acme {mode} question {n}: where is my parcel?")
        subprocess.run([sys.executable, __file__, mode], env={**os.environ, **rig.env}, check=True)


def birdhouse_process(mode: str) -> None:
    """In the child process: poll, triage and store the waiting mentions, then post their cards."""
    settings = Settings.load(environ=os.environ, dotenv=None)
    ctx = Context(settings, connect(settings.redis_url))
    triage_seconds = [0.0]

    def timed_triage(post: dict, author: dict | None = None) -> Triage:
        started = time.process_time()
        try:
            return triage(post, author)
        finally:
            triage_seconds[0] += time.process_time() - started

    round_trips = [0]
    send = redis.connection.Connection.send_packed_command

    def counted_send(connection: redis.connection.Connection, *args: object, **kwargs: object) -> None:
        round_trips[0] += 1
        send(connection, *args, **kwargs)

    triage({"id": "0", "text": "@acme warming up"})  # the model loads once per process: not a mention's cost
    # Counted, not changed: triage's share of the CPU, and each request sent to Redis.
    mentions.triage = timed_triage
    redis.connection.Connection.send_packed_command = counted_send
    profiler = cProfile.Profile(time.process_time)  # CPU time, as the figures above: waits on sockets are not cost
    if mode == "profile":
        profiler.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    stored = mentions.fetch_new_mentions(ctx)["new"]
    poll_wall, poll_cpu = time.perf_counter() - wall, time.process_time() - cpu
    posted = drain_all(ctx, POSTERS)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    profiler.disable()
    assert stored == posted == ONE_CORE, (stored, posted)
    if mode == "profile":
        print(f"  profile (under cProfile, CPU time), by {PROFILE_ORDER} (top {PROFILE_LINES}):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(PROFILE_ORDER).print_stats(PROFILE_LINES)
        return
    triaged = triage_seconds[0]
    print(f"  poll, triage, store   {ONE_CORE / poll_cpu:8.0f} mentions per CPU-second   ({ONE_CORE / poll_wall:.0f}/s wall)")
    print(f"  cards posted (drain)  {ONE_CORE / (cpu - poll_cpu):8.0f} cards per CPU-second      "
          f"({ONE_CORE / (wall - poll_wall):.0f}/s wall)")
    print(f"  whole pipeline        {ONE_CORE / cpu:8.0f} mentions per CPU-second   ({ONE_CORE / wall:.0f}/s wall)")
    print(f"  triage                {1000 * triaged / ONE_CORE:8.2f} ms per mention, {triaged / cpu:.0%} of the CPU")
    print(f"  the rest              {ONE_CORE / (cpu - triaged):8.0f} mentions per CPU-second without triage")
    print(f"  Redis round trips     {round_trips[0] / ONE_CORE:8.1f} per mention (a pipeline or a script is one)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        throughput(rig)
        one_core(rig)
    # Latency on an account of its own: a backlog just polled is re-read (the last 10 s are) and spaces the next
    # polls by its pages, which is the burst's cost, not the quiet account's pace this measures.
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        latency(rig)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        birdhouse_process(sys.argv[1])
    else:
        main()
