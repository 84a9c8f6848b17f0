"""The new-follower digest: one message per period with the counts and the best of the followers who got no
card, instead of one message per follower."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from birdhouse.defaults import SECTION_TEXT_LIMIT
from birdhouse.models import Follower
from slackbot.views import mrkdwn

REASONS_SHOWN = 2


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def counts_line(new: int, notable: int, ordinary: int, likely_bot: int) -> str:
    parts = [f"*{_plural(new, 'new follower')}*"]
    if notable:
        parts.append(f"{notable:,} notable (each has its card)")
    parts.append(_plural(ordinary, "other"))
    if likely_bot:
        parts.append(f"{_plural(likely_bot, 'likely bot')} filtered out")
    return " · ".join(parts)


def top_line(follower: Follower) -> str:
    author = follower.author
    reasons = follower.notability["reasons"][:REASONS_SHOWN]
    line = f"• *{mrkdwn.escape(author.name)}* {mrkdwn.link(author.profile_url, '@' + author.username)}"
    if reasons:
        line += " · " + " · ".join(mrkdwn.escape(reason) for reason in reasons)
    return line


def period_label(start: float, end: float) -> str:
    """Each reader sees the period in their own time zone."""
    def iso(at: float) -> str:
        return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")
    return f"From {mrkdwn.date(iso(start))} to {mrkdwn.date(iso(end))}"


def digest(new: int, notable: int, ordinary: int, likely_bot: int, top: list[Follower], start: float,
           end: float) -> tuple[str, list[dict[str, Any]]]:
    """(notification text, blocks). ``top``: the best of the others, best first."""
    counts = counts_line(new, notable, ordinary, likely_bot)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "New followers digest"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": period_label(start, end)}]},
        {"type": "section", "block_id": "counts", "text": {"type": "mrkdwn", "text": counts}},
    ]
    if top:
        lines = "*Worth a glance among the others:*\n" + "\n".join(top_line(follower) for follower in top)
        blocks.append({"type": "section", "block_id": "top", "text": {
            "type": "mrkdwn", "text": mrkdwn.truncate(lines, SECTION_TEXT_LIMIT)}})
    return f"New followers digest: {_plural(new, 'new follower')}", blocks
