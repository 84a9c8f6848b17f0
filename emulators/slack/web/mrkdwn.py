"""Slack mrkdwn as HTML, the way Slack's clients show it.

Everything in a message may be untrusted (a post, a bio, a name): its characters reach the HTML escaped, and
the only tags are the ones built here. A link becomes an anchor only for http(s) and mailto URLs;
``<!channel>``-style tokens are shown as words and notify no one; ``<@U…>`` shows the person's name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from emulators.slack.web.emoji import SHORTCODES

SLACK_ENTITY = re.compile(r"&(amp|lt|gt);")
TOKEN = re.compile(r"<([^<>\n]*)>")
CODE_BLOCK = re.compile(r"```\n?(.+?)```", re.S)
CODE = re.compile(r"`([^`\n]+)`")
# Slack formats only between word boundaries: snake_case and 2*3*4 stay as they are.
BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
EMOJI = re.compile(r":([a-z0-9_+\-]+):")
PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
SAFE_SCHEMES = ("http://", "https://", "mailto:")
BROADCASTS = {"here", "channel", "everyone"}


@dataclass(frozen=True)
class Directory:
    """Who and what ids name: users (id → name) and channels (id → name)."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)


def slack_unescape(text: str) -> str:
    """Undo Slack's three entities, once: ``&amp;lt;`` is the text ``&lt;``."""
    return SLACK_ENTITY.sub(lambda m: {"amp": "&", "lt": "<", "gt": ">"}[m.group(1)], text)


def emoji(escaped: str) -> str:
    """Known shortcodes as characters, in text that is already HTML."""
    return EMOJI.sub(lambda m: SHORTCODES.get(m.group(1), m.group(0)), escaped)


def plain_html(text: str, *, with_emoji: bool = True) -> str:
    """A plain_text object: shown as written, shortcodes as emoji unless it says ``emoji: false``."""
    escaped = html.escape(text)
    return emoji(escaped) if with_emoji else escaped


def mrkdwn_html(text: str, directory: Directory) -> str:
    held: list[str] = []  # HTML made here, kept out of the escaping and formatting of the text around it

    def hold(markup: str) -> str:
        held.append(markup)
        return f"\x00{len(held) - 1}\x00"

    text = text.replace("\x00", "")
    text = CODE_BLOCK.sub(lambda m: hold(f"<pre>{html.escape(slack_unescape(m.group(1)))}</pre>"), text)
    text = TOKEN.sub(lambda m: hold(_token(m.group(1), directory)), text)
    text = CODE.sub(lambda m: hold(f"<code>{html.escape(slack_unescape(m.group(1)))}</code>"), text)

    out: list[str] = []
    quote: list[str] = []
    for line in text.split("\n"):
        quoted = line.startswith((">", "&gt;"))
        body = _inline(line.removeprefix("&gt;").removeprefix(">") if quoted else line)
        if quoted:
            quote.append(body)
            continue
        if quote:
            out.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
            quote = []
        out.append(body + "<br>")
    if quote:
        out.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
    rendered = "".join(out).removesuffix("<br>")
    return PLACEHOLDER.sub(lambda m: held[int(m.group(1))], rendered)


def _inline(line: str) -> str:
    escaped = html.escape(slack_unescape(line))
    escaped = BOLD.sub(r"<b>\1</b>", escaped)
    escaped = ITALIC.sub(r"<i>\1</i>", escaped)
    escaped = STRIKE.sub(r"<s>\1</s>", escaped)
    return emoji(escaped)


def _label(label: str) -> str:
    return emoji(html.escape(slack_unescape(label)))


def _token(inside: str, directory: Directory) -> str:
    """One ``<…>``: a link, a mention, a broadcast, a date."""
    target, bar, label = inside.partition("|")
    label_html = _label(label) if bar else ""
    if target.startswith("@"):
        name = directory.users.get(target[1:]) or label or target[1:]
        return f'<span class="mention">@{_label(name)}</span>'
    if target.startswith("#"):
        name = directory.channels.get(target[1:]) or label or target[1:]
        return f'<span class="mention">#{_label(name)}</span>'
    if target.startswith("!date^"):
        return _date(target, label)
    if target.startswith("!subteam^"):
        return f'<span class="mention">{label_html or "@" + _label(target.partition("^")[2])}</span>'
    if target.startswith("!"):
        word = target[1:]
        if word in BROADCASTS:
            return f'<span class="mention broadcast">@{word}</span>'
        return label_html or _label(target)
    url = slack_unescape(target)
    text = label_html or html.escape(url)
    if not url.lower().startswith(SAFE_SCHEMES):
        return text  # javascript: and friends stay words
    return f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">{text}</a>'


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _date(target: str, fallback: str) -> str:
    """``<!date^epoch^format|fallback>`` in UTC (the emulated users' time zone); the fallback when unreadable."""
    parts = target.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), UTC)
        pattern = slack_unescape(parts[2])
    except (IndexError, ValueError, OverflowError, OSError):
        return _label(fallback)
    long_date = f"{moment:%B} {_ordinal(moment.day)}, {moment.year}"
    hour = moment.hour % 12 or 12
    tokens = {
        "date_num": f"{moment:%Y-%m-%d}",
        "date": long_date,
        "date_pretty": long_date,
        "date_short": f"{moment:%b} {moment.day}, {moment.year}",
        "date_short_pretty": f"{moment:%b} {moment.day}",
        "date_long": f"{moment:%A}, {long_date}",
        "date_long_pretty": f"{moment:%A}, {long_date}",
        "time": f"{hour}:{moment:%M} {moment:%p}",
        "time_secs": f"{hour}:{moment:%M:%S} {moment:%p}",
    }
    shown = re.sub(r"\{(\w+)\}", lambda m: tokens.get(m.group(1), m.group(0)), pattern)
    if "{" in shown:
        return _label(fallback)
    return f'<time title="{_label(fallback)}">{html.escape(shown)}</time>'
