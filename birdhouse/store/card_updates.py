"""Cards whose message in Slack may be behind what is stored: marked before each update, taken by whoever
renders the card, so no update waits for another and the last one always shows the latest state."""

from __future__ import annotations

from birdhouse.defaults import REMEMBER_SECONDS
from birdhouse.store.base import Store


class PendingUpdates(Store):
    @staticmethod
    def _key(kind: str, subject_id: str) -> str:
        return f"bh:card:{kind}:{subject_id}:pending"

    def mark(self, kind: str, subject_id: str) -> None:
        self.connection.set(self._key(kind, subject_id), 1, ex=REMEMBER_SECONDS)

    def pending(self, kind: str, subject_id: str) -> bool:
        return bool(self.connection.exists(self._key(kind, subject_id)))

    def take(self, kind: str, subject_id: str) -> bool:
        """True for the one caller that clears the mark."""
        return bool(self.connection.delete(self._key(kind, subject_id)))
