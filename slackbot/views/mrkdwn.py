"""Slack mrkdwn that is safe for untrusted text (posts, bios, names).

Slack reads ``<…>`` as links and mentions: a post saying ``<!channel>`` would ping everyone. Escaping
``&``, ``<`` and ``>`` once is what Slack asks for. X sends text already HTML-escaped; models undo that once,
so the text here is as its author wrote it and is escaped exactly once.
"""

from __future__ import annotations

from datetime import datetime


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A link whose label is untrusted text. ``|`` would end the URL part early, so it is kept out of it."""
    return f"<{url.replace('|', '%7C').replace('>', '%3E')}|{escape(label)}>"


def quote(text: str) -> str:
    """A block quote of untrusted text, every line quoted (Slack quotes only the line that starts with >)."""
    return "\n".join(f">{escape(line)}" for line in text.splitlines() or [""])


def date(iso: str, token_format: str = "{date_short_pretty} at {time}") -> str:
    """A date each reader sees in their own time zone, with the ISO text for clients that cannot."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return f"<!date^{int(moment.timestamp())}^{token_format}|{escape(iso)}>"


def truncate(text: str, limit: int) -> str:
    """Cut at a Block Kit limit, visibly. Applied after escaping, so the limit holds for what Slack counts."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
