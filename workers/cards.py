"""Mention cards in Slack: each posted exactly once, even across overlapping polls and killed workers.

A card job holds a lease while it posts. Before posting it notes the attempt; when it finds an earlier
unconfirmed attempt (a worker died between Slack's answer and our record), it looks for the card in the
channel's history by its metadata before posting again. Mentions whose card never made it are handed back
to the queue by the next poll.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from rq import Retry, get_current_job
from rq.job import Job, JobStatus
from slack_sdk.errors import SlackApiError

from birdhouse.models import Mention
from birdhouse.store import CardRef, Lease
from birdhouse.store.capabilities import Capabilities
from birdhouse.store.cards import CardStore, Threads
from slackbot.views.mention_card import fallback_text, mention_card
from workers.context import Context, current
from workers.queues import DEFAULT, queue

log = logging.getLogger(__name__)

METADATA_EVENT = "birdhouse_mention"
LEASE_SECONDS = 180.0  # longer than one Slack call, its timeout and a few 429 waits
REQUEUE_AFTER_SECONDS = 120  # a card job not done by then is presumed lost with its worker
# The first retry is immediate: it is what runs when a dead worker's job is found abandoned.
RETRY = Retry(max=5, interval=[0, 10, 30, 60, 120])
PENDING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


class CardBusy(Exception):
    """Another worker holds this card's lease; RQ retries later."""


def enqueue_post(ctx: Context, mention_id: str) -> bool:
    """Queue the card job unless it was queued recently or is still waiting or running. True when queued."""
    if not ctx.redis.set(f"bh:mention:{mention_id}:queued", 1, nx=True, ex=REQUEUE_AFTER_SECONDS):
        return False
    job_id = f"card-{mention_id}"
    if Job.exists(job_id, connection=ctx.redis) and Job.fetch(job_id, connection=ctx.redis).get_status() in PENDING:
        return False
    queue(ctx.redis, DEFAULT).enqueue(post_card, mention_id, job_id=job_id, retry=RETRY,
                                      job_timeout=int(LEASE_SECONDS), failure_ttl=7 * 86400)
    return True


def requeue_unposted(ctx: Context) -> int:
    """Hand back to the queue every stored mention whose card is not in Slack and not being worked on."""
    return sum(enqueue_post(ctx, mention_id) for mention_id in ctx.mentions.unposted())


def post_card(mention_id: str) -> dict[str, Any]:
    ctx = current()
    if (existing := ctx.mentions.card(mention_id)) is not None:
        return {"already_posted": existing.ts}
    mention = ctx.mentions.get(mention_id)
    if mention is None:
        raise LookupError(f"mention {mention_id} is not stored; nothing to post")
    channel = ctx.settings.mentions_channel
    job = get_current_job()
    with Lease(ctx.redis, f"card:{mention_id}", LEASE_SECONDS, token=job.id if job else None) as held:
        if not held:
            raise CardBusy(mention_id)
        if (existing := ctx.mentions.card(mention_id)) is not None:  # finished while we waited for the lease
            return {"already_posted": existing.ts}
        earlier_attempt = ctx.mentions.note_post_attempt(mention_id, ctx.clock())
        thread_ts = conversation_thread(ctx, mention, channel)
        found = (find_card(ctx, channel, mention_id, since=earlier_attempt, thread_ts=thread_ts)
                 if earlier_attempt else None)
        ts = found or ctx.slack.chat_postMessage(
            channel=channel, thread_ts=thread_ts, text=fallback_text(mention),
            blocks=card_blocks(ctx, mention),
            metadata={"event_type": METADATA_EVENT, "event_payload": {"tweet_id": mention_id}},
            unfurl_links=False, unfurl_media=False,
        )["ts"]
        ctx.mentions.set_card(mention_id, CardRef(channel, ts))
        if thread_ts is None and mention.conversation_id:
            Threads(ctx.redis).note_card_conversation(mention.conversation_id, mention_id)
        return {"posted": ts, "recovered": found is not None, "thread": thread_ts}


def card_blocks(ctx: Context, mention: Mention) -> list[dict[str, Any]]:
    """The card as it stands: the mention, what the team did about it, and what X's access level allows."""
    state = CardStore(ctx.redis).get(mention.id, mention.author.id)
    return mention_card(mention, state, Capabilities(ctx.redis).current())


def conversation_thread(ctx: Context, mention: Mention, channel: str) -> str | None:
    """The card thread this mention continues, or None for a card of its own.

    An answer to one of the brand's replies, or any mention in a conversation that already has a card,
    goes into that card's thread (as a card with its own buttons), so the team reads the conversation in one
    place. Threads are one level deep in Slack: a follow-up always goes under the conversation's first card.
    """
    threads = Threads(ctx.redis)
    answered = threads.answered_mention(mention.replied_to_id) if mention.replied_to_id else None
    if answered is not None and (answered_mention := ctx.mentions.get(answered)) is not None:
        answered = (threads.conversation_card(answered_mention.conversation_id or "") or answered)
    root = answered or (threads.conversation_card(mention.conversation_id) if mention.conversation_id else None)
    card = ctx.mentions.card(root) if root and root != mention.id else None
    return card.ts if card is not None and card.channel == channel else None


def find_card(ctx: Context, channel: str, subject_id: str, since: float, *, event_type: str = METADATA_EVENT,
              payload_key: str = "tweet_id", thread_ts: str | None = None) -> str | None:
    """The ts of a message posted after ``since`` whose metadata is ``event_type`` with ``payload_key`` equal
    to ``subject_id`` (by default: this mention's card), or None. With ``thread_ts`` the thread is searched
    too (history lists only top-level messages); the channel first, in case an earlier attempt posted there."""
    listings = [ctx.slack.conversations_history]
    if thread_ts is not None:
        listings.append(functools.partial(ctx.slack.conversations_replies, ts=thread_ts))
    try:
        for listing in listings:
            cursor = None
            while True:
                page = listing(channel=channel, oldest=f"{since - 1:.6f}", limit=200, include_all_metadata=True,
                               cursor=cursor)
                for message in page["messages"]:
                    metadata = message.get("metadata") or {}
                    if (metadata.get("event_type") == event_type
                            and metadata.get("event_payload", {}).get(payload_key) == subject_id):
                        return message["ts"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not page.get("has_more") or not cursor:
                    break
        return None
    except SlackApiError as exc:
        # Without history we cannot tell; posting again risks a duplicate, not posting risks a loss.
        # Fail the job: RQ retries, and an operator sees the error (usually a missing channels:history scope).
        log.error("cannot check #%s history for %s %s: %s", channel, event_type, subject_id,
                  exc.response.get("error"))
        raise
