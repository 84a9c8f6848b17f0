"""Mentions through the real pipeline: X emulator → tweepy → RQ worker process → Redis → Slack emulator.

Prints, for one worker process:
- throughput: a backlog of mentions polled and carded, mentions per second;
- cost: X requests and X items read per new mention, Slack Web API calls per mention;
- latency: with the worker running live (polling every second), time from a mention being posted on X to
  its card arriving in Slack, p50 and p99.
Slack's per-channel rate limit (about one message a second) is switched off in the emulator so that the
figures measure Birdhouse, not Slack's pacing; with it on, a burst drains at Slack's pace instead.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from birdhouse.demo import environment
from birdhouse.redis_server import PrivateRedis, connect
from emulators.http import Serving
from emulators.slack import SlackEmulator
from emulators.x import XEmulator
from workers.queues import DEFAULT, queue

BACKLOG = 400
LIVE_MENTIONS = 60
LIVE_RATE_PER_SECOND = 4.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


class Rig:
    def __init__(self, data_dir: Path) -> None:
        self.redis = PrivateRedis(data_dir / "redis")
        self.x = XEmulator(brand_username="acme")
        self.slack = SlackEmulator()
        for channel in ("C0MENTIONS", "C0FOLLOWERS", "C0SUPPORT"):
            self.slack.add_channel(channel, channel.lower())
        self.slack.disable_rate_limits()
        self.servings = [Serving(self.x), Serving(self.slack)]
        self.data_dir = data_dir
        self.carded_at: dict[str, float] = {}
        self.slack.on_message(self._on_message)

    def _on_message(self, event: str, channel: str, message: dict) -> None:
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        if event == "posted" and "tweet_id" in payload:
            self.carded_at.setdefault(payload["tweet_id"], time.monotonic())

    def __enter__(self) -> Rig:
        url = self.redis.start()
        self.x.url, self.slack.url = (serving.start() for serving in self.servings)
        self.env = {**environment(self.x, self.slack, url), "BIRDHOUSE_POLL_INTERVAL": "1"}
        self.connection = connect(url)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for serving in self.servings:
            serving.stop()
        self.redis.stop()

    def worker(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "birdhouse", "--log-level", "ERROR", "worker", *args],
                                env={**os.environ, **self.env}, cwd=self.data_dir)


def throughput(rig: Rig) -> None:
    author = rig.x.add_user("bench_author")
    for n in range(BACKLOG):
        rig.x.post(author["id"], f"@acme question {n}: how do I export my data?")
    queue(rig.connection, DEFAULT).enqueue("workers.mentions.poll")
    x_before, slack_before = len(rig.x.requests), len(rig.slack.requests)
    started = time.monotonic()
    rig.worker("--burst").wait()
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


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        throughput(rig)
        latency(rig)


if __name__ == "__main__":
    main()
