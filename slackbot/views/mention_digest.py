"""A digest of mentions, posted instead of single cards when a channel's backlog is more than Slack can post in
time: the counts by kind, then one line per mention (author, a short excerpt, its link) with a button that turns
that line into a full card."""

from __future__ import annotations

from collections import Counter
from typing import Any

from birdhouse.models import Mention
from slackbot.views import mrkdwn

CARD_ACTION = "digest.card"
EXCERPT_CHARACTERS = 120


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def counts_line(mentions: list[Mention]) -> str:
    kinds = Counter(mention.triage.get("kind", "other") for mention in mentions)
    return " · ".join([f"*{_plural(len(mentions), 'mention')}*"]
                      + [f"{count:,} {kind}" for kind, count in kinds.most_common()])


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARACTERS else flat[:EXCERPT_CHARACTERS - 1] + "…"


def digest_line(mention: Mention) -> dict[str, Any]:
    author = mention.author
    text = (f"*{mrkdwn.escape(author.name)}* {mrkdwn.link(author.profile_url, '@' + author.username)} · "
            f"_{mention.triage.get('kind', 'other')}_: {mrkdwn.escape(excerpt(mention.text))} "
            f"{mrkdwn.link(mention.url, 'View on X')}")
    return {"type": "section", "block_id": f"line-{mention.id}", "text": {"type": "mrkdwn", "text": text},
            "accessory": {"type": "button", "action_id": CARD_ACTION, "value": mention.id,
                          "text": {"type": "plain_text", "text": "Show card"}}}


def mention_digest(mentions: list[Mention]) -> tuple[str, list[dict[str, Any]]]:
    """(notification text, blocks) listing ``mentions``, oldest first."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Mentions digest"}},
        {"type": "section", "block_id": "counts", "text": {"type": "mrkdwn", "text": counts_line(mentions)}},
        *(digest_line(mention) for mention in mentions),
    ]
    return f"Mentions digest: {_plural(len(mentions), 'mention')}", blocks
