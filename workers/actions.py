"""Acting on X for a button press, at most once, and showing the whole team what happened.

Each job runs under an action key the Slack app claimed (``ActionLedger``) before queueing it. Right before
X is asked, the key is marked "attempting"; X's answer is recorded together with its effects on the card
and the audit log, in one Redis transaction. A retried job (RQ retries after a crash, or a card update that
failed) resumes from that record instead of asking X again. Likes and follows are idempotent on X, so an
interrupted one is simply asked again; a post is not, so an interrupted reply is reported, never repeated.

X refusals are not job failures: the person who pressed the button is told why (ephemeral), the key is
released or closed, and the card stays usable. ``follow_user`` is the follow-back machinery on its own,
for any card that offers one (mention cards here, new-follower cards elsewhere).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from birdhouse import errors
from birdhouse.models import Mark, Mention
from birdhouse.store import Event, Lease
from birdhouse.store.actions import ATTEMPTING, DONE, ActionLedger
from birdhouse.store.capabilities import FOLLOW, LIKE, Capabilities
from birdhouse.store.cards import CardStore, Escalation, Reply, Threads
from birdhouse.store.events import EventKind, EventLog
from slackbot.views import notices
from slackbot.views.case import CASE_EVENT, case_message, case_text
from slackbot.views.mention_card import fallback_text
from workers.cards import card_blocks
from workers.context import Context, current
from workers.posting import Subject, find_message

log = logging.getLogger(__name__)

RENDER_LEASE_SECONDS = 10.0
# Most particular first: a duplicate is also a refusal.
RESULT_WORDS: tuple[tuple[type[errors.XError], str], ...] = (
    (errors.XNotEnrolled, "not_enrolled"), (errors.XRateLimited, "rate_limited"), (errors.XDuplicate, "duplicate"),
    (errors.XForbidden, "forbidden"), (errors.XNotFound, "not_found"), (errors.XUnavailable, "unavailable"),
    (errors.XUnauthorized, "unauthorized"), (errors.XInvalidRequest, "invalid"))


def result_word(exc: errors.XError) -> str:
    """The audit log's one-word result for an X failure."""
    return next((word for kind, word in RESULT_WORDS if isinstance(exc, kind)), "error")


# -- telling people ----------------------------------------------------------------------------------
def tell(ctx: Context, mention_id: str | None, user: str, text: str, *, channel: str | None = None) -> None:
    """An ephemeral note to the person who acted, in the card's channel."""
    card = ctx.mentions.card(mention_id) if mention_id else None
    channel = channel or (card.channel if card else ctx.settings.mentions_channel)
    ctx.slack.chat_postEphemeral(channel=channel, user=user, text=text)


def refresh_card(mention_id: str) -> dict[str, Any]:
    """Re-render a card from the mention, its state and X access (the job the Slack app queues)."""
    return render_card(current(), mention_id)


def render_card(ctx: Context, mention_id: str) -> dict[str, Any]:
    mention = ctx.mentions.get(mention_id)
    card = ctx.mentions.card(mention_id)
    if mention is None or card is None:
        return {"skipped": "no card"}
    # One renderer at a time per card, reading the state inside the lease: the last update always shows
    # the latest state, whichever worker renders it.
    lease = Lease(ctx.redis, f"render:{mention_id}", RENDER_LEASE_SECONDS)
    deadline = time.monotonic() + RENDER_LEASE_SECONDS
    while not lease.acquire():
        if time.monotonic() > deadline:
            raise TimeoutError(f"card {mention_id} stayed locked")
        time.sleep(0.05)
    try:
        ctx.slack.chat_update(channel=card.channel, ts=card.ts, text=fallback_text(mention),
                              blocks=card_blocks(ctx, mention))
    finally:
        lease.release()
    return {"updated": card.ts}


def _mention(ctx: Context, mention_id: str) -> Mention:
    mention = ctx.mentions.get(mention_id)
    if mention is None:
        raise LookupError(f"mention {mention_id} is not stored")
    return mention


# -- like and follow: idempotent on X --------------------------------------------------------------------
def _idempotent_x_action(ctx: Context, *, key: str, kind: str, capability: str, user: str,
                         mention_id: str | None, call: Callable[[], None],
                         record: Callable[[Any], None], data: dict[str, Any]) -> str:
    """Ask X once (again, if a crash interrupted it: X ignores a repeated like or follow). The result word."""
    ledger = ActionLedger(ctx.redis)
    begun = ledger.begin(key)
    if begun.previous == DONE:
        return begun.outcome["result"]
    now = ctx.clock()
    try:
        call()
    except errors.XError as exc:
        word = result_word(exc)
        with ctx.redis.pipeline() as pipe:
            if isinstance(exc, errors.XNotEnrolled):
                Capabilities(pipe).note_missing(capability, exc.reason or "client-not-enrolled")
                if mention_id:
                    CardStore(pipe).note_refused(mention_id, kind, user)
            EventLog(pipe).record(Event(kind, at=now, mention_id=mention_id, user=user, result=word, data=data))
            ActionLedger(pipe).release(key)  # nothing happened on X: the next press may try again
            pipe.execute()
        tell(ctx, mention_id, user, notices.x_error(kind, exc))
        return word
    with ctx.redis.pipeline() as pipe:
        record(pipe)
        Capabilities(pipe).note_available(capability)
        EventLog(pipe).record(Event(kind, at=now, mention_id=mention_id, user=user, data=data))
        ActionLedger(pipe).finish(key, {"result": "ok"})
        pipe.execute()
    return "ok"


def like(key: str, mention_id: str, user: str) -> dict[str, Any]:
    ctx = current()
    mention = _mention(ctx, mention_id)
    result = _idempotent_x_action(
        ctx, key=key, kind=EventKind.LIKE, capability=LIKE, user=user, mention_id=mention_id,
        call=lambda: ctx.x.like(ctx.brand_id(), mention.id),
        record=lambda pipe: CardStore(pipe).set_liked(mention_id, Mark(user, ctx.clock())),
        data={"post_id": mention.id})
    render_card(ctx, mention_id)
    return {"result": result}


def follow_user(ctx: Context, key: str, x_user_id: str, user: str, *, mention_id: str | None = None) -> str:
    """Follow an X user for ``user`` (a Slack user id), once; the result word ("ok", "not_enrolled", …).

    Records the follow (``CardStore.followed``), the capability and the audit event; tells ``user`` why
    when X refuses. The caller re-renders its own card.
    """
    return _idempotent_x_action(
        ctx, key=key, kind=EventKind.FOLLOW_BACK, capability=FOLLOW, user=user, mention_id=mention_id,
        call=lambda: ctx.x.follow(ctx.brand_id(), x_user_id),
        record=lambda pipe: CardStore(pipe).set_followed(x_user_id, Mark(user, ctx.clock())),
        data={"x_user_id": x_user_id})


def follow_back(key: str, mention_id: str, user: str) -> dict[str, Any]:
    ctx = current()
    mention = _mention(ctx, mention_id)
    result = follow_user(ctx, key, mention.author.id, user, mention_id=mention_id)
    render_card(ctx, mention_id)
    return {"result": result}


# -- reply: a post, never repeated --------------------------------------------------------------------------
def reply(key: str, mention_id: str, user: str, text: str) -> dict[str, Any]:
    ctx = current()
    ledger = ActionLedger(ctx.redis)
    begun = ledger.begin(key)
    if begun.previous == DONE:
        render_card(ctx, mention_id)
        return begun.outcome
    now = ctx.clock()
    if begun.previous == ATTEMPTING:
        # A worker died between asking X and recording the answer: X may have posted. Say so; never repost.
        return _reply_failed(ctx, key, mention_id, user, text, "unknown", notices.unknown_reply_outcome(text))
    try:
        posted = ctx.x.reply(text, mention_id)
    except errors.XUnavailable:
        return _reply_failed(ctx, key, mention_id, user, text, "unknown", notices.unknown_reply_outcome(text))
    except errors.XError as exc:
        return _reply_failed(ctx, key, mention_id, user, text, result_word(exc),
                             notices.reply_failed(text, notices.x_error("reply", exc)))
    post_id = posted["id"]
    outcome = {"result": "ok", "post_id": post_id, "url": f"https://x.com/i/web/status/{post_id}"}
    with ctx.redis.pipeline() as pipe:
        CardStore(pipe).add_reply(mention_id, Reply(user, text, post_id, outcome["url"], now))
        Threads(pipe).note_brand_reply(post_id, mention_id)
        EventLog(pipe).record(Event(EventKind.REPLY, at=now, mention_id=mention_id, user=user,
                                    data={"post_id": post_id, "text": text, "in_reply_to": mention_id}))
        ActionLedger(pipe).finish(key, outcome)
        pipe.execute()
    render_card(ctx, mention_id)
    return outcome


def _reply_failed(ctx: Context, key: str, mention_id: str, user: str, text: str, word: str,
                  message: str) -> dict[str, Any]:
    outcome = {"result": word}
    with ctx.redis.pipeline() as pipe:
        EventLog(pipe).record(Event(EventKind.REPLY, at=ctx.clock(), mention_id=mention_id, user=user, result=word,
                                    data={"text": text, "in_reply_to": mention_id}))
        ActionLedger(pipe).finish(key, outcome)  # this modal's reply is settled; a new one starts afresh
        pipe.execute()
    tell(ctx, mention_id, user, message)
    return outcome


# -- escalate: a Slack post, found again by its metadata after a crash -------------------------------------
def escalate(key: str, mention_id: str, user: str) -> dict[str, Any]:
    ctx = current()
    ledger = ActionLedger(ctx.redis)
    begun = ledger.begin(key)
    if begun.previous != DONE:
        mention = _mention(ctx, mention_id)
        card = ctx.mentions.card(mention_id)
        support = ctx.settings.support_channel
        card_link = ctx.slack.chat_getPermalink(channel=card.channel, message_ts=card.ts)["permalink"]
        claimed = ledger.holder(key)
        found = (find_message(ctx, support, Subject(CASE_EVENT, "tweet_id", mention_id),
                              since=claimed.at if claimed else 0.0) if begun.previous == ATTEMPTING else None)
        case_ts = found or ctx.slack.chat_postMessage(
            channel=support, text=case_text(mention), blocks=case_message(mention, user, card_link),
            metadata=Subject(CASE_EVENT, "tweet_id", mention_id).metadata,
            unfurl_links=False, unfurl_media=False)["ts"]
        case_link = ctx.slack.chat_getPermalink(channel=support, message_ts=case_ts)["permalink"]
        now = ctx.clock()
        with ctx.redis.pipeline() as pipe:
            CardStore(pipe).set_escalated(mention_id, Escalation(user, now, case_link))
            EventLog(pipe).record(Event(EventKind.ESCALATE, at=now, mention_id=mention_id, user=user,
                                        data={"case_channel": support, "case_ts": case_ts,
                                              "case_permalink": case_link}))
            ActionLedger(pipe).finish(key, {"result": "ok", "case_ts": case_ts})
            pipe.execute()
    render_card(ctx, mention_id)
    return {"result": "ok"}
