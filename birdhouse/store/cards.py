"""What the team did on each mention card: who holds it, replies, likes, follows, escalation, status.

One hash per mention, one field per fact, so a claim in the Slack app and a reply in a worker never
overwrite each other. Follows are kept per X user (following someone once is enough for every card of
theirs, and new-follower cards share them: ``birdhouse.store.follows``). Also: which conversation each card started, and which brand
reply answered which mention, so the author's answers land in the card's thread.

Every writer works on a pipeline as well as a connection, so a job records an outcome and its effects
together.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import redis

from birdhouse.defaults import CARD_RETENTION_SECONDS
from birdhouse.models import Mark
from birdhouse.store.base import Store
from birdhouse.store.follows import Follows

OPEN, DONE, DISMISSED = "open", "done", "dismissed"

# What else a change of the Slack app's buttons writes in its transaction (its event), on that transaction.
Also = Callable[[redis.client.Pipeline], None]


@dataclass(frozen=True)
class Reply:
    user: str
    text: str
    post_id: str
    url: str
    at: float


@dataclass(frozen=True)
class Escalation:
    user: str
    at: float
    case_permalink: str


@dataclass(frozen=True)
class CardState:
    status: str = OPEN
    status_by: Mark | None = None
    claimed_by: Mark | None = None
    replies: tuple[Reply, ...] = ()
    liked_by: Mark | None = None
    followed_by: Mark | None = None
    escalated: Escalation | None = None
    # Actions X refused for this app's access level on this card: name -> who tried. The card says why.
    refused: tuple[tuple[str, str], ...] = ()

    @property
    def closed(self) -> bool:
        return self.status != OPEN


def _mark(raw: bytes | None) -> Mark | None:
    return Mark(**json.loads(raw)) if raw else None


class CardStore(Store):
    @staticmethod
    def _key(mention_id: str) -> str:
        return f"bh:mention:{mention_id}:state"

    def _set(self, mention_id: str, field: str, value: dict[str, Any]) -> None:
        self.connection.hset(self._key(mention_id), field, json.dumps(value))
        self.connection.expire(self._key(mention_id), CARD_RETENTION_SECONDS)

    # -- reading ------------------------------------------------------------------------------------
    def get(self, mention_id: str, author_id: str | None = None) -> CardState:
        with self.connection.pipeline(transaction=False) as pipe:  # one round trip
            pipe.hgetall(self._key(mention_id))
            pipe.lrange(self._key(mention_id) + ":replies", 0, -1)
            if author_id:
                pipe.get(Follows.key(author_id))
            raw_fields, replies, *followed = pipe.execute()
        fields = {k.decode(): v for k, v in raw_fields.items()}
        status = json.loads(fields["status"]) if "status" in fields else {"status": OPEN}
        escalated = json.loads(fields["escalated"]) if "escalated" in fields else None
        refused = {field.removeprefix("refused:"): json.loads(value) for field, value in fields.items()
                   if field.startswith("refused:")}
        return CardState(
            status=status["status"],
            status_by=Mark(status["user"], status["at"]) if "user" in status else None,
            claimed_by=_mark(fields.get("claimed_by")),
            replies=tuple(Reply(**json.loads(raw)) for raw in replies),
            liked_by=_mark(fields.get("liked_by")),
            followed_by=_mark(followed[0]) if followed else None,
            escalated=Escalation(**escalated) if escalated else None,
            refused=tuple(sorted(refused.items())),
        )

    # -- the Slack app's changes (no X involved) ----------------------------------------------------
    # Each is made only from the state it expects (two people pressing Done record one Done), together with
    # ``also`` (its event) in one MULTI/EXEC: a process killed between the two can no longer make one without
    # the other.
    def claim(self, mention_id: str, mark: Mark, also: Also) -> bool:
        """True when this person now holds the card; False when someone already did."""
        return self._change(mention_id, lambda status, holder: holder is None, "claimed_by", asdict(mark), also)

    def unclaim(self, mention_id: str, user: str, also: Also) -> bool:
        return self._change(mention_id, lambda status, holder: holder == user, "claimed_by", None, also)

    def change_status(self, mention_id: str, expected: str, new: str, mark: Mark, also: Also) -> bool:
        return self._change(mention_id, lambda status, holder: status == expected, "status",
                            {"status": new, **asdict(mark)}, also)

    def _change(self, mention_id: str, allowed: Callable[[str, str | None], bool], field: str,
                value: dict[str, Any] | None, also: Also) -> bool:
        """Set ``field`` to ``value`` (None: remove it) if ``allowed(status, holder)``, with ``also``; a change
        made meanwhile by someone else is seen, and decided on again (``WATCH``)."""
        key = self._key(mention_id)

        def attempt(pipe: redis.client.Pipeline) -> bool:
            fields = dict(zip(("status", "claimed_by"), pipe.hmget(key, "status", "claimed_by"), strict=True))
            if value is not None and fields[field] and json.loads(fields[field]) == value:
                return True  # made already: EXEC's answer was lost, and redis-py tried again
            status, holder = fields["status"], fields["claimed_by"]
            if not allowed(json.loads(status)["status"] if status else OPEN,
                           json.loads(holder)["user"] if holder else None):
                return False
            pipe.multi()
            if value is None:
                pipe.hdel(key, field)
            else:
                pipe.hset(key, field, json.dumps(value))
                pipe.expire(key, CARD_RETENTION_SECONDS)
            also(pipe)
            return True

        return bool(self.connection.transaction(attempt, key, value_from_callable=True))

    # -- the workers' changes (after X answered) ----------------------------------------------------
    def add_reply(self, mention_id: str, reply: Reply) -> None:
        self.connection.rpush(self._key(mention_id) + ":replies", json.dumps(asdict(reply)))
        self.connection.expire(self._key(mention_id) + ":replies", CARD_RETENTION_SECONDS)

    def set_liked(self, mention_id: str, mark: Mark) -> None:
        self._set(mention_id, "liked_by", asdict(mark))

    def set_escalated(self, mention_id: str, escalation: Escalation) -> None:
        self._set(mention_id, "escalated", asdict(escalation))

    def note_refused(self, mention_id: str, action: str, user: str) -> None:
        """X's access level did not allow ``action`` when ``user`` tried it here; the card will say so."""
        self.connection.hset(self._key(mention_id), f"refused:{action}", json.dumps(user))


class Threads(Store):
    """Which card a mention belongs under: the one its conversation started, or the one the brand answered."""


    def note_card_conversation(self, conversation_id: str, mention_id: str) -> None:
        """The first card of a conversation is its card; later mentions in it go to that card's thread."""
        self.connection.set(f"bh:conversation:{conversation_id}:card", mention_id, nx=True, ex=CARD_RETENTION_SECONDS)

    def conversation_card(self, conversation_id: str) -> str | None:
        raw = self.connection.get(f"bh:conversation:{conversation_id}:card")
        return raw.decode() if raw else None

    def note_brand_reply(self, post_id: str, mention_id: str) -> None:
        self.connection.set(f"bh:x:brand_reply:{post_id}", mention_id, ex=CARD_RETENTION_SECONDS)

    def answered_mention(self, post_id: str) -> str | None:
        """The mention a brand reply answered, when ``post_id`` is one of ours."""
        raw = self.connection.get(f"bh:x:brand_reply:{post_id}")
        return raw.decode() if raw else None
