"""Mentions, the poll cursor, and which Slack message is each mention's card."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import redis

from birdhouse.models import Mention


@dataclass(frozen=True)
class CardRef:
    channel: str
    ts: str


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class MentionStore:
    SINCE_ID = "bh:mentions:since_id"
    BY_TIME = "bh:mentions:by_time"  # zset: mention id -> posted at (epoch)
    UNPOSTED = "bh:mentions:unposted"  # set: stored mentions whose card is not in Slack yet

    def __init__(self, connection: redis.Redis) -> None:
        self.connection = connection

    @staticmethod
    def _key(mention_id: str) -> str:
        return f"bh:mention:{mention_id}"

    # -- mentions ----------------------------------------------------------------------------------
    def add(self, mention: Mention) -> bool:
        """Keep a mention seen for the first time. False when it was already kept (a re-polled overlap)."""
        if not self.connection.set(self._key(mention.id), json.dumps(mention.to_dict()), nx=True):
            return False
        with self.connection.pipeline() as pipe:
            pipe.zadd(self.BY_TIME, {mention.id: _epoch(mention.created_at)})
            pipe.sadd(self.UNPOSTED, mention.id)
            pipe.execute()
        return True

    def get(self, mention_id: str) -> Mention | None:
        raw = self.connection.get(self._key(mention_id))
        return Mention.from_dict(json.loads(raw)) if raw else None

    def ids_between(self, start: float, end: float) -> list[str]:
        return [member.decode() for member in self.connection.zrangebyscore(self.BY_TIME, start, end)]

    def unposted(self) -> list[str]:
        return sorted(member.decode() for member in self.connection.smembers(self.UNPOSTED))

    # -- the poll cursor ---------------------------------------------------------------------------
    def since_id(self) -> str | None:
        raw = self.connection.get(self.SINCE_ID)
        return raw.decode() if raw else None

    def set_since_id(self, since_id: str) -> None:
        self.connection.set(self.SINCE_ID, since_id)

    # -- cards -------------------------------------------------------------------------------------
    def card(self, mention_id: str) -> CardRef | None:
        raw = self.connection.hmget(self._key(mention_id) + ":card", "channel", "ts")
        return CardRef(raw[0].decode(), raw[1].decode()) if raw[0] and raw[1] else None

    def set_card(self, mention_id: str, card: CardRef) -> None:
        with self.connection.pipeline() as pipe:
            pipe.hset(self._key(mention_id) + ":card", mapping={"channel": card.channel, "ts": card.ts})
            pipe.set(f"bh:card:{card.channel}:{card.ts}", mention_id)
            pipe.srem(self.UNPOSTED, mention_id)
            pipe.execute()

    def mention_for_card(self, channel: str, ts: str) -> str | None:
        raw = self.connection.get(f"bh:card:{channel}:{ts}")
        return raw.decode() if raw else None
