"""The event log: every mention received and every action taken, with who, when and the outcome.

It is the audit log and the source of every statistic, so the numbers survive restarts and agree however
many workers wrote them. A sorted set scored by the event's time keeps range reads cheap and lets a test
(or a backfill) write events at the times they happened.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from birdhouse.store.base import Store


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
    result: str = "ok"  # "ok", or what went wrong in a word ("not_enrolled", "duplicate", ...)
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class EventLog(Store):
    KEY = "bh:events"


    def record(self, event: Event) -> Event:
        self.connection.zadd(self.KEY, {json.dumps(asdict(event), sort_keys=True): event.at})
        return event

    def between(self, start: float, end: float, kinds: set[str] | None = None) -> list[Event]:
        """Events with start <= at <= end, oldest first."""
        events = (Event(**json.loads(raw)) for raw in self.connection.zrangebyscore(self.KEY, start, end))
        return [event for event in events if kinds is None or event.kind in kinds]
