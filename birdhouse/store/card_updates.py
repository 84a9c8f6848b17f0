"""Cards whose message in Slack may be behind what is stored: marked before each update, taken by whoever
renders the card, so no update waits for another and the last one always shows the latest state."""

from __future__ import annotations

from birdhouse.defaults import REMEMBER_SECONDS
from birdhouse.store.base import Store


WAITING = "bh:card_updates:waiting"  # list: cards to render again, for the updater threads of the workers


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

    def request(self, kind: str, subject_id: str) -> None:
        """Ask for the card to be rendered again; requests that pile up are one render (``workers.updater``)."""
        with self.connection.pipeline() as pipe:
            pipe.set(self._key(kind, subject_id), 1, ex=REMEMBER_SECONDS)
            pipe.rpush(WAITING, f"{kind}:{subject_id}")
            pipe.execute()

    def next_request(self, timeout: float) -> tuple[str, str] | None:
        """The oldest request, waiting up to ``timeout`` seconds (0: not at all); None when there is none."""
        if timeout:
            popped = self.connection.blpop([WAITING], timeout=timeout)
            raw = popped[1] if popped else None
        else:
            raw = self.connection.lpop(WAITING)
        if raw is None:
            return None
        kind, _, subject_id = raw.decode().partition(":")
        return kind, subject_id
