"""Mention cards in Slack: each posted exactly once, even across overlapping polls and killed workers.

The posting itself is ``workers.posting.post_once`` (a lease, and metadata to find a card again after an
interrupted attempt). Mentions whose card never made it are handed back to the queue by the next poll.
"""

from __future__ import annotations

from typing import Any

from birdhouse.models import Mention
from birdhouse.stats import NEEDS_ANSWER
from birdhouse.store import CardRef
from birdhouse.store.capabilities import Capabilities
from birdhouse.store.cards import CardStore, Threads
from slackbot.views.mention_card import fallback_text, mention_card
from workers.context import Context, current
from workers.posting import Subject, post_once
from workers.queues import enqueue_once


METADATA_EVENT = "birdhouse_mention"


def card_subject(mention_id: str) -> Subject:
    return Subject(METADATA_EVENT, "tweet_id", mention_id)


def enqueue_post(ctx: Context, mention_id: str) -> bool:
    return enqueue_once(ctx.redis, post_card, mention_id, job_id=f"card-{mention_id}")


def requeue_unposted(ctx: Context) -> int:
    """Hand back to the queue every stored mention whose card is not in Slack and not being worked on."""
    return sum(enqueue_post(ctx, mention_id) for mention_id in ctx.mentions.unposted())


def post_card(mention_id: str) -> dict[str, Any]:
    ctx = current()
    mention = ctx.mentions.get(mention_id)
    if mention is None:
        raise LookupError(f"mention {mention_id} is not stored; nothing to post")
    channel = ctx.settings.mentions_channel
    root = conversation_root(ctx, mention)
    root_card = ctx.mentions.card(root) if root else None
    thread_ts = root_card.ts if root_card is not None and root_card.channel == channel else None
    # A question or complaint under a closed card would sit where nobody looks: it goes to the channel too.
    broadcast = (thread_ts is not None and mention.triage.get("kind") in NEEDS_ANSWER
                 and CardStore(ctx.redis).get(root).closed)

    def record(ts: str) -> None:
        ctx.mentions.set_card(mention_id, CardRef(channel, ts))
        if thread_ts is None and mention.conversation_id:
            Threads(ctx.redis).note_card_conversation(mention.conversation_id, mention_id)

    posted = post_once(
        ctx, card_subject(mention_id), channel,
        lambda: {"text": fallback_text(mention), "blocks": card_blocks(ctx, mention), "reply_broadcast": broadcast},
        posted=lambda: (card := ctx.mentions.card(mention_id)) and card.ts, record=record, thread_ts=thread_ts,
    )
    return {"posted": posted.ts, "recovered": posted.recovered, "already": posted.already, "thread": thread_ts,
            "broadcast": broadcast}


def card_blocks(ctx: Context, mention: Mention) -> list[dict[str, Any]]:
    """The card as it stands: the mention, what the team did about it, and what X's access level allows."""
    state = CardStore(ctx.redis).get(mention.id, mention.author.id)
    return mention_card(mention, state, Capabilities(ctx.redis).current())


def conversation_root(ctx: Context, mention: Mention) -> str | None:
    """The mention whose card thread this mention continues, or None for a card of its own.

    An answer to one of the brand's replies, or any mention in a conversation that already has a card,
    goes into that card's thread (as a card with its own buttons), so the team reads the conversation in one
    place. Threads are one level deep in Slack: a follow-up always goes under the conversation's first card.
    """
    threads = Threads(ctx.redis)
    answered = threads.answered_mention(mention.replied_to_id) if mention.replied_to_id else None
    if answered is not None and (answered_mention := ctx.mentions.get(answered)) is not None:
        answered = (threads.conversation_card(answered_mention.conversation_id or "") or answered)
    root = answered or (threads.conversation_card(mention.conversation_id) if mention.conversation_id else None)
    return root if root != mention.id else None
