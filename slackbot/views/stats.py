"""``/birdhouse stats``: the team's numbers for a window, as Block Kit. Pure: a ``Stats`` in, blocks out.

The same summary appears in the App Home, so its parts (``summary``, ``leaderboard``, ``usage``) are public.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from birdhouse.stats import Stats
from slackbot.views import mrkdwn

SHARE_ACTION = "stats_share"
WINDOW_NAMES = {"24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days"}
LEADERBOARD_SIZE = 10
KIND_ORDER = ("complaint", "question", "praise", "other", "noise", "spam")


def duration(seconds: float | None) -> str:
    """A response time as people say it: 45 s, 12 min, 1 h 05 min, 2 d 3 h; an em dash for none."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    hours = round(seconds / 3600)
    return f"{hours // 24} d {hours % 24} h"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": f"*{label}*\n{value}"}


UNCOUNTABLE_KINDS = {"praise", "noise", "spam", "other"}  # "3 praise", not "3 praises"


def kinds_text(stats: Stats) -> str:
    kinds = sorted(stats.mentions_by_kind.items(),
                   key=lambda pair: KIND_ORDER.index(pair[0]) if pair[0] in KIND_ORDER else len(KIND_ORDER))
    return ", ".join(plural(count, kind, kind if kind in UNCOUNTABLE_KINDS else None)
                     for kind, count in kinds) or "none"


def summary(stats: Stats, sla_minutes: float, block_prefix: str = "") -> list[dict[str, Any]]:
    """Two sections of fields: what came in and how the team answered."""
    escalations = str(stats.escalations)
    if stats.sla_escalations:
        escalations += f" ({stats.sla_escalations} by the SLA)"
    return [
        {"type": "section", "block_id": f"{block_prefix}mentions", "fields": [
            _field("Mentions", f"{stats.mentions}: {kinds_text(stats)}"),
            _field("Answered", f"{stats.answered} of {stats.needing_answer} questions and complaints "
                               f"({percent(stats.response_rate)})"),
            _field("First response", f"median {duration(stats.first_response_median)} · "
                                     f"p90 {duration(stats.first_response_p90)}"),
            _field("SLA breaches", f"{stats.sla_breaches} (SLA {duration(sla_minutes * 60)})"),
        ]},
        {"type": "section", "block_id": f"{block_prefix}actions", "fields": [
            _field("Escalations", escalations),
            _field("Follow-backs", str(stats.follow_backs)),
        ]},
    ]


def leaderboard(stats: Stats) -> str:
    lines = [f"{rank}. <@{person.user}>: {plural(person.replies, 'reply', 'replies')} · "
             f"{plural(person.escalations, 'escalation')} · {plural(person.follow_backs, 'follow-back')}"
             for rank, person in enumerate(stats.leaderboard[:LEADERBOARD_SIZE], start=1)]
    if len(stats.leaderboard) > LEADERBOARD_SIZE:
        lines.append(f"…and {len(stats.leaderboard) - LEADERBOARD_SIZE} more")
    return "*Leaderboard*\n" + ("\n".join(lines) or "Nobody has acted on a card in this window.")


def usage(stats: Stats) -> str:
    days = stats.usage_days[0] if len(stats.usage_days) == 1 else f"{stats.usage_days[0]} to {stats.usage_days[-1]}"
    lines = [f"*X API usage* (UTC {days}, as X bills)"]
    for line in stats.usage:
        cost = "not priced" if line.cost_usd is None else f"${line.cost_usd:.3f}"
        read = plural(line.items, "item")
        if line.billed != line.items:  # re-reads of the same UTC day are free: say so, or the bill looks wrong
            read = f"{read} read, {line.billed} billed"
        lines.append(f"`{line.endpoint}`: {plural(line.requests, 'request')}, {read}, {cost}")
    estimate = f"Estimated cost: *${stats.cost_usd:.3f}* at pay-per-use prices"
    if stats.unpriced:
        estimate += f" (no published price for {', '.join(stats.unpriced)}: not included)"
    lines.append(estimate if stats.usage else "No calls to X.")
    return "\n".join(lines)


def _moment(at: float) -> str:
    return mrkdwn.date(datetime.fromtimestamp(at, UTC).isoformat(timespec="minutes"), "{date_short} {time}")


def window_line(stats: Stats) -> str:
    return f"{_moment(stats.start)} to {_moment(stats.end)} · from the event log"


def stats_message(stats: Stats, sla_minutes: float, *, shared_by: str | None = None) -> dict[str, Any]:
    """The slash command's answer (with a Share button) or, ``shared_by`` someone, the copy in the channel."""
    title = f"Birdhouse stats: {WINDOW_NAMES[stats.window]}"
    context = window_line(stats) + (f" · shared by <@{shared_by}>" if shared_by else "")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "block_id": "title", "text": {"type": "plain_text", "text": title}},
        {"type": "context", "block_id": "window", "elements": [{"type": "mrkdwn", "text": context}]},
        *summary(stats, sla_minutes),
        {"type": "section", "block_id": "leaderboard", "text": {"type": "mrkdwn", "text": leaderboard(stats)}},
        {"type": "section", "block_id": "usage", "text": {"type": "mrkdwn", "text": usage(stats)}},
    ]
    if shared_by is None:
        blocks.append({"type": "actions", "block_id": "share", "elements": [{
            "type": "button", "action_id": SHARE_ACTION, "text": {"type": "plain_text", "text": "Share in channel"},
            "value": share_value(stats.window, stats.end)}]})
    fallback = (f"{title}: {stats.mentions} mentions, {stats.answered} of {stats.needing_answer} answered, "
                f"median first response {duration(stats.first_response_median)}")
    return {"text": mrkdwn.escape(fallback), "blocks": blocks}


def share_value(window: str, end: float) -> str:
    """What the Share button carries: the window and its end, so the channel sees the figures the asker saw."""
    return json.dumps({"window": window, "end": end})


def parse_share_value(value: str) -> tuple[str, float] | None:
    try:
        shared = json.loads(value)
        return str(shared["window"]), float(shared["end"])
    except (ValueError, KeyError, TypeError):
        return None
