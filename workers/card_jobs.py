"""The card jobs, for every kind of card: queue for posting, hand back what never made it, and tell the
person who pressed a button. Each kind is named by ``birdhouse.models.CardKind``, as the queue carries it. Cards are
posted by their channel's drain (``workers.drain``), from its outbox."""

from __future__ import annotations

from typing import Any

from birdhouse import jobs
from birdhouse.models import CardKind
from workers.cards import CardType
from workers.context import Context, current
from workers.drain import queue_cards, request_card
from workers.follower_cards import FOLLOWER_CARDS
from workers.mention_cards import MENTION_CARDS

KINDS: dict[CardKind, CardType] = {MENTION_CARDS.kind: MENTION_CARDS, FOLLOWER_CARDS.kind: FOLLOWER_CARDS}


def post(kind: str, subject_id: str) -> dict[str, Any]:
    """Hand a card to its channel's outbox, to be posted exactly once."""
    return {"queued": queue_cards(current(), KINDS[CardKind(kind)], [subject_id])}


def queue_new(ctx: Context, kind: CardKind, subject_ids: list[str]) -> int:
    """Hand new cards (a poll's page) to their channel's outbox, in one go."""
    return queue_cards(ctx, KINDS[kind], subject_ids)


def card_from_digest(key: str, mention_id: str, user: str) -> dict[str, Any]:
    """A digest line's "Show card", pressed (and claimed under ``key``) by ``user``: its card, first in line."""
    ctx = current()
    request_card(ctx, MENTION_CARDS.channel(ctx.settings), mention_id)
    return {"requested": mention_id, "by": user, "key": key}


def requeue_unposted(ctx: Context, kind: CardKind) -> int:
    """Hand back to the outbox every stored card not in Slack (one still waiting keeps its place)."""
    return queue_cards(ctx, KINDS[kind], KINDS[kind].unposted(ctx))


def tell(ctx: Context, kind: CardKind, subject_id: str, user: str, text: str) -> None:
    """An ephemeral note to the person who acted, in the card's channel."""
    cards = KINDS[kind]
    card = cards.ref(ctx, subject_id)
    ctx.slack.post_ephemeral(card.channel if card else cards.channel(ctx.settings), user, text)
