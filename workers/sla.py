"""SLA nudges: a question or complaint left without an answer gets a nudge in its card's thread, and later a
case in the support channel (with a note in the card's thread that says so). The check only decides and queues
each post in its channel's outbox (``workers.drain``): a case first of all, a nudge right after a card someone
asked for. The channel's drain posts it, exactly once per item and threshold (``workers.posting``), however many
workers check and whatever dies mid-post.

The SLA clock is the one the stats use (``Item.sla_waited``): from the post until a reply, Done or Dismiss,
counting business hours only when ``BIRDHOUSE_BUSINESS_HOURS`` is set. An item someone already escalated by
hand is not escalated again.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import redis

from birdhouse import jobs
from birdhouse.dashboard import open_items, permalinks, sla_clock
from birdhouse.errors import SLACK_TRY_AGAIN, THREAD_REFUSALS, SlackBlocked, SlackError
from birdhouse.settings import Settings
from birdhouse.stats import Item
from birdhouse.store import CardRef, Event, EventLog
from birdhouse.store.cards import CardStore
from birdhouse.store.events import EventKind
from birdhouse.store.leases import HeldLease
from birdhouse.store.outbox import Outbox, member
from birdhouse.store.posts import SlaPosts
from slackbot.views import mrkdwn
from slackbot.views.stats import duration
from workers.actions import CASES
from workers.backlog import Band
from workers.context import Context, current
from workers.drain import details_of, queue_message
from workers.polling import JOB_LEASE_SECONDS
from workers.posting import Posted, Subject, post_once, take_turn_after
from workers.scheduler import Periodic, reschedule_at

CHECK_SECONDS = 60.0
CHECK = Periodic("sla", jobs.Job.CHECK_SLA, interval=lambda settings: CHECK_SECONDS)
NUDGE, ESCALATE = "nudge", "escalate"
NOTE = "note"  # after the case, in the card's thread: where it went (a courtesy, not tried again if refused)
SLA_POSTS = "sla"  # outbox members ``sla:<mention id>:<threshold or NOTE>``
# A case is what the support team acts on; a nudge and the note are about an item already past its SLA.
BANDS = {NUDGE: Band.NUDGE, ESCALATE: Band.CASE, NOTE: Band.NUDGE}
SLA_EVENT_TYPE = "birdhouse_sla"  # message metadata, to find a post again after an interrupted attempt


def due(item: Item, waited: float, settings: Settings) -> list[str]:
    """The thresholds an open item has passed (SLA seconds ``waited``) that call for a post."""
    thresholds = []
    if waited >= settings.sla_minutes * 60:
        thresholds.append(NUDGE)
    if waited >= settings.sla_escalate_minutes * 60 and not item.escalated:
        thresholds.append(ESCALATE)
    return thresholds


def addressees(item: Item, team: tuple[str, ...]) -> str:
    """Who a nudge pings: whoever claimed the item, else the team (users and user groups), else nobody."""
    if item.claimed_by:
        return f"<@{item.claimed_by}> "
    mentions = [f"<!subteam^{member}>" if member.startswith("S") else f"<@{member}>" for member in team]
    return " ".join(mentions) + " " if mentions else ""


def nudge_text(item: Item, waited: float, settings: Settings, card_link: str | None = None) -> str:
    """The nudge in the card's thread; with ``card_link``, in the channel instead (Slack refused the thread)."""
    clock = " of business hours" if settings.business_hours else ""
    this = f"This {mrkdwn.link(card_link, item.kind)}" if card_link else f"This {item.kind}"
    return (f"{addressees(item, settings.team)}:hourglass_flowing_sand: {this} has waited "
            f"{duration(waited)}{clock} without a reply (the SLA is {duration(settings.sla_minutes * 60)}). "
            "Reply from the card, or mark it Done if it needs no answer.")


def case_text(item: Item, waited: float, author: str, post_url: str, card_link: str | None) -> str:
    """The support case the SLA opens. ``author`` is untrusted."""
    card = mrkdwn.link(card_link, "the card and its thread") if card_link else "the card in the mentions channel"
    return (f":sos: *Unanswered {item.kind} from @{mrkdwn.escape(author)}*, waiting {duration(waited)}: "
            f"escalated automatically by the SLA.\n{mrkdwn.link(post_url, 'View on X')} · {card}")


def escalated_note(waited: float, support_channel: str) -> str:
    return f":sos: No reply after {duration(waited)}: escalated to <#{support_channel}>."


def check() -> dict[str, Any]:
    """The periodic job: one runs at a time, and it always sets its own next run."""
    ctx = current()
    with HeldLease(ctx.redis, f"job:{CHECK.name}", JOB_LEASE_SECONDS) as held:
        if not held:
            return {"skipped": "another SLA check is running"}
        try:
            return check_open_items(ctx)
        finally:
            reschedule_at(ctx.redis, CHECK.name, ctx.clock() + CHECK_SECONDS)


def check_open_items(ctx: Context) -> dict[str, Any]:
    """Queue each post an open item's SLA calls for and that is not in Slack yet: a nudge in its card's
    channel, a case in the support channel. Their drains post them (``post``); one queued already keeps its
    place, and what it says is brought up to date."""
    now = ctx.clock()
    elapsed = sla_clock(ctx.settings)
    posts = SlaPosts(ctx.redis)
    queued: dict[str, list[str]] = {NUDGE: [], ESCALATE: []}
    for item, card in open_items(ctx.redis, now):
        waited = item.sla_waited(now, elapsed)
        for threshold in due(item, waited, ctx.settings):
            if posts.posted(item.mention_id, threshold):
                continue
            queue_post(ctx, card.channel if threshold == NUDGE else ctx.settings.support_channel, item, threshold,
                       waited)
            queued[threshold].append(item.mention_id)
    return {"nudges": queued[NUDGE], "cases": queued[ESCALATE]}


def queue_post(ctx: Context, channel: str, item: Item, threshold: str, waited: float) -> None:
    """Queue the item's post for ``threshold`` in ``channel``'s outbox, with what it says (``post`` posts it)."""
    queue_message(ctx, channel, member(SLA_POSTS, f"{item.mention_id}:{threshold}"), BANDS[threshold],
                  {"item": asdict(item), "waited": waited})


def home(settings: Settings, subject_id: str) -> str | None:
    """Where a queued SLA post belongs now: a case in the support channel; a nudge or a note in its card's thread,
    wherever the card is (None: where it was queued)."""
    return settings.support_channel if subject_id.endswith(f":{ESCALATE}") else None


def post(ctx: Context, channel: str, subject_id: str) -> dict[str, Any]:
    """Post an SLA message the check queued (``sla:<mention id>:<threshold>``): the drain of ``channel`` calls this."""
    mention_id, threshold = subject_id.split(":")
    asked = details_of(ctx, member(SLA_POSTS, subject_id))
    item, waited = Item(**asked["item"]), asked["waited"]
    if threshold != NOTE and not still_due(ctx, mention_id, threshold):
        raise LookupError(f"SLA {threshold} of mention {mention_id} dropped: answered, closed or escalated meanwhile")
    card = ctx.mentions.card(mention_id)
    if card is None:
        raise LookupError(f"mention {mention_id} has no card for its SLA {threshold}")
    posted = POSTS[threshold](ctx, channel, item, card, waited)
    return {"sla": threshold, "ts": posted.ts, "already": posted.already}


def still_due(ctx: Context, mention_id: str, threshold: str) -> bool:
    """Whether a queued nudge or case is still called for when its turn comes: the card is still open and
    unanswered, and a case is not already opened (by hand, or waiting to be posted from the Escalate button).
    Read from the card's state (one round trip), which every reply, close and escalation writes together with
    its event: replaying the event log for each post would cost the drain a second a post on a busy month."""
    state = CardStore(ctx.redis).get(mention_id)
    if state.closed or state.replies:
        return False
    return threshold != ESCALATE or not (state.escalated or Outbox(ctx.redis).holds(ctx.settings.support_channel,
                                                                                     member(CASES, mention_id)))


def _post_once(ctx: Context, item: Item, threshold: str, channel: str, text: str, event: Event | None = None,
               thread_ts: str | None = None) -> Posted:
    """Post ``text`` for this item and threshold exactly once (``workers.posting``; the caller is the drain
    holding ``channel``'s lease), recording ``event``."""
    def record(pipe: redis.client.Pipeline, ts: str) -> None:
        SlaPosts(pipe).record(item.mention_id, threshold, ts)
        if event is not None:
            EventLog(pipe).record(replace(event, data={**event.data, "ts": ts}))

    return post_once(ctx, Subject(SLA_EVENT_TYPE, "sla", f"{item.mention_id}:{threshold}"), channel,
                     lambda: {"text": text}, posted=lambda: SlaPosts(ctx.redis).posted(item.mention_id, threshold),
                     record=record, thread_ts=thread_ts)


def nudge(ctx: Context, channel: str, item: Item, card: CardRef, waited: float) -> Posted:
    """In the card's thread; in the channel, linking the card, when Slack will not take it there (a locked thread),
    so the nudge is seen once rather than refused at every check. (A retry's search of the thread looks in the
    channel first, where such a nudge is.)"""
    event = Event(EventKind.SLA_NUDGE, at=ctx.clock(), mention_id=item.mention_id, data={"waited": waited})
    try:
        return _post_once(ctx, item, NUDGE, channel, nudge_text(item, waited, ctx.settings), event, thread_ts=card.ts)
    except (*SLACK_TRY_AGAIN, SlackBlocked):
        raise
    except SlackError as exc:
        if exc.error not in THREAD_REFUSALS:
            raise
        take_turn_after(ctx, exc, channel)
        card_gone = exc.error == "thread_not_found"
    # The card's link; the post's when the card is gone (a link kept from before would be dead) or its link cannot
    # be had, so the nudge still says which item it is.
    [card_link] = [None] if card_gone else permalinks(ctx.redis, ctx.slack, [card])
    mention = ctx.mentions.get(item.mention_id)
    shown = card_link or (mention.url if mention else None)
    return _post_once(ctx, item, NUDGE, channel, nudge_text(item, waited, ctx.settings, shown), event)


def escalate(ctx: Context, channel: str, item: Item, card: CardRef, waited: float) -> Posted:
    """The case in the support channel; then the note in the card's thread that says where it went, queued in
    the card's channel."""
    mention = ctx.mentions.get(item.mention_id)
    author, url = (mention.author.username, mention.url) if mention else ("unknown", "https://x.com")
    [card_link] = permalinks(ctx.redis, ctx.slack, [card])
    posted = _post_once(ctx, item, ESCALATE, channel, case_text(item, waited, author, url, card_link),
                        Event(EventKind.SLA_ESCALATE, at=ctx.clock(), mention_id=item.mention_id,
                              data={"waited": waited, "case_channel": channel}))
    queue_post(ctx, card.channel, item, NOTE, waited)
    return posted


def note(ctx: Context, channel: str, item: Item, card: CardRef, waited: float) -> Posted:
    return _post_once(ctx, item, NOTE, channel, escalated_note(waited, ctx.settings.support_channel),
                      thread_ts=card.ts)


POSTS = {NUDGE: nudge, ESCALATE: escalate, NOTE: note}
