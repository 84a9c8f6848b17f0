"""``/birdhouse queue``: open questions and complaints, oldest first, with age, claim and a link to the card."""

from __future__ import annotations

from typing import Any

from birdhouse.dashboard import OpenCard
from slackbot.views import mrkdwn
from slackbot.views.mention_card import KIND_LABELS
from slackbot.views.stats import duration, plural

EXCERPT = 150
MESSAGE_ITEMS = 40  # a message holds 50 blocks: the items, a header, a summary and a "more" line


def entry_text(entry: OpenCard, now: float) -> str:
    item = entry.item
    parts = [f"*{KIND_LABELS.get(item.kind, KIND_LABELS['other'])}* from @{mrkdwn.escape(entry.author)}",
             f"waiting {duration(now - item.posted_at)}",
             f"claimed by <@{item.claimed_by}>" if item.claimed_by else "unclaimed"]
    if item.escalated:
        parts.append(":sos: escalated")
    if entry.permalink:
        parts.append(mrkdwn.link(entry.permalink, "open card"))
    excerpt = mrkdwn.truncate(mrkdwn.escape(" ".join(entry.text.split())), EXCERPT)
    return " · ".join(parts) + f"\n>{excerpt}"


def queue_sections(entries: list[OpenCard], now: float, limit: int) -> list[dict[str, Any]]:
    """One section per entry (the oldest ``limit``), then a line saying how many more wait."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "block_id": f"open-{entry.item.mention_id}",
         "text": {"type": "mrkdwn", "text": entry_text(entry, now)}}
        for entry in entries[:limit]
    ]
    if len(entries) > limit:
        blocks.append({"type": "context", "block_id": "more", "elements": [
            {"type": "mrkdwn", "text": f"…and {len(entries) - limit} newer ones not shown"}]})
    if not entries:
        blocks.append({"type": "section", "block_id": "empty", "text": {
            "type": "mrkdwn", "text": ":white_check_mark: Nothing waiting: every question and complaint is answered."}})
    return blocks


def queue_message(entries: list[OpenCard], now: float) -> dict[str, Any]:
    title = f"Open queue: {plural(len(entries), 'item')} waiting"
    blocks = [{"type": "header", "block_id": "title", "text": {"type": "plain_text", "text": title}},
              *queue_sections(entries, now, MESSAGE_ITEMS)]
    return {"text": title, "blocks": blocks}
