"""SLA nudges: a question or complaint left without an answer gets a nudge in its card's thread, and later a
case in the support channel. Each threshold posts exactly once per item (``workers.posting``), however many
workers check and whatever dies mid-post.

The SLA clock is the one the stats use (``Item.sla_waited``): from the post until a reply, Done or Dismiss,
counting business hours only when ``BIRDHOUSE_BUSINESS_HOURS`` is set. An item someone already escalated by
hand is not escalated again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import redis

from birdhouse import jobs
from birdhouse.dashboard import open_items, permalinks, sla_clock
from birdhouse.errors import SlackError
from birdhouse.settings import Settings
from birdhouse.stats import Item
from birdhouse.store import CardRef, Event, EventLog, Lease
from birdhouse.store.events import EventKind
from birdhouse.store.posts import SlaPosts
from slackbot.views import mrkdwn
from slackbot.views.stats import duration
from workers.context import Context, current
from workers.posting import Posted, PostBusy, Subject, post_once
from workers.scheduler import Periodic, reschedule

log = logging.getLogger(__name__)

CHECK_SECONDS = 60.0
CHECK = Periodic("sla", jobs.Job.CHECK_SLA, interval=lambda settings: CHECK_SECONDS)
NUDGE, ESCALATE = "nudge", "escalate"
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


def nudge_text(item: Item, waited: float, settings: Settings) -> str:
    clock = " of business hours" if settings.business_hours else ""
    return (f"{addressees(item, settings.team)}:hourglass_flowing_sand: This {item.kind} has waited "
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
    with Lease(ctx.redis, f"job:{CHECK.name}", CHECK.timeout) as held:
        if not held:
            return {"skipped": "another SLA check is running"}
        try:
            return check_open_items(ctx)
        finally:
            reschedule(ctx.redis, CHECK.name, CHECK_SECONDS, ctx.clock)


def check_open_items(ctx: Context) -> dict[str, Any]:
    now = ctx.clock()
    elapsed = sla_clock(ctx.settings)
    sent: dict[str, list[str]] = {NUDGE: [], ESCALATE: []}
    for item, card in open_items(ctx.redis, now):
        waited = item.sla_waited(now, elapsed)
        for threshold in due(item, waited, ctx.settings):
            post = nudge if threshold == NUDGE else escalate
            try:
                posted = post(ctx, item, card, waited)
            except PostBusy:  # another worker is posting it right now
                continue
            except SlackError as exc:
                log.warning("SLA %s for %s failed, trying again next check: %s", threshold, item.mention_id,
                            exc.error)
                continue
            if not posted.already:
                sent[threshold].append(item.mention_id)
    return {"nudged": sent[NUDGE], "escalated": sent[ESCALATE]}


def _post_once(ctx: Context, item: Item, threshold: str, channel: str, text: str, event: Event,
               thread_ts: str | None = None) -> Posted:
    """Post ``text`` for this item and threshold exactly once (``workers.posting``), recording ``event``."""
    def record(pipe: redis.client.Pipeline, ts: str) -> None:
        SlaPosts(pipe).record(item.mention_id, threshold, ts)
        EventLog(pipe).record(replace(event, data={**event.data, "ts": ts}))

    return post_once(ctx, Subject(SLA_EVENT_TYPE, "sla", f"{item.mention_id}:{threshold}"), channel,
                     lambda: {"text": text}, posted=lambda: SlaPosts(ctx.redis).posted(item.mention_id, threshold),
                     record=record, thread_ts=thread_ts)


def nudge(ctx: Context, item: Item, card: CardRef, waited: float) -> Posted:
    return _post_once(ctx, item, NUDGE, card.channel, nudge_text(item, waited, ctx.settings),
                      Event(EventKind.SLA_NUDGE, at=ctx.clock(), mention_id=item.mention_id, data={"waited": waited}),
                      thread_ts=card.ts)


def escalate(ctx: Context, item: Item, card: CardRef, waited: float) -> Posted:
    mention = ctx.mentions.get(item.mention_id)
    author, url = (mention.author.username, mention.url) if mention else ("unknown", "https://x.com")
    [card_link] = permalinks(ctx.redis, ctx.slack, [card])
    support = ctx.settings.support_channel
    posted = _post_once(ctx, item, ESCALATE, support, case_text(item, waited, author, url, card_link),
                        Event(EventKind.SLA_ESCALATE, at=ctx.clock(), mention_id=item.mention_id,
                              data={"waited": waited, "case_channel": support}))
    if not posted.already:
        try:
            ctx.slack.post_message(card.channel, thread_ts=card.ts, text=escalated_note(waited, support))
        except SlackError as exc:  # the case is open, which is what matters; the note is a courtesy
            log.warning("SLA escalation note on card %s failed: %s", card.ts, exc.error)
    return posted
