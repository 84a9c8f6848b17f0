"""Notable-follower cards: who they are, why they are notable and what the team did, in the followers channel."""

from __future__ import annotations

import redis

from birdhouse.models import CardKind
from birdhouse.settings import Settings
from birdhouse.store import CardRef
from birdhouse.store.capabilities import FOLLOW, Capabilities
from birdhouse.store.followers import FollowerStore
from slackbot.views.follower_card import fallback_text, follower_card
from workers.backlog import Band
from workers.cards import Draft, FollowTarget, Message, Placement
from workers.context import Context

NOT_ENROLLED_TEXT = "X's access level does not allow following through the API (403 client-not-enrolled)"


class FollowerCards:
    kind = CardKind.FOLLOWER
    event_type, subject_key = "birdhouse_follower", "user_id"
    unposted_key = FollowerStore.UNPOSTED

    def channel(self, settings: Settings) -> str:
        return settings.followers_channel

    def draft(self, ctx: Context, user_id: str) -> Draft | None:
        message = self.compose(ctx, user_id)
        return Draft(Placement(self.channel(ctx.settings)), message) if message is not None else None

    def compose(self, ctx: Context, user_id: str) -> Message | None:
        store = FollowerStore(ctx.redis)
        follower = store.get(user_id)
        if follower is None:
            return None
        follow_blocked = Capabilities(ctx.redis).missing_reason(FOLLOW) is not None
        return Message(fallback_text(follower.author),
                       follower_card(follower, store.state(user_id), vip_list=bool(ctx.settings.vip_list_id),
                                     follow_intent=NOT_ENROLLED_TEXT if follow_blocked else None))

    def queue_places(self, ctx: Context, user_ids: list[str]) -> dict[str, tuple[Band, float]]:
        return {user_id: (Band.FOLLOWER, follower.at) for user_id, follower
                in zip(user_ids, FollowerStore(ctx.redis).get_many(user_ids), strict=True) if follower is not None}

    def ref(self, ctx: Context, user_id: str) -> CardRef | None:
        return FollowerStore(ctx.redis).card(user_id)

    def record(self, pipe: redis.client.Pipeline, user_id: str, ref: CardRef, placement: Placement) -> None:
        FollowerStore(pipe).set_card(user_id, ref)

    def unposted(self, ctx: Context) -> list[str]:
        return FollowerStore(ctx.redis).unposted()

    def follow_target(self, ctx: Context, user_id: str) -> FollowTarget:
        return FollowTarget(user_id, None, {"x_user_id": user_id, "source": "follower_card"})


FOLLOWER_CARDS = FollowerCards()
