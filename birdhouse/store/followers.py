"""New followers: the bounded frontier of known follower ids, each new follower's profile and card, and the
per-period tallies the digest is written from.

Memory stays bounded however large the audience: the frontier keeps only the ``FRONTIER_SIZE`` most recently
seen follower ids (X lists followers newest first, so a poll needs only the head of the list to tell new from
known), and everything kept per follower expires after ``CARD_RETENTION_SECONDS``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from birdhouse.defaults import CARD_RETENTION_SECONDS
from birdhouse.models import Follower, Mark
from birdhouse.store.base import Store
from birdhouse.store.follows import Follows
from birdhouse.store.mentions import CardRef


FRONTIER_SIZE = 5_000  # ~5,000 ids × ~60 bytes: about 300 KB, for an audience of any size
# A follower is announced at most once in CARD_RETENTION_SECONDS, even if they refollow.
DIGEST_TOP = 5  # ordinary followers named in each digest
VIP, DISMISSED = "vip", "dismiss"  # fields of a follower's outcomes hash


@dataclass(frozen=True)
class Tally:
    new: int = 0
    notable: int = 0
    ordinary: int = 0
    likely_bot: int = 0


@dataclass(frozen=True)
class FollowerState:
    """What the team did on a follower's card. A follow-back is shared with their mention cards."""

    followed_by: Mark | None = None
    added_to_vip_by: str | None = None  # Slack user ids
    dismissed_by: str | None = None


class FollowerStore(Store):
    FRONTIER = "bh:followers:frontier"  # zset: follower id -> when first seen (ties broken by page order)
    SEEDED = "bh:followers:seeded"  # set once the first run recorded the existing audience
    UNPOSTED = "bh:followers:unposted"  # set: notable followers whose card is not in Slack yet
    PERIODS = "bh:followers:periods"  # set: digest periods with tallies not yet posted


    @staticmethod
    def _key(user_id: str) -> str:
        return f"bh:follower:{user_id}"

    # -- the frontier ------------------------------------------------------------------------------
    def is_seeded(self) -> bool:
        return bool(self.connection.exists(self.SEEDED))

    def known(self, user_ids: list[str]) -> set[str]:
        if not user_ids:
            return set()
        scores = self.connection.zmscore(self.FRONTIER, user_ids)
        return {user_id for user_id, score in zip(user_ids, scores, strict=True) if score is not None}

    def remember(self, user_ids: list[str], at: float) -> None:
        """Add a page of ids (newest first) to the frontier, then drop the oldest beyond its size."""
        if not user_ids:
            self.connection.set(self.SEEDED, 1)
            return
        # Newest first on the page: earlier entries get the later score, so trimming drops the oldest.
        scores = {user_id: at + (len(user_ids) - index) * 1e-6 for index, user_id in enumerate(user_ids)}
        with self.connection.pipeline() as pipe:
            pipe.zadd(self.FRONTIER, scores, nx=True)
            pipe.zremrangebyrank(self.FRONTIER, 0, -FRONTIER_SIZE - 1)
            pipe.set(self.SEEDED, 1)
            pipe.execute()

    # -- each new follower -------------------------------------------------------------------------
    def add(self, follower: Follower, period: int) -> bool:
        """Keep a new follower and count them in ``period``'s tally. False when they were announced within the
        retention (an unfollow and refollow), so nobody is counted or carded twice."""
        user_id = follower.author.id
        if not self.connection.set(self._key(user_id), json.dumps(follower.to_dict()), nx=True,
                                   ex=CARD_RETENTION_SECONDS):
            return False
        verdict, score = follower.notability["verdict"], follower.notability["score"]
        tally = f"bh:followers:period:{period}"
        with self.connection.pipeline() as pipe:
            pipe.hincrby(tally, "new", 1)
            pipe.hincrby(tally, verdict, 1)
            pipe.expire(tally, CARD_RETENTION_SECONDS)
            if verdict == "ordinary":
                pipe.zadd(tally + ":top", {user_id: score})
                pipe.zremrangebyrank(tally + ":top", 0, -DIGEST_TOP - 1)
                pipe.expire(tally + ":top", CARD_RETENTION_SECONDS)
            if verdict == "notable":
                pipe.sadd(self.UNPOSTED, user_id)
            pipe.sadd(self.PERIODS, period)
            pipe.execute()
        return True

    def get(self, user_id: str) -> Follower | None:
        return self.get_many([user_id])[0]

    def get_many(self, user_ids: list[str]) -> list[Follower | None]:
        """Each follower (None where not kept), in one round trip."""
        if not user_ids:
            return []
        return [Follower.from_dict(json.loads(raw)) if raw else None
                for raw in self.connection.mget([self._key(user_id) for user_id in user_ids])]

    def unposted(self) -> list[str]:
        return sorted(member.decode() for member in self.connection.smembers(self.UNPOSTED))

    # -- cards -------------------------------------------------------------------------------------
    def card(self, user_id: str) -> CardRef | None:
        return CardRef.read(self.connection, self._key(user_id) + ":card")

    def set_card(self, user_id: str, card: CardRef) -> None:
        """On a pipeline (a transaction), so the card and its follower leaving the unposted set are one step."""
        card.write(self.connection, self._key(user_id) + ":card")
        self.connection.expire(self._key(user_id) + ":card", CARD_RETENTION_SECONDS)
        self.connection.srem(self.UNPOSTED, user_id)

    # -- what people did on the card ---------------------------------------------------------------
    def state(self, user_id: str) -> FollowerState:
        vip, dismissed = self.connection.hmget(self._key(user_id) + ":outcomes", VIP, DISMISSED)
        return FollowerState(followed_by=Follows(self.connection).by(user_id),
                             added_to_vip_by=vip.decode() if vip else None,
                             dismissed_by=dismissed.decode() if dismissed else None)

    def _set_outcome(self, user_id: str, name: str, slack_user: str) -> None:
        self.connection.hset(self._key(user_id) + ":outcomes", name, slack_user)
        self.connection.expire(self._key(user_id) + ":outcomes", CARD_RETENTION_SECONDS)

    def set_added_to_vip(self, user_id: str, slack_user: str) -> None:
        """Works on a pipeline too, so an outcome lands with its event."""
        self._set_outcome(user_id, VIP, slack_user)

    def set_dismissed(self, user_id: str, slack_user: str) -> None:
        self._set_outcome(user_id, DISMISSED, slack_user)

    # -- the digest --------------------------------------------------------------------------------
    def pending_periods(self) -> list[int]:
        return sorted(int(member) for member in self.connection.smembers(self.PERIODS))

    def tally(self, period: int) -> Tally:
        raw = self.connection.hgetall(f"bh:followers:period:{period}")
        return Tally(**{key.decode(): int(value) for key, value in raw.items()})

    def top(self, period: int) -> list[Follower]:
        """The best-scored ordinary followers of ``period``, best first, as stored."""
        ids = [member.decode() for member in self.connection.zrevrange(f"bh:followers:period:{period}:top", 0, -1)]
        return [record for record in map(self.get, ids) if record is not None]

    def digest_posted(self, period: int) -> None:
        self.connection.srem(self.PERIODS, period)
