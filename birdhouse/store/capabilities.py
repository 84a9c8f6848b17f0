"""What the X access level lets Birdhouse do through the API, as X last told us.

Since 2026-04-20 self-serve tiers cannot like or follow through the API (403 client-not-enrolled). Once X
has said so, every card offers the x.com web-intent link straight away instead of a button that is bound to
fail. The knowledge expires after a while, so an account whose access is upgraded gets the API back
without anyone having to reset anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from birdhouse.defaults import REMEMBER_SECONDS
from birdhouse.store.base import Store


LIKE = "like"
FOLLOW = "follow"
FOLLOW_EVENTS = "follow_events"  # follow.follow Activity subscriptions: Enterprise and Partner access only


@dataclass(frozen=True)
class XAccess:
    """Which actions can go through the API; False means: offer the x.com web intent."""

    like: bool = True
    follow: bool = True


class Capabilities(Store):
    @staticmethod
    def _key(name: str) -> str:
        return f"bh:x:capability:{name}:missing"

    def note_missing(self, name: str, reason: str) -> None:
        self.connection.set(self._key(name), reason, ex=REMEMBER_SECONDS)

    def note_available(self, name: str) -> None:
        self.connection.delete(self._key(name))

    def missing_reason(self, name: str) -> str | None:
        raw = self.connection.get(self._key(name))
        return raw.decode() if raw is not None else None

    def current(self) -> XAccess:
        like, follow = self.connection.mget(self._key(LIKE), self._key(FOLLOW))
        return XAccess(like=like is None, follow=follow is None)
