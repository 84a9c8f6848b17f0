"""The support case an escalation posts: the post, its author, how triage read it, who escalated it and a
link back to the card's thread, where the social team keeps talking."""

from __future__ import annotations

from typing import Any

from birdhouse.defaults import SECTION_TEXT_LIMIT
from birdhouse.models import Mention
from slackbot.views import mrkdwn
from slackbot.views.mention_card import mention_blocks

CASE_EVENT = "birdhouse_case"  # message metadata, so a retried escalation finds its case instead of reposting


def case_text(mention: Mention) -> str:
    return mrkdwn.truncate(f"Escalated from X: @{mrkdwn.escape(mention.author.username)}: "
                           f"{mrkdwn.escape(mention.text)}", SECTION_TEXT_LIMIT)


def case_message(mention: Mention, escalated_by: str, card_permalink: str) -> list[dict[str, Any]]:
    return [
        {"type": "header", "block_id": "title",
         "text": {"type": "plain_text", "text": ":rotating_light: Escalated from X"}},
        *mention_blocks(mention),
        {"type": "section", "block_id": "escalated",
         "text": {"type": "mrkdwn", "text": f"Escalated by <@{escalated_by}> · "
                                            f"{mrkdwn.link(card_permalink, 'the card and its thread')}"}},
    ]
