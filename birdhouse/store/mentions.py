"""Mentions, the poll cursor, and which Slack message is each mention's card."""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from birdhouse.models import Mention
from birdhouse.store.base import Store


_ADD = """
if redis.call('set', KEYS[1], ARGV[1], 'NX') then
  redis.call('sadd', KEYS[2], ARGV[2])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class CardRef:
    """Where a card is in Slack, kept as a Redis hash under ``key``."""

    channel: str
    ts: str

    @classmethod
    def read(cls, connection: redis.Redis, key: str) -> CardRef | None:
        channel, ts = connection.hmget(key, "channel", "ts")
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
    def add(self, mention: Mention) -> bool:
        """Keep a mention seen for the first time, and mark it as waiting for its card, in one step (a crash
        in between would keep a mention that never gets a card). False when it was already kept."""
        return bool(self.connection.eval(_ADD, 2, self._key(mention.id), self.UNPOSTED,
                                         json.dumps(mention.to_dict()), mention.id))

    def get(self, mention_id: str) -> Mention | None:
        raw = self.connection.get(self._key(mention_id))
        return Mention.from_dict(json.loads(raw)) if raw else None

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

    def set_card(self, mention_id: str, card: CardRef) -> None:
        with self.connection.pipeline() as pipe:
            card.write(pipe, self._key(mention_id) + ":card")
            pipe.srem(self.UNPOSTED, mention_id)
            pipe.execute()
