"""New followers: read the head of the follower list, tell new from known, score each new follower, queue a
card for the notable ones (``workers.follower_cards``) and tally everyone for the digest.

Cost first. X bills every follower a page returns, so a poll asks for a small page, reads its whole head,
and asks for another (larger) page only while the oldest follower on the page is new. With nobody new that
is one request per poll. The first run records the existing audience (a large page, once) and announces
nobody. Where the access level forbids follower lookup, that is logged once and the poll comes back
rarely; everything else keeps running.
"""

from __future__ import annotations

import logging
from typing import Any

from birdhouse import jobs
from birdhouse.defaults import DAY
from birdhouse.models import Author, CardKind, Follower
from birdhouse.store.followers import FollowerStore
from birdhouse.store.outbox import member
from slackbot.views import digest as digest_view
from workers.backlog import Band
from workers.card_jobs import requeue_unposted
from workers.context import Context, current
from workers.drain import queue_message
from workers.notability import NOTABLE, Thresholds, assess, explanation
from workers.polling import run_poll
from workers.posting import Subject, post_once
from workers.scheduler import Periodic, reschedule_at

log = logging.getLogger(__name__)

POLL = Periodic("poll-followers", jobs.Job.POLL_FOLLOWERS, interval=lambda settings: settings.follower_poll_interval)
DIGEST = Periodic("follower-digest", jobs.Job.POST_DIGESTS, interval=lambda settings: settings.digest_period)
PAGE_SIZES = (20, 100, 1000, 1000, 1000)  # a quiet poll costs 20 reads; a burst grows to ~3,000 per poll
SEED_PAGE = 1000  # the first run remembers this many existing followers (deeper than any unfollow shuffle)
DIGEST_EVENT = "birdhouse_follower_digest"


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
    summary["requeued"] = requeue_unposted(ctx, CardKind.FOLLOWER)
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
    last_mention = ctx.events.latest_mentions([user["id"] for user in users], now - limits.mention_window_days * DAY)
    period = int(now // ctx.settings.digest_period)
    counts: dict[str, int] = {}
    for user in reversed(users):
        result = assess(user, now, limits, mentioned_at=last_mention.get(user["id"]))
        if not store.add(Follower(Author.from_api(user), result.to_dict(), now), period):
            continue  # announced within the retention: an unfollow and refollow
        counts[result.verdict] = counts.get(result.verdict, 0) + 1
        log.info("new follower @%s: %s", user.get("username"), explanation(result))
        if result.verdict == NOTABLE:
            jobs.post_card(ctx.redis, CardKind.FOLLOWER, user["id"])
    return counts


# -- the digest --------------------------------------------------------------------------------------
DIGESTS = "followers"  # outbox members ``followers:<period>``, in the followers channel's outbox


def post_digests() -> dict[str, Any]:
    """Queue the digest of every finished period not posted yet (its drain posts it: ``post_digest``), then
    sleep until the current one ends."""
    ctx = current()
    store = FollowerStore(ctx.redis)
    period_seconds = ctx.settings.digest_period
    current_period = int(ctx.clock() // period_seconds)
    queued = []
    try:
        for period in store.pending_periods():
            if period >= current_period:
                continue
            if store.tally(period).new == 0:
                store.digest_posted(period)  # nobody new came: no message
                continue
            # In the notable followers' band: the digest tells of everyone else who came.
            queue_message(ctx, ctx.settings.followers_channel, member(DIGESTS, str(period)), Band.FOLLOWER)
            queued.append(period)
    finally:
        next_start = (current_period + 1) * period_seconds
        reschedule_at(ctx.redis, DIGEST.name, next_start + 1.0)
    return {"queued": queued}


def post_digest(ctx: Context, channel: str, subject_id: str) -> dict[str, Any]:
    """One message for the period ``subject_id``, exactly once: the drain of ``channel`` calls this."""
    store = FollowerStore(ctx.redis)
    period, period_seconds = int(subject_id), ctx.settings.digest_period

    def compose() -> dict[str, Any]:
        tally = store.tally(period)
        text, blocks = digest_view.digest(tally.new, tally.notable, tally.ordinary, tally.likely_bot,
                                          store.top(period), period * period_seconds, (period + 1) * period_seconds)
        return {"text": text, "blocks": blocks}

    posted = post_once(ctx, Subject(DIGEST_EVENT, "period", subject_id), channel, compose,
                       posted=lambda: period not in store.pending_periods(),
                       record=lambda pipe, ts: FollowerStore(pipe).digest_posted(period))
    return {"digest": posted.ts, "period": period, "already": posted.already}
