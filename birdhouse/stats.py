"""The team's numbers, computed from the event log: events in, ``Stats`` out, no I/O.

Definitions (docs/stats.md shows them to users):

- A window is the ``duration`` seconds ending at ``end``. Mentions count in the window their post was made in.
- Questions and complaints (by triage kind) are the items that need an answer. One is *answered* when a reply
  to it succeeded; the response rate is answered / all of them, of those posted in the window.
- First response time is the first successful reply's time minus the post's time, wall clock.
- The SLA clock runs from the post until the item is closed (replied to, marked done or dismissed), counting
  only business hours when they are set. A *breach* is an item whose SLA clock reached the nudge threshold
  before it closed (or, still open, by the window's end). Closing without a reply stops the clock, as it does
  for the nudges: a dismissed complaint is nobody's overdue work. Reopened, it has waited since its post.
- Percentiles interpolate linearly between ranks (numpy's default, Excel's PERCENTILE.INC), so the median of an
  even count is the mean of the middle two, as people expect.
- Leaderboard and action counts are of successful actions taken in the window, by Slack user.
- X usage is counted per UTC day, as X bills it: the window's days, today included.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from birdhouse.store.events import NEEDS_ANSWER, OK, Event, EventKind

PERSONAL = (EventKind.REPLY, EventKind.ESCALATE, EventKind.FOLLOW_BACK)  # what the leaderboard counts, in its order

WINDOWS: dict[str, timedelta] = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DEFAULT_WINDOW = "24h"
QUEUE_LOOKBACK = WINDOWS["30d"]  # how far back the open queue and the SLA look for unanswered items

# Pay-per-use prices in US dollars per item, from specs/README.md ("Pricing is pay-per-use since 2026-02:
# reading the account's own mentions and followers ("owned reads") costs $0.001 per item, a post $0.015").
# Our notes give no price for likes, follows, list changes or user lookups: those are listed with their
# request counts and left out of the estimate rather than guessed. X bills an item once per UTC day however
# often it is read, so the price applies to billed items (UsageStore), not to every item read.
PRICES_USD: dict[str, float] = {"mentions": 0.001, "followers": 0.001, "create_post": 0.015}

# (start, end) -> seconds that count on the SLA clock; wall-clock seconds unless business hours are set.
Elapsed = Callable[[float, float], float]


def wall_clock(start: float, end: float) -> float:
    return max(0.0, end - start)


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """The ``fraction`` (0..1) percentile by linear interpolation between closest ranks; None without data."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Person:
    user: str
    replies: int = 0
    escalations: int = 0
    follow_backs: int = 0


@dataclass(frozen=True)
class UsageLine:
    endpoint: str
    requests: int
    items: int  # everything X sent, re-reads included
    billed: int  # items not already read that UTC day: what X bills
    cost_usd: float | None  # None: no published price


@dataclass(frozen=True)
class Stats:
    window: str
    start: float
    end: float
    mentions_by_kind: dict[str, int]
    needing_answer: int
    answered: int
    first_response_median: float | None  # seconds
    first_response_p90: float | None
    sla_breaches: int
    escalations: int  # by people and by the SLA
    sla_escalations: int
    follow_backs: int
    leaderboard: tuple[Person, ...]
    usage: tuple[UsageLine, ...]
    usage_days: tuple[str, ...]

    @property
    def mentions(self) -> int:
        return sum(self.mentions_by_kind.values())

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.needing_answer if self.needing_answer else None

    @property
    def cost_usd(self) -> float:
        return sum(line.cost_usd for line in self.usage if line.cost_usd is not None)

    @property
    def unpriced(self) -> tuple[str, ...]:
        return tuple(line.endpoint for line in self.usage if line.cost_usd is None)


@dataclass(frozen=True)
class Item:
    """A question or complaint and what happened to it, as the events tell."""
    mention_id: str
    kind: str
    posted_at: float
    first_reply_at: float | None = None
    closed_at: float | None = None  # Done or Dismiss, unless reopened since
    claimed_by: str | None = None
    escalated: bool = False

    @property
    def open(self) -> bool:
        return self.first_reply_at is None and self.closed_at is None

    def sla_waited(self, until: float, elapsed: Elapsed) -> float:
        """SLA seconds the item waited for its first response, counting to ``until`` while it is open."""
        stops = [at for at in (self.first_reply_at, self.closed_at) if at is not None]
        return elapsed(self.posted_at, min([*stops, until]))


def parse_window(text: str) -> str | None:
    """The window a user asked for ("", "24h", "7D"…), or None when it is not one we offer."""
    window = text.strip().lower() or DEFAULT_WINDOW
    return window if window in WINDOWS else None


def window_start(window: str, end: float) -> float:
    return end - WINDOWS[window].total_seconds()


def usage_days(window: str, end: float) -> tuple[str, ...]:
    """The UTC days a window's X usage is reported for: as many whole days as the window spans, ending today."""
    today = datetime.fromtimestamp(end, UTC).date()
    return tuple((today - timedelta(days=back)).isoformat() for back in reversed(range(WINDOWS[window].days)))


def items(events: Iterable[Event]) -> dict[str, Item]:
    """Questions and complaints by mention id, with their replies, closes, claims and escalations folded in.

    Each mention's events must be oldest first (as ``EventLog.between`` and ``EventLog.awaiting_answer`` give
    them); actions on mentions outside the events given are ignored.
    """
    found: dict[str, Item] = {}
    for event in events:
        if event.kind == EventKind.MENTION:
            kind = event.data.get("kind")
            if kind in NEEDS_ANSWER and event.mention_id not in found:
                found[event.mention_id] = Item(event.mention_id, kind, event.at)
            continue
        item = found.get(event.mention_id or "")
        if item is None or event.result != OK:
            continue
        if event.kind == EventKind.REPLY and item.first_reply_at is None:
            item = replace(item, first_reply_at=event.at)
        elif event.kind in (EventKind.DONE, EventKind.DISMISS) and item.closed_at is None:
            item = replace(item, closed_at=event.at)
        elif event.kind == EventKind.REOPEN:
            item = replace(item, closed_at=None)
        elif event.kind in (EventKind.CLAIM, EventKind.UNCLAIM):
            item = replace(item, claimed_by=event.user if event.kind == EventKind.CLAIM else None)
        elif event.kind in (EventKind.ESCALATE, EventKind.SLA_ESCALATE):
            item = replace(item, escalated=True)
        found[item.mention_id] = item
    return found


def open_queue(events: Iterable[Event]) -> list[Item]:
    """Questions and complaints not yet replied to, done or dismissed, oldest first."""
    return sorted((item for item in items(events).values() if item.open),
                  key=lambda item: (item.posted_at, item.mention_id))


def compute(events: Iterable[Event], *, window: str, end: float, sla_seconds: float,
            elapsed: Elapsed = wall_clock, usage: Mapping[str, Mapping[str, int]] | None = None) -> Stats:
    """The numbers for ``window`` ending at ``end``, from the events of that window (oldest first) and the
    UsageStore days named by ``usage_days`` (day -> {"endpoint:requests": n, "endpoint:items": n,
    "endpoint:billed": n})."""
    start = window_start(window, end)
    in_window = [event for event in events if start <= event.at <= end]
    kinds = Counter(event.data.get("kind", "other") for event in in_window if event.kind == EventKind.MENTION)
    posted = list(items(in_window).values())
    responses = [item.first_reply_at - item.posted_at for item in posted if item.first_reply_at is not None]

    people: dict[str, Counter[str]] = defaultdict(Counter)
    for event in in_window:
        if event.result == OK and event.user and event.kind in PERSONAL:
            people[event.user][event.kind] += 1
    leaderboard = sorted(
        (Person(user, *(counts[kind] for kind in PERSONAL)) for user, counts in people.items()),
        key=lambda person: (-person.replies, -person.escalations, -person.follow_backs, person.user),
    )
    actions = Counter(event.kind for event in in_window if event.result == OK)
    days = usage_days(window, end)
    return Stats(
        window=window, start=start, end=end,
        mentions_by_kind=dict(sorted(kinds.items(), key=lambda pair: (-pair[1], pair[0]))),
        needing_answer=len(posted),
        answered=len(responses),
        first_response_median=percentile(responses, 0.5),
        first_response_p90=percentile(responses, 0.9),
        sla_breaches=sum(item.sla_waited(end, elapsed) >= sla_seconds for item in posted),
        escalations=actions[EventKind.ESCALATE] + actions[EventKind.SLA_ESCALATE],
        sla_escalations=actions[EventKind.SLA_ESCALATE],
        follow_backs=actions[EventKind.FOLLOW_BACK],
        leaderboard=tuple(leaderboard),
        usage=usage_lines([(usage or {}).get(day, {}) for day in days]),
        usage_days=days,
    )


def usage_lines(days: Iterable[Mapping[str, int]]) -> tuple[UsageLine, ...]:
    """Requests and items per X endpoint summed over days, priced where a price is known; busiest first."""
    totals: Counter[str] = Counter()
    for day in days:
        totals.update(day)
    endpoints = sorted({key.rsplit(":", 1)[0] for key in totals})
    lines = []
    for endpoint in endpoints:
        requests, read, billed = (totals[f"{endpoint}:{part}"] for part in ("requests", "items", "billed"))
        price = PRICES_USD.get(endpoint)
        lines.append(UsageLine(endpoint, requests, read, billed, None if price is None else billed * price))
    return tuple(sorted(lines, key=lambda line: (-(line.cost_usd or 0.0), -line.requests, line.endpoint)))
