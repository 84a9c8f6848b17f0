"""What the benchmarks share: a private Redis, both emulators on loopback, and worker processes to measure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from birdhouse import jobs
from birdhouse_cli.demo import environment
from birdhouse.redis_server import PrivateRedis, connect
from emulators.http import Serving
from emulators.slack import SlackEmulator
from emulators.x import XEmulator


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
        self.digested_at: dict[str, float] = {}  # mention id -> when a digest listing it was posted
        self.slack.on_message(self._on_message)

    def _on_message(self, event: str, channel: str, message: dict) -> None:
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        if event == "posted" and "tweet_id" in payload:
            self.carded_at.setdefault(payload["tweet_id"], time.monotonic())
        if event == "posted" and "digest_id" in payload:
            for block in message.get("blocks") or []:
                if block.get("block_id", "").startswith("line-"):
                    self.digested_at.setdefault(block["block_id"].removeprefix("line-"), time.monotonic())

    def __enter__(self) -> Rig:
        url = self.redis.start()
        self.x.url, self.slack.url = (serving.start() for serving in self.servings)
        # Slack's limits are off in the emulator, and Birdhouse's pace far above them: the figures are Birdhouse's.
        self.env = {**environment(self.x, self.slack, url), "BIRDHOUSE_POLL_INTERVAL": "1",
                    "BIRDHOUSE_SLACK_PACE": "1000"}
        self.connection = connect(url)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for serving in self.servings:
            serving.stop()
        self.redis.stop()

    def worker(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "birdhouse", "--log-level", "ERROR", "worker", *args],
                                env={**os.environ, **self.env}, cwd=self.data_dir)

    def poll_once(self) -> None:
        """Run one mentions poll to the end: the first one starts the watch (and shows only the newest few)."""
        jobs.run_periodic(self.connection, jobs.Job.POLL_MENTIONS)
        self.worker("--burst").wait()
