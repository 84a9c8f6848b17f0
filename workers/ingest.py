"""Events X pushes (the Activity stream or webhook deliveries) into Birdhouse, and the subscriptions that make
X push them.

Both channels end in ``take_event``: a mention goes through ``workers.mentions.receive``, the same store and
card path as a polled one, so a post the stream and the reconciling poll both bring is carded once; a new
follower goes through ``workers.followers.announce``, as if the follower poll had found it.
"""

from __future__ import annotations

import logging
from birdhouse.activity import FOLLOW_EVENT, MENTION_EVENT, ActivityEvent, FollowEvent, MentionEvent
from birdhouse.errors import XNotEnrolled
from birdhouse.store.capabilities import FOLLOW_EVENTS, Capabilities
from birdhouse.store.followers import FollowerStore
from workers.context import Context
from workers.followers import announce
from workers.mentions import receive

log = logging.getLogger(__name__)


def take_event(ctx: Context, event: ActivityEvent) -> str:
    """Act on one event; answers what it was, for the log and the tests."""
    if isinstance(event, MentionEvent):
        new = receive(ctx, [(event.post, event.author)])
        return "mention" if new else "mention seen before"
    if isinstance(event, FollowEvent):
        counts = announce(ctx, FollowerStore(ctx.redis), [event.follower], ctx.clock())
        return "follower" if counts else "follower seen before"
    return event.what


def wanted(brand_id: str) -> dict[str, dict[str, str]]:
    """The subscriptions Birdhouse needs, by event type: mentions of the brand, and who follows it."""
    return {MENTION_EVENT: {"user_id": brand_id}, FOLLOW_EVENT: {"user_id": brand_id, "direction": "inbound"}}


def ensure_subscriptions(ctx: Context, webhook_id: str | None) -> list[str]:
    """Find each subscription again, or create it: never a second one. One found on the other channel (the
    stream when ``webhook_id`` is given, or a webhook) is moved, not duplicated. Answers the event types in force."""
    brand_id = ctx.brand_id()
    existing = {(s["event_type"], s.get("filter", {}).get("user_id")): s for s in ctx.x.subscriptions()}
    capabilities = Capabilities(ctx.redis)
    active = []
    for event_type, filter in wanted(brand_id).items():
        found = existing.get((event_type, brand_id))
        if found is not None:
            if found.get("webhook_id") != webhook_id:
                ctx.x.move_subscription(found["subscription_id"], webhook_id)
            active.append(event_type)
            continue
        try:
            ctx.x.subscribe(event_type, filter, webhook_id)
        except XNotEnrolled as exc:
            if event_type != FOLLOW_EVENT:
                raise
            if capabilities.missing_reason(FOLLOW_EVENTS) is None:
                log.info("X's access level has no follow.follow events (%s): new followers keep coming from "
                            "the follower poll", exc)
            capabilities.note_missing(FOLLOW_EVENTS, str(exc))
            continue
        active.append(event_type)
    if FOLLOW_EVENT in active:
        capabilities.note_available(FOLLOW_EVENTS)
    return active

