"""What Birdhouse read from and wrote to X, per UTC day: the bill at pay-per-use prices, and the proof that
nothing is read twice."""

from __future__ import annotations

from datetime import UTC, datetime

import redis


def utc_day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


class UsageStore:
    RETENTION_SECONDS = 40 * 86400  # enough for the 30-day stats window

    def __init__(self, connection: redis.Redis) -> None:
        self.connection = connection

    def record(self, endpoint: str, items: int, at: float) -> None:
        key = f"bh:x:usage:{utc_day(at)}"
        with self.connection.pipeline() as pipe:
            pipe.hincrby(key, f"{endpoint}:requests", 1)
            pipe.hincrby(key, f"{endpoint}:items", items)
            pipe.expire(key, self.RETENTION_SECONDS)
            pipe.execute()

    def day(self, day: str) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.connection.hgetall(f"bh:x:usage:{day}").items()}
