"""What waits to be posted in each Slack channel, most urgent first: one sorted set per channel.

A member is ``kind:subject`` (a card, ``digest:<id>``, ``case:<mention id>``, ``sla:<mention id>:<threshold>``,
``followers:<period>``); its score is its band times ``BAND_WIDTH`` plus the milliseconds of its arrival, so the
lowest score is the most urgent band's oldest message. A member leaves only once its message is recorded as
posted: a drain that dies mid-post leaves it for the next one.

A digest folds some members into one message. Folding is one transaction: the folded members leave the outbox,
the digest (its lines) enters it, and each folded mention is marked as a line of that digest, so every mention is
at every moment either waiting, or a card, or a line of one digest.

A message whose subject's store does not hold all it needs (who escalated, how long an item had waited) is
queued with its details, written in the same transaction as the member.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis

from birdhouse.defaults import REMEMBER_SECONDS
from birdhouse.store.base import Store
from birdhouse.store.mentions import CardRef

# KEYS[1] the outbox, KEYS[2] the set of subjects still waiting for their card; ARGV: (member, score, subject)...
# A member is queued only while its subject waits: a poll handing back what it read as unposted a moment ago
# must not bring back a card just posted, or a mention just folded into a digest.
_ADD_WAITING = """
local added = 0
for i = 1, #ARGV, 3 do
  if redis.call('sismember', KEYS[2], ARGV[i + 2]) == 1 then
    added = added + redis.call('zadd', KEYS[1], 'NX', ARGV[i + 1], ARGV[i])
  end
end
return added
"""

# KEYS[1] from, KEYS[2] to; ARGV: members. Each keeps its score; one queued in both keeps the more urgent place.
_MOVE = """
local moved = 0
for i = 1, #ARGV do
  local score = redis.call('zscore', KEYS[1], ARGV[i])
  if score then
    redis.call('zadd', KEYS[2], 'LT', score, ARGV[i])
    redis.call('zrem', KEYS[1], ARGV[i])
    moved = moved + 1
  end
end
return moved
"""

BAND_WIDTH = 10**13  # above any arrival in milliseconds (until the year 2286); exact in a double
CHANNELS = "bh:outbox:channels"  # set: channels that have had something to post
WAKE = "bh:outbox:wake"  # list of at most one item: something was queued, for an idle drainer blocked on it


def member(kind: str, subject_id: str) -> str:
    return f"{kind}:{subject_id}"


def _score(band: int, at: float) -> int:
    return band * BAND_WIDTH + int(at * 1000)


def _announce(pipe: redis.client.Pipeline, channel: str) -> None:
    """After queueing in ``channel``: it is listed, and an idle drainer is woken."""
    pipe.sadd(CHANNELS, channel)
    pipe.lpush(WAKE, channel)
    pipe.ltrim(WAKE, 0, 0)


def _with_band(raw: bytes, score: float) -> tuple[str, int]:
    return raw.decode(), int(score // BAND_WIDTH)


def parse_member(raw: str) -> tuple[str, str]:
    kind, _, subject_id = raw.partition(":")
    return kind, subject_id


@dataclass(frozen=True)
class Blocked:
    """A channel Slack refuses (``SlackBlocked``): its error, since when, and when its drain tries again."""

    error: str
    since: float
    until: float


class Outbox(Store):
    @staticmethod
    def _key(channel: str) -> str:
        return f"bh:outbox:{channel}"

    @staticmethod
    def _blocked_key(channel: str) -> str:
        return f"bh:outbox:blocked:{channel}"

    @staticmethod
    def _details_key(name: str) -> str:
        return f"bh:outbox:details:{name}"

    def add(self, channel: str, entries: dict[str, tuple[int, float]], *, waiting_in: str | None = None) -> None:
        """Queue each member (``member -> (band, arrived at)``) unless it is queued already: a member keeps
        its place, however often it is handed back. With ``waiting_in`` (a set of subject ids), only the
        members whose subject is still in it."""
        if not entries:
            return
        scores = {name: _score(band, at) for name, (band, at) in entries.items()}
        with self.connection.pipeline(transaction=False) as pipe:
            if waiting_in is None:
                pipe.zadd(self._key(channel), scores, nx=True)
            else:
                flat = [part for name, score in scores.items() for part in (name, score, parse_member(name)[1])]
                pipe.eval(_ADD_WAITING, 2, self._key(channel), waiting_in, *flat)
            _announce(pipe, channel)
            pipe.execute()

    def wait_for_more(self, seconds: float) -> None:
        """Block until something is queued (in any channel), or for ``seconds``."""
        self.connection.blpop([WAKE], timeout=seconds)

    def add_with_details(self, channel: str, name: str, place: tuple[int, float], details: dict[str, Any]) -> None:
        """Queue one member (unless it is queued already: it keeps its place) with what its message needs (the
        latest details win; they outlive the post by a while, so a member queued again late still finds them)."""
        with self.connection.pipeline() as pipe:
            pipe.set(self._details_key(name), json.dumps(details), ex=REMEMBER_SECONDS)
            pipe.zadd(self._key(channel), {name: _score(*place)}, nx=True)
            _announce(pipe, channel)
            pipe.execute()

    def details(self, name: str) -> dict[str, Any] | None:
        raw = self.connection.get(self._details_key(name))
        return json.loads(raw) if raw else None

    def channels(self) -> list[str]:
        return sorted(raw.decode() for raw in self.connection.smembers(CHANNELS))

    def head(self, channel: str, count: int = 1) -> list[tuple[str, int]]:
        """The ``count`` most urgent members, with their bands."""
        return [_with_band(raw, score)
                for raw, score in self.connection.zrange(self._key(channel), 0, count - 1, withscores=True)]

    def queued(self, channel: str) -> list[tuple[str, int]]:
        """Every member, most urgent first, with its band, in one round trip."""
        return [_with_band(raw, score)
                for raw, score in self.connection.zrange(self._key(channel), 0, -1, withscores=True)]

    def waiting_and_head(self, channel: str) -> tuple[int, tuple[str, int] | None]:
        """How many members wait, and the most urgent one with its band (None when none), in one round trip."""
        with self.connection.pipeline(transaction=False) as pipe:
            pipe.zcard(self._key(channel))
            pipe.zrange(self._key(channel), 0, 0, withscores=True)
            waiting, head = pipe.execute()
        return int(waiting), next((_with_band(raw, score) for raw, score in head), None)

    def holds(self, channel: str, name: str) -> bool:
        return self.connection.zscore(self._key(channel), name) is not None

    def waiting(self, channel: str) -> int:
        return int(self.connection.zcard(self._key(channel)))

    def move(self, source: str, target: str, names: list[str]) -> None:
        """Move ``names`` from ``source``'s outbox to ``target``'s, each keeping its place (band and arrival), or the
        more urgent of its two places when ``target`` holds it too."""
        with self.connection.pipeline(transaction=False) as pipe:
            pipe.eval(_MOVE, 2, self._key(source), self._key(target), *names)
            _announce(pipe, target)
            pipe.execute()

    def remove(self, channel: str, name: str) -> None:
        self.connection.zrem(self._key(channel), name)

    def ready(self, channel: str, now: float) -> bool:
        """Something waits in ``channel``, and Slack is not known to refuse it now."""
        with self.connection.pipeline(transaction=False) as pipe:
            pipe.zcard(self._key(channel))
            pipe.hget(self._blocked_key(channel), "until")
            waiting, until = pipe.execute()
        return bool(waiting) and (until is None or float(until) <= now)

    # -- a channel Slack refuses -------------------------------------------------------------------------
    def block(self, channel: str, error: str, now: float, until: float) -> None:
        """Slack refused ``channel`` itself: its drain waits until ``until``. ``since`` stays the first refusal."""
        key = self._blocked_key(channel)
        with self.connection.pipeline() as pipe:
            pipe.hsetnx(key, "since", repr(now))
            pipe.hset(key, mapping={"error": error, "until": repr(until)})
            pipe.execute()

    def blocked(self, channel: str) -> Blocked | None:
        stored = self.connection.hgetall(self._blocked_key(channel))
        return _blocked(stored) if stored else None

    def all_blocked(self) -> dict[str, Blocked]:
        """Every channel Slack refuses, as the App Home tells the team."""
        channels = self.channels()
        with self.connection.pipeline(transaction=False) as pipe:
            for channel in channels:
                pipe.hgetall(self._blocked_key(channel))
            stored = pipe.execute()
        return {channel: _blocked(fields) for channel, fields in zip(channels, stored) if fields}

    def unblock(self, channel: str) -> None:
        self.connection.delete(self._blocked_key(channel))


def _blocked(stored: dict[bytes, bytes]) -> Blocked:
    return Blocked(stored[b"error"].decode(), float(stored[b"since"]), float(stored[b"until"]))


class Digests(Store):
    """Digest messages: the mentions each lists, and which digest lists a mention."""

    @staticmethod
    def _key(digest_id: str) -> str:
        return f"bh:digest:{digest_id}"

    @staticmethod
    def _line_key(mention_id: str) -> str:
        return f"bh:mention:{mention_id}:digest"

    @staticmethod
    def _refused_key(mention_id: str) -> str:
        return f"bh:mention:{mention_id}:refused_digest"

    def lines(self, digest_id: str) -> list[str]:
        raw = self.connection.get(self._key(digest_id))
        return json.loads(raw) if raw else []

    def digest_of(self, mention_id: str) -> str | None:
        raw = self.connection.get(self._line_key(mention_id))
        return raw.decode() if raw else None

    def card(self, digest_id: str) -> CardRef | None:
        return CardRef.read(self.connection, self._key(digest_id) + ":card")

    def set_card(self, digest_id: str, card: CardRef) -> None:
        card.write(self.connection, self._key(digest_id) + ":card")

    def fold(self, channel: str, digest_id: str, mention_ids: list[str], band: int, at: float,
             unposted_key: str) -> None:
        """Make ``mention_ids`` (queued mention cards) the lines of one new digest, queued at ``band``."""
        outbox_key = Outbox._key(channel)
        with self.connection.pipeline() as pipe:
            pipe.zrem(outbox_key, *(member("mention", mention_id) for mention_id in mention_ids))
            pipe.set(self._key(digest_id), json.dumps(mention_ids), ex=REMEMBER_SECONDS)
            for mention_id in mention_ids:
                pipe.set(self._line_key(mention_id), digest_id, ex=REMEMBER_SECONDS)
            pipe.srem(unposted_key, *mention_ids)  # a line of a digest is not handed back as a card
            pipe.zadd(outbox_key, {member("digest", digest_id): _score(band, at)})
            pipe.execute()

    def unfold(self, digest_id: str, unposted_key: str) -> None:
        """A digest Slack refused: its mentions are unposted again, lines of no digest (``fold`` undone, but for
        the outbox, which its drain leaves), and noted as lines of a refused digest (``refused_lines``)."""
        mention_ids = self.lines(digest_id)
        with self.connection.pipeline() as pipe:
            pipe.delete(self._key(digest_id), *(self._line_key(mention_id) for mention_id in mention_ids))
            for mention_id in mention_ids:
                pipe.set(self._refused_key(mention_id), digest_id, ex=REMEMBER_SECONDS)
            if mention_ids:
                pipe.sadd(unposted_key, *mention_ids)
            pipe.execute()

    def refused_lines(self, mention_ids: list[str]) -> list[str]:
        """Those of ``mention_ids`` that were lines of a digest Slack refused."""
        if not mention_ids:
            return []
        noted = self.connection.mget([self._refused_key(mention_id) for mention_id in mention_ids])
        return [mention_id for mention_id, digest in zip(mention_ids, noted, strict=True) if digest is not None]
