"""Mentions, the poll cursor, and which Slack message is each mention's card."""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from birdhouse.models import Mention
from birdhouse.store.base import Store


# KEYS[1] the unposted set, KEYS[i + 1] each mention's key; ARGV: (mention as JSON, mention id)...
_ADD = """
local added = {}
for i = 2, #KEYS do
  if redis.call('set', KEYS[i], ARGV[2 * i - 3], 'NX') then
    redis.call('sadd', KEYS[1], ARGV[2 * i - 2])
    added[i - 1] = 1
  else
    added[i - 1] = 0
  end
end
return added
"""


@dataclass(frozen=True)
class CardRef:
    """Where a card is in Slack, kept as a Redis hash under ``key``."""

    channel: str
    ts: str

    FIELDS = ("channel", "ts")

    @classmethod
    def read(cls, connection: redis.Redis, key: str) -> CardRef | None:
        return cls.from_fields(connection.hmget(key, *cls.FIELDS))

    @classmethod
    def from_fields(cls, fields: list[bytes | None]) -> CardRef | None:
        channel, ts = fields
        return cls(channel.decode(), ts.decode()) if channel and ts else None

    def write(self, connection: redis.Redis | redis.client.Pipeline, key: str) -> None:
        connection.hset(key, mapping={"channel": self.channel, "ts": self.ts})


class MentionStore(Store):
    SINCE_ID = "bh:mentions:since_id"
    WATCHING_SINCE = "bh:mentions:watching_since"  # when the first poll ran: later ones read from there
    UNPOSTED = "bh:mentions:unposted"  # set: stored mentions whose card is not in Slack yet


    @staticmethod
    def _key(mention_id: str) -> str:
        return f"bh:mention:{mention_id}"

    # -- mentions ----------------------------------------------------------------------------------
    def add(self, mentions: list[Mention]) -> list[bool]:
        """Keep each mention seen for the first time and mark it as waiting for its card, all in one step (a
        crash in between would keep a mention that never gets a card). True for each one kept now, False for
        each already kept."""
        if not mentions:
            return []
        args = [part for mention in mentions for part in (json.dumps(mention.to_dict()), mention.id)]
        keys = [self._key(mention.id) for mention in mentions]
        return [bool(added) for added in self.connection.eval(_ADD, 1 + len(keys), self.UNPOSTED, *keys, *args)]

    def get(self, mention_id: str) -> Mention | None:
        return self.get_many([mention_id])[0]

    def get_many(self, mention_ids: list[str]) -> list[Mention | None]:
        """Each mention (None where not stored), in one round trip."""
        if not mention_ids:
            return []
        return [Mention.from_dict(json.loads(raw)) if raw else None
                for raw in self.connection.mget([self._key(mention_id) for mention_id in mention_ids])]

    def stored(self, mention_ids: list[str]) -> list[bool]:
        """Whether each mention is kept already, in one round trip."""
        with self.connection.pipeline(transaction=False) as pipe:
            for mention_id in mention_ids:
                pipe.exists(self._key(mention_id))
            return [bool(found) for found in pipe.execute()]

    def unposted(self) -> list[str]:
        return sorted(member.decode() for member in self.connection.smembers(self.UNPOSTED))

    # -- the poll cursor ---------------------------------------------------------------------------
    def since_id(self) -> str | None:
        raw = self.connection.get(self.SINCE_ID)
        return raw.decode() if raw else None

    def set_since_id(self, since_id: str) -> None:
        self.connection.set(self.SINCE_ID, since_id)

    def watching_since(self) -> float | None:
        raw = self.connection.get(self.WATCHING_SINCE)
        return float(raw) if raw else None

    def start_watching(self, at: float) -> None:
        """Remember the first poll's time; later calls keep the first."""
        self.connection.set(self.WATCHING_SINCE, repr(at), nx=True)

    # -- cards -------------------------------------------------------------------------------------
    def card(self, mention_id: str) -> CardRef | None:
        return CardRef.read(self.connection, self._key(mention_id) + ":card")

    def cards(self, mention_ids: list[str]) -> list[CardRef | None]:
        """Each mention's card, in one round trip."""
        with self.connection.pipeline(transaction=False) as pipe:
            for mention_id in mention_ids:
                pipe.hmget(self._key(mention_id) + ":card", *CardRef.FIELDS)
            return [CardRef.from_fields(fields) for fields in pipe.execute()]

    def set_card(self, mention_id: str, card: CardRef) -> None:
        """On a pipeline (a transaction), so the card and its mention leaving the unposted set are one step."""
        card.write(self.connection, self._key(mention_id) + ":card")
        self.connection.srem(self.UNPOSTED, mention_id)
