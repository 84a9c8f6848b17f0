"""The App Home tab: channels Slack refuses (first, when there are any), the last 24 hours and 7 days, the
open queue, and the configuration in force.

Anyone in the workspace can open the Home tab, so secrets are shown only as "set", and a URL's password
(REDIS_URL may carry one) is hidden.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from birdhouse.dashboard import BlockedChannel, OpenCard
from birdhouse.defaults import SECTION_TEXT_LIMIT
from birdhouse.errors import unblocking
from birdhouse.settings import VARIABLES, Settings
from birdhouse.stats import Stats
from slackbot.views import mrkdwn
from slackbot.views.queue import queue_sections
from slackbot.views.stats import leaderboard, plural, summary, usage, window_line

QUEUE_ITEMS = 20
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@]*@")


def _shown(name: str, value: Any, secret: bool) -> str:
    if value in (None, "", ()):
        return "_not set_"
    if secret:
        return "set"
    if name.endswith("_CHANNEL"):
        return f"<#{value}>"
    if name == "BIRDHOUSE_TEAM":
        return ", ".join(f"<!subteam^{member}>" if member.startswith("S") else f"<@{member}>" for member in value)
    if isinstance(value, tuple):
        value = ", ".join(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return mrkdwn.escape(_URL_CREDENTIALS.sub("…@", str(value)))


def configuration_lines(settings: Settings) -> tuple[list[str], list[str]]:
    """(every setting with its value, what is not set and what that means)."""
    values, missing = [], []
    for variable in VARIABLES:
        value = getattr(settings, variable.field)
        values.append(f"`{variable.name}`: {_shown(variable.name, value, variable.secret)}")
        if value in (None, "", ()):
            missing.append(f":warning: `{variable.name}` is not set: {mrkdwn.escape(variable.help)}.")
    return values, missing


def _sections(lines: list[str], block_id: str) -> list[dict[str, Any]]:
    """Lines packed into as few sections as Slack's section limit allows."""
    chunks: list[str] = []
    for line in lines:
        line = mrkdwn.truncate(line, SECTION_TEXT_LIMIT)
        if chunks and len(chunks[-1]) + 1 + len(line) <= SECTION_TEXT_LIMIT:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return [{"type": "section", "block_id": f"{block_id}-{index}", "text": {"type": "mrkdwn", "text": chunk}}
            for index, chunk in enumerate(chunks)]


def _header(text: str, block_id: str) -> dict[str, Any]:
    return {"type": "header", "block_id": block_id, "text": {"type": "plain_text", "text": text}}


def _period(stats: Stats, title: str, block_id: str, sla_minutes: float) -> list[dict[str, Any]]:
    return [
        _header(title, block_id),
        {"type": "context", "block_id": f"{block_id}-window", "elements": [
            {"type": "mrkdwn", "text": window_line(stats)}]},
        *summary(stats, sla_minutes, block_prefix=f"{block_id}-"),
        {"type": "section", "block_id": f"{block_id}-leaderboard",
         "text": {"type": "mrkdwn", "text": leaderboard(stats)}},
        {"type": "section", "block_id": f"{block_id}-usage", "text": {"type": "mrkdwn", "text": usage(stats)}},
    ]


def blocked_lines(blocked: list[BlockedChannel]) -> list[str]:
    """Why a channel shows nothing new, and what to do about it."""
    return [f":no_entry: Slack has refused every message in <#{entry.channel}> since "
            f"{mrkdwn.date(datetime.fromtimestamp(entry.since, UTC).isoformat())} "
            f"(`{mrkdwn.escape(entry.error)}`): {plural(entry.waiting, 'message')} waiting, posted in order once it "
            f"takes them. To fix: {mrkdwn.escape(unblocking(entry.error))}."
            for entry in blocked]


def home_view(day: Stats, week: Stats, queue: list[OpenCard], settings: Settings, now: float, *,
              blocked: list[BlockedChannel]) -> dict[str, Any]:
    values, missing = configuration_lines(settings)
    config = _sections(missing, "missing") + _sections(values, "settings")
    blocks = [
        *_sections(blocked_lines(blocked), "blocked"),
        *_period(day, "Last 24 hours", "day", settings.sla_minutes),
        {"type": "divider", "block_id": "after-day"},
        *_period(week, "Last 7 days", "week", settings.sla_minutes),
        {"type": "divider", "block_id": "after-week"},
        _header(f"Open queue: {plural(len(queue), 'item')}", "queue"),
        *queue_sections(queue, now, QUEUE_ITEMS),
        {"type": "divider", "block_id": "after-queue"},
        _header("Configuration", "configuration"),
        *config,
    ]
    return {"type": "home", "blocks": blocks}
