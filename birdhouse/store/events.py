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
import math
import os
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from operator import attrgetter
from typing import Any

import redis

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


class QueueChange(StrEnum):
    """What an event does to the questions and complaints that may await an answer (``EventLog.AWAITING``)."""

    NONE = ""
    ASKED = "asked"  # a question or complaint came in
    SETTLED = "settled"  # replied to, done or dismissed
    REOPENED = "reopened"  # back in, at its post's time, if it is a question or complaint


def queue_change(event: Event) -> QueueChange:
    if event.result != OK:
        return QueueChange.NONE
    if event.kind == EventKind.MENTION:
        return QueueChange.ASKED if event.data.get("kind") in NEEDS_ANSWER else QueueChange.NONE
    if event.kind in (EventKind.REPLY, EventKind.DONE, EventKind.DISMISS):
        return QueueChange.SETTLED
    return QueueChange.REOPENED if event.kind == EventKind.REOPEN else QueueChange.NONE


# KEYS: the log, ASKED, AWAITING, AUTHORS, INDEXED; ARGV: the retention, OWN_PREFIX, then (event JSON, at,
# mention id or "", QueueChange, author id or "")... A question's or complaint's own events are a list under
# OWN_PREFIX and its id (a key not declared: Birdhouse runs on one Redis, not a cluster): a few long members
# make one compact listpack as a list, where a sorted set of them would be a skiplist.
# Each key is trimmed to the retention before the event's time, or before the server's clock and a day when the
# event says it is later than that: one event from a clock far ahead must not empty the log.
_RECORD = """
local retention = tonumber(ARGV[1])
local latest = tonumber(redis.call('time')[1]) + 86400
if redis.call('exists', KEYS[1]) == 0 then
  redis.call('set', KEYS[5], '1')  -- a log begun with its indexes needs no build
end
for i = 3, #ARGV, 5 do
  local raw, at, mention, change, author = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local before = '(' .. (math.min(at, latest) - retention)
  redis.call('zadd', KEYS[1], at, raw)
  redis.call('zremrangebyscore', KEYS[1], '-inf', before)
  if change == 'asked' then
    redis.call('zadd', KEYS[2], 'NX', at, mention)
    redis.call('zadd', KEYS[3], 'NX', at, mention)
    redis.call('zremrangebyscore', KEYS[2], '-inf', before)
    redis.call('zremrangebyscore', KEYS[3], '-inf', before)
  end
  local posted = mention ~= '' and redis.call('zscore', KEYS[2], mention)  -- false unless a question or complaint
  if posted then
    local own = ARGV[2] .. mention
    redis.call('rpush', own, raw)
    redis.call('expire', own, retention)
    if change == 'settled' then
      redis.call('zrem', KEYS[3], mention)
    elseif change == 'reopened' then
      redis.call('zadd', KEYS[3], posted, mention)
    end
  end
  if author ~= '' then
    redis.call('zadd', KEYS[4], 'GT', at, author)
    redis.call('zremrangebyscore', KEYS[4], '-inf', before)
  end
end
"""


class EventLog(Store):
    KEY = "bh:events"
    OWN_PREFIX = "bh:events:of:"  # + a question's or complaint's id: a list of its events
    ASKED = "bh:events:asked"  # every question and complaint id, by its post's time
    AWAITING = "bh:events:awaiting"  # the same, until replied to, done or dismissed (again when reopened)
    AUTHORS = "bh:events:authors"  # X user ids, by the time of their latest mention
    INDEXED = "bh:events:indexed"  # set once the indexes above cover the whole log (see ``build_indexes``)
    BUILDING = "bh:events:building"  # held by the one process building them
    BUILD_SECONDS = 600

    def __init__(self, connection: redis.Redis | redis.client.Pipeline) -> None:
        super().__init__(connection)
        self._indexed = False  # once the indexes cover the log they always do: no need to ask Redis again

    def record(self, event: Event) -> Event:
        self.record_all([event])
        return event

    def record_all(self, events: Iterable[Event]) -> None:
        self._record([(_dump(event), event) for event in events])

    def _record(self, rows: list[tuple[str | bytes, Event]]) -> None:
        if not rows:
            return
        args: list[Any] = [STATS_RETENTION_SECONDS, self.OWN_PREFIX]
        for raw, event in rows:
            author = event.data.get("author_id") if event.kind == EventKind.MENTION else None
            args += [raw, event.at, event.mention_id or "", queue_change(event), author or ""]
        self.connection.eval(_RECORD, 5, self.KEY, self.ASKED, self.AWAITING, self.AUTHORS, self.INDEXED,
                             *args)

    def between(self, start: float, end: float, kinds: set[str] | None = None) -> list[Event]:
        """Events with start <= at <= end, oldest first."""
        events = (_load(raw) for raw in self.connection.zrangebyscore(self.KEY, start, end))
        return [event for event in events if kinds is None or event.kind in kinds]

    def awaiting_answer(self, start: float, end: float) -> list[Event]:
        """The events of every question and complaint posted between start and end that may still await an
        answer (not replied to, done or dismissed since it was last opened), each mention's oldest first.
        This is the present state: an item settled after ``end`` is left out. While another process builds
        the indexes (once, at an upgrade), the log's events of that time, which give the same queue."""
        if not self.build_indexes():
            return self.between(start, end)
        ids = self.connection.zrangebyscore(self.AWAITING, start, end)
        with self.connection.pipeline(transaction=False) as pipe:
            for mention_id in ids:
                pipe.lrange(self.OWN_PREFIX + mention_id.decode(), 0, -1)
            own = pipe.execute()
        # An indexing that raced new events may have listed some twice, or out of order: their ids and times tell.
        return [event for events in own
                for event in sorted({event.id: event for event in map(_load, events)}.values(), key=attrgetter("at"))]

    def latest_mentions(self, author_ids: list[str], since: float) -> dict[str, float]:
        """When each of these X users last mentioned the brand, for those who did since ``since``."""
        if not author_ids:
            return {}
        if not self.build_indexes():
            mentions = self.between(since, math.inf, {EventKind.MENTION})
            latest = {event.data.get("author_id"): event.at for event in mentions}
            return {author: latest[author] for author in author_ids if author in latest}
        scores = self.connection.zmscore(self.AUTHORS, author_ids)
        return {author: at for author, at in zip(author_ids, scores, strict=True) if at is not None and at >= since}

    def build_indexes(self, batch: int = 5_000) -> bool:
        """Whether the indexes cover the log, building them first when a log written before they existed (an
        upgrade) has none: by one process, under a lease; False while another one builds them. Events
        recorded meanwhile index themselves; one met again by the build is listed twice, which the reader
        drops. Processes of the version before must all be stopped first: what they write is not indexed."""
        if self._indexed or self.connection.exists(self.INDEXED):
            self._indexed = True
            return True
        if not self.connection.set(self.BUILDING, os.getpid(), nx=True, ex=self.BUILD_SECONDS):
            return False
        try:
            score, seen_at_score = "-inf", 0
            # Paged by time: the next page starts at the last page's latest time, past the events at that time
            # read already, so neither many events at one time nor a trim of the oldest meanwhile loses any.
            while chunk := self.connection.zrangebyscore(self.KEY, score, "+inf", start=seen_at_score, num=batch,
                                                         withscores=True):
                self._record([(raw, _load(raw)) for raw, _ in chunk])  # in the log already: the indexes fill
                latest = chunk[-1][1]
                at_latest = sum(1 for _, at in chunk if at == latest)
                seen_at_score = seen_at_score + at_latest if latest == score else at_latest
                score = latest
            self.connection.set(self.INDEXED, "1")
        finally:
            self.connection.delete(self.BUILDING)
        self._indexed = True
        return True


def _dump(event: Event) -> str:
    return json.dumps(asdict(event), sort_keys=True)


def _load(raw: bytes) -> Event:
    return Event(**json.loads(raw))
