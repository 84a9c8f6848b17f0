"""The mention card: who wrote, what they wrote (safely), how triage read it, and a link to the post."""

from __future__ import annotations

from typing import Any

from birdhouse.models import Author, Mention
from slackbot.views import mrkdwn

SECTION_LIMIT = 3000
KIND_LABELS = {
    "complaint": ":rotating_light: Complaint",
    "question": ":question: Question",
    "praise": ":sparkling_heart: Praise",
    "spam": ":no_entry_sign: Spam",
    "noise": ":zzz: Noise",
    "other": ":speech_balloon: Mention",
}
VERIFIED_MARKS = {"blue": ":large_blue_circle: verified", "business": ":large_yellow_circle: business",
                  "government": ":white_circle: government"}


def author_line(author: Author) -> str:
    parts = [f"*{mrkdwn.escape(author.name)}*", mrkdwn.link(author.profile_url, "@" + author.username)]
    if author.verified_type in VERIFIED_MARKS:
        parts.append(VERIFIED_MARKS[author.verified_type])
    parts.append(f"{author.reach} followers")
    return " · ".join(parts)


def triage_line(triage: dict[str, Any]) -> str:
    """Every label triage set, headline first, then priority and language when they matter."""
    if not triage:
        return KIND_LABELS["other"]
    kind = triage.get("kind", "other")
    labels = [KIND_LABELS[kind]] + [KIND_LABELS[label] for label in ("complaint", "question", "praise")
                                    if label != kind and triage.get(label)]
    if not triage.get("ranked", True):
        labels.append(f"not ranked (language: {mrkdwn.escape(triage.get('language', 'und'))})")
    else:
        labels.append(f"priority {triage.get('priority', 0)}")
    return " · ".join(labels)


def fallback_text(mention: Mention) -> str:
    """The notification text: shown where blocks are not (push notifications, screen readers)."""
    kind = mention.triage.get("kind", "other")
    return mrkdwn.truncate(f"{kind.capitalize()} from @{mrkdwn.escape(mention.author.username)}: "
                           f"{mrkdwn.escape(mention.text)}", SECTION_LIMIT)


def mention_card(mention: Mention) -> list[dict[str, Any]]:
    return [
        {"type": "section", "block_id": "author", "text": {"type": "mrkdwn", "text": author_line(mention.author)}},
        {"type": "section", "block_id": "post",
         "text": {"type": "mrkdwn", "text": mrkdwn.truncate(mrkdwn.quote(mention.text), SECTION_LIMIT)}},
        {"type": "context", "block_id": "triage", "elements": [
            {"type": "mrkdwn", "text": triage_line(mention.triage)},
            {"type": "mrkdwn", "text": f"{mrkdwn.link(mention.url, 'View on X')} · {mrkdwn.date(mention.created_at)}"},
        ]},
    ]
