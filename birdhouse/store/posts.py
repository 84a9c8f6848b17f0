"""What posting to Slack exactly once keeps: each unconfirmed attempt (so a retry searches the channel before
posting again), the cards Slack refused as they were composed, and the messages the SLA posted for each item and
threshold."""

from __future__ import annotations

import json

from birdhouse.defaults import CARD_RETENTION_SECONDS, REMEMBER_SECONDS, STATS_RETENTION_SECONDS
from birdhouse.store.base import Store


class PostAttempts(Store):
    @staticmethod
    def _key(subject: str) -> str:
        return f"bh:posting:{subject}"

    def note(self, subject: str, at: float) -> float | None:
        """Note an attempt; return when the first unconfirmed one was, or None when this is the first. The first
        is kept, so a search always starts early enough."""
        if self.connection.set(self._key(subject), repr(at), nx=True, ex=REMEMBER_SECONDS):
            return None
        return float(self.connection.get(self._key(subject)))

    def settle(self, subject: str) -> None:
        """The attempts' outcome is known: the message is recorded as posted, or Slack refused it (nothing was
        posted, so there is nothing to search for)."""
        self.connection.delete(self._key(subject))

    def unsettled(self, subjects: list[str]) -> set[str]:
        """Those of ``subjects`` with an attempt whose outcome is not known yet, in one round trip."""
        if not subjects:
            return set()
        noted = self.connection.mget([self._key(subject) for subject in subjects])
        return {subject for subject, at in zip(subjects, noted, strict=True) if at is not None}


class RefusedCards(Store):
    """Cards Slack refused for what they showed (``invalid_blocks``, a locked thread...), with the plainer form
    the next try posts them in (``workers.cards.Form``) and Slack's error; kept as long as the card, so its
    updates keep to that form."""

    @staticmethod
    def _key(subject: str) -> str:
        return f"bh:refused_card:{subject}"

    def note(self, subject: str, form: str, error: str) -> None:
        self.connection.set(self._key(subject), json.dumps([form, error]), ex=CARD_RETENTION_SECONDS)

    def get(self, subject: str) -> tuple[str, str] | None:
        """(the form to post or update it in, Slack's last error); None when Slack never refused it."""
        raw = self.connection.get(self._key(subject))
        if raw is None:
            return None
        form, error = json.loads(raw)
        return form, error


class SlaPosts(Store):
    """Works on a pipeline too, so a post is recorded together with its event."""


    @staticmethod
    def _key(mention_id: str, threshold: str) -> str:
        return f"bh:sla:{mention_id}:{threshold}"

    def posted(self, mention_id: str, threshold: str) -> str | None:
        """The ts of the message posted for this item and threshold, if there is one."""
        raw = self.connection.get(self._key(mention_id, threshold))
        return raw.decode() if raw else None

    def record(self, mention_id: str, threshold: str, ts: str) -> None:
        self.connection.set(self._key(mention_id, threshold), ts, ex=STATS_RETENTION_SECONDS)
