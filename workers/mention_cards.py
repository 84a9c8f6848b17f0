"""Mention cards: the post, its author, triage, what the team did and the buttons, in the mentions channel; a
mention that continues a conversation goes into the thread of that conversation's card."""

from __future__ import annotations

import redis

from birdhouse.models import CardKind, Mention
from birdhouse.settings import Settings
from birdhouse.store.events import NEEDS_ANSWER
from birdhouse.store import CardRef, MentionStore
from birdhouse.store.capabilities import Capabilities
from birdhouse.store.cards import CardStore, Threads
from slackbot.views.mention_card import fallback_text, mention_card
from workers.backlog import Band, mention_band
from workers.cards import Draft, FollowTarget, Message, Placement
from workers.context import Context


class MentionCards:
    kind = CardKind.MENTION
    event_type, subject_key = "birdhouse_mention", "tweet_id"
    unposted_key = MentionStore.UNPOSTED

    def channel(self, settings: Settings) -> str:
        return settings.mentions_channel

    def draft(self, ctx: Context, mention_id: str) -> Draft | None:
        mention = ctx.mentions.get(mention_id)
        return Draft(self._placement(ctx, mention), self._message(ctx, mention)) if mention is not None else None

    def compose(self, ctx: Context, mention_id: str) -> Message | None:
        mention = ctx.mentions.get(mention_id)
        return self._message(ctx, mention) if mention is not None else None

    def _placement(self, ctx: Context, mention: Mention) -> Placement:
        channel = self.channel(ctx.settings)
        root = conversation_root(ctx, mention)
        root_card = ctx.mentions.card(root) if root else None
        thread_ts = root_card.ts if root_card is not None and root_card.channel == channel else None
        # A question or complaint under a closed card would sit where nobody looks: it goes to the channel too.
        broadcast = (thread_ts is not None and mention.triage.get("kind") in NEEDS_ANSWER
                     and CardStore(ctx.redis).get(root).closed)
        return Placement(channel, thread_ts, broadcast,
                         starts_conversation=mention.conversation_id if thread_ts is None else None)

    def _message(self, ctx: Context, mention: Mention) -> Message:
        """The mention, what the team did about it, and what X's access level allows."""
        state = CardStore(ctx.redis).get(mention.id, mention.author.id)
        return Message(fallback_text(mention), mention_card(mention, state, Capabilities(ctx.redis).current()))

    def ref(self, ctx: Context, mention_id: str) -> CardRef | None:
        return ctx.mentions.card(mention_id)

    def record(self, pipe: redis.client.Pipeline, mention_id: str, ref: CardRef, placement: Placement) -> None:
        MentionStore(pipe).set_card(mention_id, ref)
        if placement.starts_conversation:
            Threads(pipe).note_card_conversation(placement.starts_conversation, mention_id)

    def unposted(self, ctx: Context) -> list[str]:
        return ctx.mentions.unposted()

    def queue_places(self, ctx: Context, mention_ids: list[str]) -> dict[str, tuple[Band, float]]:
        return {mention.id: (mention_band(mention.triage), mention.posted_at)
                for mention in ctx.mentions.get_many(mention_ids) if mention is not None}

    def follow_target(self, ctx: Context, mention_id: str) -> FollowTarget:
        mention = ctx.mentions.get(mention_id)
        if mention is None:
            raise LookupError(f"mention {mention_id} is not stored")
        return FollowTarget(mention.author.id, mention_id, {"x_user_id": mention.author.id})


MENTION_CARDS = MentionCards()


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
