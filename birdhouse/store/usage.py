"""What Birdhouse read from and wrote to X, per UTC day: the bill at pay-per-use prices, and the proof that
nothing is read twice.

X bills each item once per UTC day however often it is read, so the store counts both: ``items`` (everything
X sent, re-reads included) and ``billed`` (items not already read that day). Polls re-read the newest few
seconds on purpose (X indexes slightly out of order); those re-reads show in ``items`` and cost nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from birdhouse.defaults import SEEN_RETENTION_SECONDS, STATS_RETENTION_SECONDS
from birdhouse.store.base import Store


def utc_day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


class UsageStore(Store):
    def record(self, endpoint: str, item_ids: list[str], at: float, requests: int = 1) -> None:
        """``requests`` is 0 for an event on a stream already open: it came without asking."""
        day = utc_day(at)
        key, seen = f"bh:x:usage:{day}", f"bh:x:usage:{day}:seen:{endpoint}"
        new = 0
        if item_ids:
            with self.connection.pipeline() as pipe:
                pipe.sadd(seen, *item_ids)
                pipe.expire(seen, SEEN_RETENTION_SECONDS)
                new = pipe.execute()[0]
        with self.connection.pipeline() as pipe:
            pipe.hincrby(key, f"{endpoint}:requests", requests)
            pipe.hincrby(key, f"{endpoint}:items", len(item_ids))
            pipe.hincrby(key, f"{endpoint}:billed", new)
            pipe.expire(key, STATS_RETENTION_SECONDS)
            pipe.execute()

    def day(self, day: str) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.connection.hgetall(f"bh:x:usage:{day}").items()}
