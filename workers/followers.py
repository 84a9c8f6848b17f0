"""New followers: read the head of the follower list, tell new from known, score each new follower, post a
card for the notable ones, tally everyone for the digest, and act on the cards' buttons.

Cost first. X bills every follower a page returns, so a poll asks for a small page, reads its whole head,
and asks for another (larger) page only while the oldest follower on the page is new. With nobody new that
is one request per poll. The first run records the existing audience (a large page, once) and announces
nobody. Where the access level forbids follower lookup, that is logged once and the poll comes back
rarely; everything else keeps running.
"""

from __future__ import annotations

import logging
from typing import Any

from birdhouse.defaults import DAY
from birdhouse.errors import XError, XNotEnrolled
from birdhouse.store import CardRef, Event, EventLog
from birdhouse.store.actions import DONE, ActionLedger
from birdhouse.store.actions import action_key as ledger_key
from birdhouse.models import Mark
from birdhouse.store.cards import CardStore
from birdhouse.store.capabilities import FOLLOW, Capabilities
from birdhouse.store.events import EventKind
from birdhouse.store.followers import FollowerStore
from slackbot.views import digest as digest_view
from slackbot.views import follower_card as card_view
from slackbot.views import notices
from workers.context import Context, current
from workers.notability import NOTABLE, Thresholds, assess, explanation
from workers.polling import run_poll
from workers.posting import Subject, post_once
from workers.queues import enqueue_once
from workers.scheduler import Periodic, reschedule

log = logging.getLogger(__name__)

POLL = Periodic("poll-followers", "workers.followers.poll", interval=lambda settings: settings.follower_poll_interval)
DIGEST = Periodic("follower-digest", "workers.followers.post_digests", interval=lambda settings: settings.digest_period)
PAGE_SIZES = (20, 100, 1000, 1000, 1000)  # a quiet poll costs 20 reads; a burst grows to ~3,000 per poll
SEED_PAGE = 1000  # the first run remembers this many existing followers (deeper than any unfollow shuffle)
CARD_EVENT, DIGEST_EVENT = "birdhouse_follower", "birdhouse_follower_digest"
NOT_ENROLLED_TEXT = "X's access level does not allow following through the API (403 client-not-enrolled)"

# Button actions, as the listener names them to the job.
FOLLOW_BACK_ACTION, VIP_ACTION, DISMISS_ACTION = "follow_back", "vip", "dismiss"


def scan_page(ids: list[str], known: set[str]) -> tuple[list[str], bool]:
    """The new ids on a newest-first page, and whether the next page may hold more.

    The whole page is read (it is paid for), not only up to the first known id: someone who unfollowed and
    followed again sits at the top as known, with genuinely new followers below them. Only a page whose
    oldest follower is new can have new followers beyond it.
    """
    fresh = [user_id for user_id in ids if user_id not in known]
    return fresh, bool(ids) and ids[-1] not in known


def thresholds(ctx: Context) -> Thresholds:
    settings = ctx.settings
    return Thresholds(keywords=settings.follower_keywords, notable_followers=settings.notable_min_followers,
                      notable_score=settings.notable_min_score, bot_signals=settings.bot_min_signals)


# -- the poll ----------------------------------------------------------------------------------------
def poll() -> dict[str, Any]:
    """The periodic job: new followers in, cards queued for the notable, lost cards handed back."""
    ctx = current()
    store = FollowerStore(ctx.redis)
    summary = run_poll(ctx, POLL, "followers", lambda: read_new_followers(ctx, store))
    summary["requeued"] = sum(enqueue_card(ctx, user_id) for user_id in store.unposted())
    return summary


def read_new_followers(ctx: Context, store: FollowerStore) -> dict[str, Any]:
    brand_id = ctx.brand_id()
    now = ctx.clock()
    if not store.is_seeded():
        page = ctx.x.followers(brand_id, max_results=SEED_PAGE)
        store.remember([user["id"] for user in page.items], now)
        log.info("first follower read: %d existing followers recorded as known, none announced", len(page.items))
        return {"pages": 1, "seeded": len(page.items), "new": 0}
    seen: list[str] = []
    new_users: list[dict[str, Any]] = []
    token = None
    pages = 0
    for size in PAGE_SIZES:
        page = ctx.x.followers(brand_id, pagination_token=token, max_results=size)
        pages += 1
        ids = [user["id"] for user in page.items]
        fresh, more = scan_page(ids, store.known(ids))
        seen += ids
        new_users += [user for user in page.items if user["id"] in fresh]
        token = page.next_token
        if not more or not token:
            break
    else:
        log.warning("more than %d new followers since the last read: the oldest of them are not announced",
                    sum(PAGE_SIZES))
    announced = announce(ctx, store, new_users, now)
    store.remember(seen, now)  # after announcing: a crash before this reads the same page again next time
    return {"pages": pages, "new": len(new_users), **announced}


def announce(ctx: Context, store: FollowerStore, users: list[dict[str, Any]], now: float) -> dict[str, int]:
    """Score each new follower, oldest first (so cards read in follow order), tally them for the digest and
    queue a card for the notable ones."""
    if not users:
        return {}
    limits = thresholds(ctx)
    window = limits.mention_window_days * DAY
    last_mention = {event.data.get("author_id"): event.at
                    for event in ctx.events.between(now - window, now, {EventKind.MENTION})}
    period = int(now // ctx.settings.digest_period)
    counts: dict[str, int] = {}
    for user in reversed(users):
        result = assess(user, now, limits, mentioned_at=last_mention.get(user["id"]))
        if not store.add(user, result.to_dict(), period, now):
            continue  # announced within the retention: an unfollow and refollow
        counts[result.verdict] = counts.get(result.verdict, 0) + 1
        log.info("new follower @%s: %s", user.get("username"), explanation(result))
        if result.verdict == NOTABLE:
            enqueue_card(ctx, user["id"])
    return counts


# -- cards -------------------------------------------------------------------------------------------
def enqueue_card(ctx: Context, user_id: str) -> bool:
    return enqueue_once(ctx.redis, post_card, user_id, job_id=f"follower-card-{user_id}")


def render_card(ctx: Context, store: FollowerStore, user_id: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    follow_blocked = Capabilities(ctx.redis).missing_reason(FOLLOW) is not None
    outcomes = store.outcomes(user_id)
    if card_view.FOLLOWED not in outcomes and (followed := CardStore(ctx.redis).followed(user_id)) is not None:
        outcomes[card_view.FOLLOWED] = followed.user  # followed back from one of their mention cards
    return card_view.follower_card(record["user"], record["notability"], outcomes,
                                   vip_list=bool(ctx.settings.vip_list_id),
                                   follow_intent=NOT_ENROLLED_TEXT if follow_blocked else None)


def post_card(user_id: str) -> dict[str, Any]:
    """Post a notable follower's card exactly once."""
    ctx = current()
    store = FollowerStore(ctx.redis)
    record = store.get(user_id)
    if record is None:
        raise LookupError(f"follower {user_id} is not stored; nothing to post")
    channel = ctx.settings.followers_channel
    posted = post_once(
        ctx, Subject(CARD_EVENT, "user_id", user_id), channel,
        lambda: {"text": card_view.fallback_text(record["user"]), "blocks": render_card(ctx, store, user_id, record)},
        posted=lambda: (card := store.card(user_id)) and card.ts,
        record=lambda ts: store.set_card(user_id, CardRef(channel, ts)),
    )
    return {"posted": posted.ts, "recovered": posted.recovered, "already": posted.already}


def update_card(ctx: Context, store: FollowerStore, user_id: str) -> None:
    card, record = store.card(user_id), store.get(user_id)
    if card is None or record is None:
        return
    ctx.slack.chat_update(channel=card.channel, ts=card.ts, text=card_view.fallback_text(record["user"]),
                          blocks=render_card(ctx, store, user_id, record))


# -- the digest --------------------------------------------------------------------------------------
def post_digests() -> dict[str, Any]:
    """Post the digest of every finished period not posted yet, then sleep until the current one ends."""
    ctx = current()
    store = FollowerStore(ctx.redis)
    period_seconds = ctx.settings.digest_period
    current_period = int(ctx.clock() // period_seconds)
    posted = []
    try:
        for period in store.pending_periods():
            if period < current_period and post_digest(ctx, store, period, period_seconds):
                posted.append(period)
    finally:
        next_start = (current_period + 1) * period_seconds
        reschedule(ctx.redis, DIGEST.name, next_start - ctx.clock() + 1.0, ctx.clock)
    return {"posted": posted}


def post_digest(ctx: Context, store: FollowerStore, period: int, period_seconds: float) -> bool:
    """One message for ``period``, exactly once; nothing when nobody new came. True when posted."""
    tally = store.tally(period)
    if tally.new == 0:
        store.digest_posted(period)
        return False

    def compose() -> dict[str, Any]:
        text, blocks = digest_view.digest(tally.new, tally.notable, tally.ordinary, tally.likely_bot,
                                          store.top(period), period * period_seconds, (period + 1) * period_seconds)
        return {"text": text, "blocks": blocks}

    posted = post_once(ctx, Subject(DIGEST_EVENT, "period", str(period)), ctx.settings.followers_channel, compose,
                       posted=lambda: period not in store.pending_periods(),
                       record=lambda ts: store.digest_posted(period))
    return not posted.already


# -- buttons -----------------------------------------------------------------------------------------
def action_key(user_id: str, action: str) -> str:
    """A follow is keyed by the X user alone, the key mention cards use too: one follow per person, whichever
    card it was pressed on."""
    if action == FOLLOW_BACK_ACTION:
        return ledger_key(EventKind.FOLLOW_BACK, user_id)
    return f"follower:{user_id}:{action}"


def act(action: str, user_id: str, slack_user: str, channel: str) -> dict[str, Any]:
    """Carry out a claimed button press (the listener claimed ``action_key`` in the ActionLedger) and show
    the outcome on the card. A retry after a crash mid-call asks X again: following and adding to a list
    change nothing the second time, and the outcome and its event are written together, once."""
    ctx = current()
    store = FollowerStore(ctx.redis)
    ledger = ActionLedger(ctx.redis)
    key = action_key(user_id, action)
    begun = ledger.begin(key)
    if begun.previous == DONE:
        update_card(ctx, store, user_id)
        return begun.outcome or {}
    now = ctx.clock()
    data = {"x_user_id": user_id, "source": "follower_card"}
    try:
        if action == FOLLOW_BACK_ACTION:
            outcome, event = _follow_back(ctx, user_id, slack_user, now, data)
        elif action == VIP_ACTION:
            ctx.settings.require("vip_list_id")
            ctx.x.add_list_member(ctx.settings.vip_list_id, user_id)
            outcome, event = (card_view.VIP, slack_user), Event(EventKind.VIP_LIST, at=now, user=slack_user, data=data)
        elif action == DISMISS_ACTION:
            outcome, event = (card_view.DISMISSED, slack_user), Event(EventKind.FOLLOWER_DISMISS, at=now, user=slack_user,
                                                                      data=data)
        else:
            raise ValueError(f"unknown follower action {action!r}")
    except XError as exc:
        # Nothing happened on X: free the claim so the button works again, and tell the person why.
        ledger.release(key)
        verb = "add them to the VIP list" if action == VIP_ACTION else action
        ctx.slack.chat_postEphemeral(channel=channel, user=slack_user, text=notices.x_error(verb, exc))
        return {"failed": str(exc)}
    with ctx.redis.pipeline() as pipe:
        EventLog(pipe).record(event)
        FollowerStore(pipe).set_outcome(user_id, *outcome)
        if outcome[0] == card_view.FOLLOWED:  # their mention cards show it too
            CardStore(pipe).set_followed(user_id, Mark(slack_user, now))
        if event.result == "not_enrolled":
            ActionLedger(pipe).release(key)  # nothing happened on X: a later press may try again
        else:
            ActionLedger(pipe).finish(key, {"outcome": outcome[0], "result": event.result})
        pipe.execute()
    update_card(ctx, store, user_id)
    return {"outcome": outcome[0], "result": event.result}


def _follow_back(ctx: Context, user_id: str, slack_user: str, now: float,
                 data: dict[str, Any]) -> tuple[tuple[str, str], Event]:
    capabilities = Capabilities(ctx.redis)
    try:
        ctx.x.follow(ctx.brand_id(), user_id)
    except XNotEnrolled as exc:
        # Remembered, so every later card offers the x.com link straight away.
        capabilities.note_missing(FOLLOW, str(exc))
        return (card_view.INTENT, NOT_ENROLLED_TEXT), Event(EventKind.FOLLOW_BACK, at=now, user=slack_user,
                                                             result="not_enrolled", data=data)
    capabilities.note_available(FOLLOW)
    return (card_view.FOLLOWED, slack_user), Event(EventKind.FOLLOW_BACK, at=now, user=slack_user, data=data)
