"""Block Kit messages as terminal text, so ``make demo`` can show the cards Slack would show."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable
from typing import Any, TextIO

from emulators.slack.emulator import SlackEmulator

# <https://x.com|text>, <https://x.com>, <@U123>, <#C123|name>, <!channel>
LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def render(message: dict[str, Any]) -> str:
    """One message, block by block; falls back to its ``text`` when it has no blocks."""
    blocks = message.get("blocks")
    if not blocks:
        return readable(message.get("text", ""))
    return "\n".join(line for block in blocks for line in _block(block))


def readable(text: str) -> str:
    """mrkdwn for eyes: links as ``text (url)``, mentions as ``@U123``, dates as their fallback text,
    entities unescaped."""

    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("!date^"):
            return label or target
        if target[0] in "@#!":
            return f"{target[0] if target[0] != '!' else '@'}{label or target[1:]}"
        return f"{label} ({target})" if label else target

    return html.unescape(LINK.sub(link, text))


def _text(obj: dict[str, Any] | None) -> str:
    if not obj:
        return ""
    return readable(obj["text"]) if obj.get("type") == "mrkdwn" else html.unescape(obj.get("text", ""))


def _element(element: dict[str, Any]) -> str:
    if element.get("type") == "button":
        label = f"[ {_text(element['text'])} ]"
        return f"{label} ({element['url']})" if "url" in element else label
    if element.get("type") == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if element.get("type") in ("mrkdwn", "plain_text"):
        return _text(element)
    placeholder = _text(element.get("placeholder"))
    return f"[{placeholder or element.get('type', '?')} v]"


def _block(block: dict[str, Any]) -> Iterable[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text(block["text"])
        yield from (title.upper(), "=" * len(title))
    elif kind == "section":
        if "text" in block:
            yield _text(block["text"])
        yield from (f"  {_text(field)}" for field in block.get("fields", []))
        if "accessory" in block:
            yield f"  {_element(block['accessory'])}"
    elif kind == "context":
        yield "  " + "  ·  ".join(_element(element) for element in block.get("elements", []))
    elif kind == "actions":
        yield " ".join(_element(element) for element in block.get("elements", []))
    elif kind == "divider":
        yield "-" * 40
    elif kind == "image":
        yield f"[image: {block.get('alt_text', '')}]"
    elif kind == "input":
        yield f"{_text(block['label'])}: {_element(block['element'])}"
    else:
        yield f"[{kind}]"


def watch(emulator: SlackEmulator, channels: Iterable[str], out: TextIO) -> None:
    """Print each card posted, updated or deleted in ``channels`` as it happens."""
    wanted = set(channels)
    lock = threading.Lock()  # listeners run on server threads; keep each card's lines together

    def show(event: str, channel: str, message: dict[str, Any]) -> None:
        if channel not in wanted:
            return
        where = f"#{channel} {message['ts']}"
        if message.get("thread_ts", message["ts"]) != message["ts"]:
            where += f" (in thread {message['thread_ts']})"
        body = "" if event == "deleted" else render(message)
        with lock:
            out.write(f"\n── {event} {where} ──\n{body}\n")
            out.flush()

    emulator.on_message(show)
