"""The X Activity stream's memory: when it was last heard alive, so a reconnect asks X for the gap again
(``backfill_minutes``), whichever worker holds the stream next."""

from __future__ import annotations

from birdhouse.defaults import DAY
from birdhouse.store.base import Store

HEARD_KEY = "bh:x:activity:stream:heard_at"
STREAM_LEASE = "x-activity-stream"  # held by the one worker that keeps the stream open (``store.leases``)
WEBHOOK_LEASE = "x-activity-webhook"  # held while a worker finds or registers the webhook


class StreamMemory(Store):
    def heard(self, at: float) -> None:
        self.connection.set(HEARD_KEY, repr(at), ex=DAY)

    def heard_at(self) -> float | None:
        raw = self.connection.get(HEARD_KEY)
        return float(raw) if raw is not None else None
