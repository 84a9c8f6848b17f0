"""Acting for a button press, at most once, and showing the whole team what happened: the ``act`` of every
card's life (``workers.cards``), whichever kind of card it was pressed on.

Each job runs under an action key the Slack app claimed (``ActionLedger``) before queueing it. Right before
X is asked, the key is marked "attempting"; X's answer is recorded together with its effects on the card
and the audit log, in one Redis transaction. A retried job (RQ retries after a crash, or a card update that
failed) resumes from that record instead of asking X again. Likes, follows and list additions are idempotent
on X, so an interrupted one is simply asked again; a post is not, so an interrupted reply is reported, never
repeated, and an escalation's case is posted exactly once, by the support channel's drain (``post_case``).

X refusals are not job failures: the person who pressed the button is told why (ephemeral), the key is
released or closed, and the card stays usable. There is one follow-back, for every card that offers one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis

from birdhouse import errors, jobs
from birdhouse.models import CardKind, Mark, Mention
from birdhouse.store import Event
from birdhouse.store.actions import ATTEMPTING, DONE, ActionLedger
from birdhouse.store.capabilities import FOLLOW, LIKE, Capabilities
from birdhouse.store.cards import CardStore, Escalation, Reply, Threads
from birdhouse.store.events import EventKind, EventLog
from birdhouse.store.followers import FollowerStore
from birdhouse.store.follows import Follows
from birdhouse.store.outbox import member
from slackbot.views import notices
from slackbot.views.case import CASE_EVENT, case_message, case_text
from workers.backlog import Band
from workers.card_jobs import KINDS, tell
from workers.cards import update_card
from workers.context import Context, current
from workers.drain import details_of, queue_message
from workers.posting import SEARCH_METHODS, Subject, post_once

# Most particular first: a duplicate is also a refusal.
RESULT_WORDS: tuple[tuple[type[errors.XError], str], ...] = (
    (errors.XNotEnrolled, "not_enrolled"), (errors.XRateLimited, "rate_limited"), (errors.XDuplicate, "duplicate"),
    (errors.XForbidden, "forbidden"), (errors.XNotFound, "not_found"), (errors.XUnavailable, "unavailable"),
    (errors.XUnauthorized, "unauthorized"), (errors.XInvalidRequest, "invalid"))


def result_word(exc: errors.XError) -> str:
    """The audit log's one-word result for an X failure."""
    return next((word for kind, word in RESULT_WORDS if isinstance(exc, kind)), "error")


def _refresh(ctx: Context, kind: CardKind, subject_id: str) -> None:
    update_card(ctx, KINDS[kind], subject_id)


def _mention(ctx: Context, mention_id: str) -> Mention:
    mention = ctx.mentions.get(mention_id)
    if mention is None:
        raise LookupError(f"mention {mention_id} is not stored")
    return mention


# -- actions that are harmless to repeat on X: like, follow, add to a list (and dismiss, which has no X) ---------
def _act_once(ctx: Context, *, key: str, kind: EventKind, card: tuple[CardKind, str], user: str,
              call: Callable[[], None], record: Callable[[redis.client.Pipeline], None], data: dict[str, Any],
              capability: str | None = None, mention_id: str | None = None) -> str:
    """Ask X once (again, if a crash interrupted it), record the effect with its event, and show it on
    ``card``. The result word ("ok", "not_enrolled", …)."""
    ledger = ActionLedger(ctx.redis)
    begun = ledger.begin(key)
    if begun.previous == DONE:
        _refresh(ctx, *card)
        return begun.outcome["result"]
    now = ctx.clock()
    try:
        call()
    except errors.XError as exc:
        word = result_word(exc)
        with ctx.redis.pipeline() as pipe:
            if isinstance(exc, errors.XNotEnrolled) and capability:
                Capabilities(pipe).note_missing(capability, exc.reason or "client-not-enrolled")
                if mention_id:
                    CardStore(pipe).note_refused(mention_id, kind, user)
            EventLog(pipe).record(Event(kind, at=now, mention_id=mention_id, user=user, result=word, data=data))
            ActionLedger(pipe).release(key)  # nothing happened on X: the next press may try again
            pipe.execute()
        tell(ctx, *card, user, notices.x_error(kind, exc))
        _refresh(ctx, *card)
        return word
    with ctx.redis.pipeline() as pipe:
        record(pipe)
        if capability:
            Capabilities(pipe).note_available(capability)
        EventLog(pipe).record(Event(kind, at=now, mention_id=mention_id, user=user, data=data))
        ActionLedger(pipe).finish(key, {"result": "ok"})
        pipe.execute()
    _refresh(ctx, *card)
    return "ok"


def like(key: str, mention_id: str, user: str) -> dict[str, Any]:
    ctx = current()
    mention = _mention(ctx, mention_id)
    result = _act_once(
        ctx, key=key, kind=EventKind.LIKE, card=(CardKind.MENTION, mention_id), user=user,
        call=lambda: ctx.x.like(ctx.brand_id(), mention.id),
        record=lambda pipe: CardStore(pipe).set_liked(mention_id, Mark(user, ctx.clock())),
        data={"post_id": mention.id}, capability=LIKE, mention_id=mention_id)
    return {"result": result}


def follow_back(key: str, kind: str, subject_id: str, user: str) -> dict[str, Any]:
    """Follow the person a card is about, once for every card about them (the key is theirs)."""
    ctx = current()
    card = (CardKind(kind), subject_id)
    target = KINDS[card[0]].follow_target(ctx, subject_id)
    result = _act_once(
        ctx, key=key, kind=EventKind.FOLLOW_BACK, card=card, user=user,
        call=lambda: ctx.x.follow(ctx.brand_id(), target.x_user_id),
        record=lambda pipe: Follows(pipe).record(target.x_user_id, Mark(user, ctx.clock())),
        data=target.data, capability=FOLLOW, mention_id=target.mention_id)
    return {"result": result}


def add_to_vip(key: str, follower_id: str, user: str) -> dict[str, Any]:
    ctx = current()

    def call() -> None:
        ctx.settings.require("vip_list_id")
        ctx.x.add_list_member(ctx.settings.vip_list_id, follower_id)

    result = _act_once(
        ctx, key=key, kind=EventKind.VIP_LIST, card=(CardKind.FOLLOWER, follower_id), user=user, call=call,
        record=lambda pipe: FollowerStore(pipe).set_added_to_vip(follower_id, user),
        data={"x_user_id": follower_id, "source": "follower_card"})
    return {"result": result}


def dismiss_follower(key: str, follower_id: str, user: str) -> dict[str, Any]:
    ctx = current()
    result = _act_once(
        ctx, key=key, kind=EventKind.FOLLOWER_DISMISS, card=(CardKind.FOLLOWER, follower_id), user=user,
        call=lambda: None, record=lambda pipe: FollowerStore(pipe).set_dismissed(follower_id, user),
        data={"x_user_id": follower_id, "source": "follower_card"})
    return {"result": result}


# -- reply: a post, never repeated --------------------------------------------------------------------------
def reply(key: str, mention_id: str, user: str, text: str) -> dict[str, Any]:
    ctx = current()
    ledger = ActionLedger(ctx.redis)
    begun = ledger.begin(key)
    if begun.previous == DONE:
        _refresh(ctx, CardKind.MENTION, mention_id)
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
                             notices.reply_failed(text, notices.x_error(EventKind.REPLY, exc)))
    post_id = posted["id"]
    outcome = {"result": "ok", "post_id": post_id, "url": f"https://x.com/i/web/status/{post_id}"}
    with ctx.redis.pipeline() as pipe:
        CardStore(pipe).add_reply(mention_id, Reply(user, text, post_id, outcome["url"], now))
        Threads(pipe).note_brand_reply(post_id, mention_id)
        EventLog(pipe).record(Event(EventKind.REPLY, at=now, mention_id=mention_id, user=user,
                                    data={"post_id": post_id, "text": text, "in_reply_to": mention_id}))
        ActionLedger(pipe).finish(key, outcome)
        pipe.execute()
    _refresh(ctx, CardKind.MENTION, mention_id)
    return outcome


def _reply_failed(ctx: Context, key: str, mention_id: str, user: str, text: str, word: str,
                  message: str) -> dict[str, Any]:
    outcome = {"result": word}
    with ctx.redis.pipeline() as pipe:
        EventLog(pipe).record(Event(EventKind.REPLY, at=ctx.clock(), mention_id=mention_id, user=user, result=word,
                                    data={"text": text, "in_reply_to": mention_id}))
        ActionLedger(pipe).finish(key, outcome)  # this modal's reply is settled; a new one starts afresh
        pipe.execute()
    tell(ctx, CardKind.MENTION, mention_id, user, message)
    return outcome


# -- escalate: a case in the support channel, posted exactly once by that channel's drain ----------------------
CASES = "case"  # outbox members ``case:<mention id>``, first in the support channel's outbox


def escalate(key: str, mention_id: str, user: str) -> dict[str, Any]:
    """Queue the mention's case; the support channel's drain posts it (``post_case``) and shows it on the card."""
    ctx = current()
    if ActionLedger(ctx.redis).begin(key).previous == DONE:
        _refresh(ctx, CardKind.MENTION, mention_id)
        return {"result": "ok"}
    _mention(ctx, mention_id)  # a mention that is not stored has no case to open
    queue_message(ctx, ctx.settings.support_channel, member(CASES, mention_id), Band.CASE,
                  {"key": key, "user": user})
    return {"queued": mention_id}


def post_case(ctx: Context, channel: str, mention_id: str) -> dict[str, Any]:
    """Post the case (the drain of ``channel``, the support channel, calls this), then record the escalation
    with a link to the case and show it on the card, for the whole team to see."""
    asked = details_of(ctx, member(CASES, mention_id))
    key, user = asked["key"], asked["user"]
    mention = _mention(ctx, mention_id)
    ledger = ActionLedger(ctx.redis)

    def compose() -> dict[str, Any]:
        card = ctx.mentions.card(mention_id)
        card_link = ctx.slack.permalink(card.channel, card.ts)
        return {"text": case_text(mention), "blocks": case_message(mention, user, card_link)}

    try:
        case_ts = post_once(ctx, Subject(CASE_EVENT, "tweet_id", mention_id), channel, compose,
                            posted=lambda: ledger.posted(key),
                            record=lambda pipe, ts: ActionLedger(pipe).note_posted(key, ts)).ts
    except errors.SLACK_TRY_AGAIN:
        raise  # maybe posted: the case stays in the outbox, and post_once looks before posting again
    except errors.SlackError as exc:
        if isinstance(exc, errors.SlackBlocked) and exc.method in SEARCH_METHODS:
            raise  # the search for an earlier attempt was refused: the case may be in Slack, so it waits
        # Nothing was posted, and nothing will be: the button works again, and says why. The presser decides what
        # next, so the case leaves the outbox even when Slack refused the whole channel.
        ledger.release(key)
        tell(ctx, CardKind.MENTION, mention_id, user, notices.case_refused(channel, exc.error))
        raise errors.SlackError(exc.method, exc.error) from exc
    if not ledger.done(key):  # a drain that died after posting the case records the escalation now
        case_link = ctx.slack.permalink(channel, case_ts)
        now = ctx.clock()
        with ctx.redis.pipeline() as pipe:
            CardStore(pipe).set_escalated(mention_id, Escalation(user, now, case_link))
            EventLog(pipe).record(Event(EventKind.ESCALATE, at=now, mention_id=mention_id, user=user,
                                        data={"case_channel": channel, "case_ts": case_ts,
                                              "case_permalink": case_link}))
            ActionLedger(pipe).finish(key, {"result": "ok", "case_ts": case_ts})
            pipe.execute()
    jobs.update_card(ctx.redis, CardKind.MENTION, mention_id)  # rendered by the updaters, not on this drain's time
    return {"case": case_ts}
