"""The action ledger: each button press acted on at most once, and a crashed job resumed, not repeated.

A listener ``claim``s the action's key (``SET NX``) before anything is queued, so a double click, two people
at once or a Slack redelivery find it taken. The job calls ``begin`` right before it asks X; the outcome is
recorded with ``finish``. A retried job that finds its own outcome skips X; one that finds "attempting"
without an outcome knows a worker died mid-call and must not call X blindly again.
An action that failed without effect (X refused it) is ``release``d so someone can try again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis

from birdhouse.defaults import CARD_RETENTION_SECONDS
from birdhouse.models import Mark
from birdhouse.store.base import Store


QUEUED, ATTEMPTING, DONE = "queued", "attempting", "done"

# Move queued -> attempting and report what was there before (the outcome, when there is one).
_BEGIN = """
local state = redis.call('hget', KEYS[1], 'state')
if state == 'done' then return {state, redis.call('hget', KEYS[1], 'outcome')} end
if state == 'attempting' then return {state, false} end
redis.call('hset', KEYS[1], 'state', 'attempting')
return {state or 'queued', false}
"""


def action_key(kind: str, subject_id: str) -> str:
    """The once-only key of an action on a subject (a mention, an X user, a reply modal's nonce). Also fit
    for an RQ job id (letters, digits, ``-`` and ``_``)."""
    return f"{kind}-{subject_id}"


@dataclass(frozen=True)
class Begun:
    """What ``begin`` found: a fresh start, an interrupted attempt, or a finished one with its outcome."""

    previous: str  # QUEUED | ATTEMPTING | DONE
    outcome: dict[str, Any] | None = None


class ActionLedger(Store):
    @staticmethod
    def _key(action_key: str) -> str:
        return f"bh:action:{action_key}"

    def claim(self, action_key: str, user: str, at: float) -> bool:
        """True for the first caller only."""
        key = self._key(action_key)
        claimed = bool(self.connection.hsetnx(key, "by", json.dumps({"user": user, "at": at})))
        if claimed:
            self.connection.expire(key, CARD_RETENTION_SECONDS)
        return claimed

    def holder(self, action_key: str) -> Mark | None:
        raw = self.connection.hget(self._key(action_key), "by")
        return Mark(**json.loads(raw)) if raw else None

    def begin(self, action_key: str) -> Begun:
        previous, outcome = self.connection.eval(_BEGIN, 1, self._key(action_key))
        return Begun(previous.decode() if isinstance(previous, bytes) else previous,
                     json.loads(outcome) if outcome else None)

    def finish(self, action_key: str, outcome: dict[str, Any]) -> None:
        """Works on a pipeline too, so the outcome lands together with what it changed."""
        self.connection.hset(self._key(action_key), mapping={"state": DONE, "outcome": json.dumps(outcome)})

    def done(self, action_key: str) -> bool:
        raw = self.connection.hget(self._key(action_key), "state")
        return raw is not None and raw.decode() == DONE

    def note_posted(self, action_key: str, ts: str) -> None:
        """The Slack message this action posted (an escalation's case), so a retry does not post it again."""
        self.connection.hset(self._key(action_key), "posted", ts)

    def posted(self, action_key: str) -> str | None:
        raw = self.connection.hget(self._key(action_key), "posted")
        return raw.decode() if raw else None

    def release(self, action_key: str) -> None:
        self.connection.delete(self._key(action_key))
