"""What the benchmarks share: a private Redis, both emulators on loopback, and worker processes to measure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
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


def posts_per_mention(messages: list[dict]) -> Counter[str]:
    """How many times each mention reached Slack in ``messages``: as a card (its metadata's tweet_id) or as a
    line of a digest. Exactly once is 1 for every mention."""
    once = Counter(((m.get("metadata") or {}).get("event_payload") or {}).get("tweet_id") for m in messages)
    once.pop(None, None)
    once.update(block["block_id"].removeprefix("line-") for m in messages for block in m.get("blocks") or []
                if block.get("block_id", "").startswith("line-"))
    return once


def process_tree(pid: int) -> list[int]:
    """``pid`` and its live descendants (an RQ worker forks a child per job), from /proc."""
    tree, index = [pid], 0
    while index < len(tree):
        for children in Path(f"/proc/{tree[index]}/task").glob("*/children"):
            try:
                tree.extend(int(child) for child in children.read_text().split())
            except OSError:
                pass  # it ended meanwhile
        index += 1
    return tree


def proc_status_kib(pid: int, field: str) -> int | None:
    """A memory figure of /proc/<pid>/status in KiB (``VmHWM``: peak resident set; ``VmRSS``: now), or None
    when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user and system) of ``pid`` and of the children it has waited for (an RQ worker waits for each
    job's work horse), from /proc/<pid>/stat; None when the process is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])  # fields 14-17 of proc(5)
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


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

    def at_slacks_pace(self) -> None:
        """Slack's real limit for chat.postMessage (1 per second per channel, bursts of 5), and Birdhouse's pace
        at it, for the workers started after this."""
        self.slack.set_rate_limit("chat.postMessage", per_channel_per_second=1.0, burst=5)
        self.env["BIRDHOUSE_SLACK_PACE"] = "1"

    def worker(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "birdhouse", "--log-level", "ERROR", "worker", *args],
                                env={**os.environ, **self.env}, cwd=self.data_dir)

    def poll_once(self) -> None:
        """Run one mentions poll to the end: the first one starts the watch (and shows only the newest few)."""
        jobs.run_periodic(self.connection, jobs.Job.POLL_MENTIONS)
        self.worker("--burst").wait()
