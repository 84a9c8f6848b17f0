"""Which jobs were queued lately: polls hand lost work back as often as they like, and each is queued once in a
while at most."""

from __future__ import annotations

from birdhouse.store.base import Store


class QueuedMarks(Store):
    def mark(self, job_id: str, seconds: int) -> bool:
        """True when ``job_id`` was not marked in the last ``seconds``; marks it."""
        return bool(self.connection.set(f"bh:queued:{job_id}", 1, nx=True, ex=seconds))
