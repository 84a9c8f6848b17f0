"""The event log: every mention received and every action taken, with who, when and the outcome.

It is the audit log and the source of every statistic, so the numbers survive restarts and agree however
many workers wrote them. A sorted set scored by the event's time keeps range reads cheap and lets a test
(or a backfill) write events at the times they happened. It keeps ``STATS_RETENTION_SECONDS`` (40 days),
longer than any window read from it.

Beside it, written by the same script as each event so they never disagree, are the indexes that let the
open queue, the SLA check and the follower check read a few keys instead of a month of events: each
mention's own events, the questions and complaints that may still await an answer (a superset of the open
queue: the queue folds each one's events to decide), and each author's latest mention.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from birdhouse.defaults import STATS_RETENTION_SECONDS
from birdhouse.store.base import Store

NEEDS_ANSWER = ("question", "complaint")  # the triage kinds a care team must answer
OK = "ok"


class EventKind(StrEnum):
    """Every kind of event Birdhouse writes. Readers must skip kinds they do not know, so new ones can be added
    freely. Button actions that go through the action ledger are named by the kind of event they write."""

    MENTION = "mention"
    REPLY = "reply"
    LIKE = "like"
    FOLLOW_BACK = "follow_back"
    ESCALATE = "escalate"
    CLAIM = "claim"
    DONE = "done"
    DISMISS = "dismiss"
    UNCLAIM = "unclaim"
    REOPEN = "reopen"  # a Done or Dismissed card opened again
    SLA_NUDGE = "sla_nudge"
    SLA_ESCALATE = "sla_escalate"
    VIP_LIST = "vip_list"  # a new follower added to the VIP list
    FOLLOWER_DISMISS = "follower_dismiss"


@dataclass(frozen=True)
class Event:
    kind: str
    at: float  # epoch seconds
    mention_id: str | None = None
    user: str | None = None  # the Slack user who acted; None for what Birdhouse did by itself
    result: str = OK  # "ok", or what went wrong in a word ("not_enrolled", "duplicate", ...)
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class Awaiting(StrEnum):
    """What an event does to the set of questions and complaints that may await an answer."""

    NOTHING = ""
    ASKED = "asked"  # a question or complaint came in
    SETTLED = "settled"  # replied to, done or dismissed
    REOPENED = "reopened"  # back in, at its post's time, if it was a question or complaint


def awaiting(event: Event) -> Awaiting:
    if event.result != OK:
        return Awaiting.NOTHING
    if event.kind == EventKind.MENTION:
        return Awaiting.ASKED if event.data.get("kind") in NEEDS_ANSWER else Awaiting.NOTHING
    if event.kind in (EventKind.REPLY, EventKind.DONE, EventKind.DISMISS):
        return Awaiting.SETTLED
    return Awaiting.REOPENED if event.kind == EventKind.REOPEN else Awaiting.NOTHING


# KEYS: the log, the prefix of a mention's own events, AWAITING, NEEDING_ANSWER, AUTHORS, INDEXED.
# ARGV: (event JSON, at, mention id or "", Awaiting, author id or "", trim before)... then the retention.
# Only questions' and complaints' own events are kept (what the open queue folds), in a list: a list of a few
# events stays one compact listpack, where a sorted set of members this long would take a skiplist each.
# Trimming by each event's own time keeps every key within the retention without a clock in Redis.
_RECORD = """
local ttl = ARGV[#ARGV]
if redis.call('exists', KEYS[1]) == 0 then
  redis.call('set', KEYS[6], 'from the start')  -- a log begun with its indexes needs no build
end
for i = 1, #ARGV - 1, 6 do
  local raw, at, mention, change, author, before = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], '(' .. ARGV[i + 5]
  redis.call('zadd', KEYS[1], at, raw)
  redis.call('zremrangebyscore', KEYS[1], '-inf', before)
  if change == 'asked' then
    redis.call('zadd', KEYS[3], 'NX', at, mention)
    redis.call('zadd', KEYS[4], 'NX', at, mention)
    redis.call('zremrangebyscore', KEYS[3], '-inf', before)
    redis.call('zremrangebyscore', KEYS[4], '-inf', before)
  end
  local posted = mention ~= '' and redis.call('zscore', KEYS[4], mention)
  if posted then
    local own = KEYS[2] .. mention
    redis.call('rpush', own, raw)
    redis.call('expire', own, ttl)
    if change == 'settled' then
      redis.call('zrem', KEYS[3], mention)
    elseif change == 'reopened' then
      redis.call('zadd', KEYS[3], posted, mention)
    end
  end
  if author ~= '' then
    redis.call('zadd', KEYS[5], 'GT', at, author)
    redis.call('zremrangebyscore', KEYS[5], '-inf', before)
  end
end
"""


class EventLog(Store):
    KEY = "bh:events"
    OWN_PREFIX = "bh:events:of:"  # + a question's or complaint's id: its events
    AWAITING = "bh:events:awaiting"  # question and complaint ids by post time, until replied to or closed
    NEEDING_ANSWER = "bh:events:needing_answer"  # every question and complaint id by post time
    AUTHORS = "bh:events:authors"  # X user id by the time of their latest mention
    INDEXED = "bh:events:indexed"  # set once the indexes above cover the whole log (see ``build_indexes``)

    def record(self, event: Event) -> Event:
        self.record_all([event])
        return event

    def record_all(self, events: Iterable[Event]) -> None:
        args: list[Any] = []
        for event in events:
            author = event.data.get("author_id") if event.kind == EventKind.MENTION else None
            args += [json.dumps(asdict(event), sort_keys=True), event.at, event.mention_id or "", awaiting(event),
                     author or "", event.at - STATS_RETENTION_SECONDS]
        if args:
            self.connection.eval(_RECORD, 6, self.KEY, self.OWN_PREFIX, self.AWAITING, self.NEEDING_ANSWER,
                                 self.AUTHORS, self.INDEXED, *args, STATS_RETENTION_SECONDS)

    def between(self, start: float, end: float, kinds: set[str] | None = None) -> list[Event]:
        """Events with start <= at <= end, oldest first."""
        events = (_load(raw) for raw in self.connection.zrangebyscore(self.KEY, start, end))
        return [event for event in events if kinds is None or event.kind in kinds]

    def awaiting_answer(self, start: float, end: float) -> list[Event]:
        """The events of every question and complaint posted between start and end that may still await an
        answer (not replied to, done or dismissed since it was last opened), each mention's oldest first.
        This is the present state: an item settled after ``end`` is left out."""
        self.build_indexes()
        ids = self.connection.zrangebyscore(self.AWAITING, start, end)
        with self.connection.pipeline(transaction=False) as pipe:
            for mention_id in ids:
                pipe.lrange(self.OWN_PREFIX + mention_id.decode(), 0, -1)
            own = pipe.execute()
        # An indexing that raced new events may have listed some twice, or out of order: their ids and times tell.
        return [event for events in own
                for event in sorted({event.id: event for event in map(_load, events)}.values(), key=_time)]

    def latest_mentions(self, author_ids: list[str], since: float) -> dict[str, float]:
        """When each of these X users last mentioned the brand, for those who did since ``since``."""
        if not author_ids:
            return {}
        self.build_indexes()
        scores = self.connection.zmscore(self.AUTHORS, author_ids)
        return {author: at for author, at in zip(author_ids, scores, strict=True) if at is not None and at >= since}

    def build_indexes(self, batch: int = 5_000) -> int:
        """Index the events of a log written before the indexes existed (an upgrade), at the first read that
        needs them: once, however many
        processes start at the same time. Events recorded meanwhile index themselves; a build that races
        another or a new event lists some events twice, which the reader drops, or leaves a settled item among
        the awaiting ones, which the open queue's fold of its events leaves out. Returns how many events were indexed now (0 when the indexes were built already)."""
        if self.connection.exists(self.INDEXED):
            return 0
        indexed, score, seen_at_score = 0, "-inf", 0
        # Paged by time: the next page starts at the last page's latest time, past the events at that time read
        # already, so neither many events at one time nor a trim of the oldest meanwhile loses any.
        while chunk := self.connection.zrangebyscore(self.KEY, score, "+inf", start=seen_at_score, num=batch,
                                                     withscores=True):
            self.record_all(_load(raw) for raw, _ in chunk)  # in the log already: only the indexes fill
            indexed += len(chunk)
            latest = chunk[-1][1]
            at_latest = sum(1 for _, at in chunk if at == latest)
            seen_at_score = seen_at_score + at_latest if latest == score else at_latest
            score = latest
        self.connection.set(self.INDEXED, indexed)
        return indexed


def _load(raw: bytes) -> Event:
    return Event(**json.loads(raw))


def _time(event: Event) -> float:
    return event.at
