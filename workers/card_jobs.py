"""The card jobs, for every kind of card: post, update, hand back what never made it, and tell the person who
pressed a button. Each kind is named by ``birdhouse.models.CardKind``, as the queue carries it."""

from __future__ import annotations

from typing import Any

from birdhouse import jobs
from birdhouse.models import CardKind
from workers.cards import CardType, post_card, update_card
from workers.context import Context, current
from workers.follower_cards import FOLLOWER_CARDS
from workers.mention_cards import MENTION_CARDS

KINDS: dict[CardKind, CardType] = {MENTION_CARDS.kind: MENTION_CARDS, FOLLOWER_CARDS.kind: FOLLOWER_CARDS}


def post(kind: str, subject_id: str) -> dict[str, Any]:
    """Post a card exactly once."""
    return post_card(current(), KINDS[CardKind(kind)], subject_id)


def update(kind: str, subject_id: str) -> dict[str, Any]:
    """Show a card's current state."""
    return update_card(current(), KINDS[CardKind(kind)], subject_id)


def requeue_unposted(ctx: Context, kind: CardKind) -> int:
    """Hand back to the queue every stored card not in Slack and not being worked on."""
    return sum(jobs.post_card(ctx.redis, kind, subject_id) for subject_id in KINDS[kind].unposted(ctx))


def tell(ctx: Context, kind: CardKind, subject_id: str, user: str, text: str) -> None:
    """An ephemeral note to the person who acted, in the card's channel."""
    cards = KINDS[kind]
    card = cards.ref(ctx, subject_id)
    ctx.slack.chat_postEphemeral(channel=card.channel if card else cards.channel(ctx.settings), user=user, text=text)
