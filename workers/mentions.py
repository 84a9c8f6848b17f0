"""Polling X for new mentions: each is read once, triaged, stored, and handed to the card job once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from birdhouse import jobs
from birdhouse.models import CardKind, Mention, epoch_seconds
from birdhouse.store import Event
from birdhouse.store.events import EventKind
from workers.card_jobs import queue_new, requeue_unposted
from workers.context import Context, current
from workers.pacing import overlap_since_id
from workers.polling import run_poll
from workers.scheduler import Periodic
from workers.triage import triage

POLL = Periodic("poll-mentions", jobs.Job.POLL_MENTIONS, interval=lambda settings: settings.mention_poll_interval())
PAGE_SIZE = 100
MAX_PAGES = 8  # X serves only the 800 newest mentions
OVERLAP_SECONDS = 10.0
# A first run shows the newest few mentions of the last day: enough to see Birdhouse working, not a flood
# of history into the channel (nor a bill for reading it).
FIRST_RUN_PAGE = 20
FIRST_RUN_LOOKBACK = timedelta(hours=24)


@dataclass(frozen=True)
class Window:
    """What one poll asks X for."""

    since_id: str | None
    start_time: datetime | None
    page_size: int
    max_pages: int


def poll_window(since_id: str | None, watching_since: float | None, now: float) -> Window:
    """After the cursor when there is one; else everything since Birdhouse started watching (a quiet account
    has no cursor yet); else, on the very first run, one small page of the last day."""
    if since_id:
        return Window(since_id, None, PAGE_SIZE, MAX_PAGES)
    if watching_since is not None:
        return Window(None, datetime.fromtimestamp(watching_since - OVERLAP_SECONDS, UTC), PAGE_SIZE, MAX_PAGES)
    return Window(None, datetime.fromtimestamp(now, UTC) - FIRST_RUN_LOOKBACK, FIRST_RUN_PAGE, 1)


def poll() -> dict[str, Any]:
    """The periodic job: new mentions in, cards queued, and lost cards handed back."""
    ctx = current()
    summary = run_poll(ctx, POLL, "mentions", lambda: fetch_new_mentions(ctx))
    summary["requeued"] = requeue_unposted(ctx, CardKind.MENTION)
    return summary


def fetch_new_mentions(ctx: Context) -> dict[str, Any]:
    brand_id = ctx.brand_id()
    since_id = ctx.mentions.since_id()
    window = poll_window(since_id, ctx.mentions.watching_since(), ctx.clock())
    ctx.mentions.start_watching(ctx.clock())
    new_ids: list[str] = []
    seen: list[tuple[str, float]] = []
    token = None
    pages = 0
    while pages < window.max_pages:
        page = ctx.x.mentions(brand_id, since_id=window.since_id, start_time=window.start_time,
                              pagination_token=token, max_results=window.page_size)
        pages += 1
        seen.extend((str(post["id"]), epoch_seconds(post["created_at"])) for post in page.items)
        new_ids.extend(take(ctx, [(post, page.users.get(post["author_id"])) for post in page.items]))
        token = page.next_token
        if not token:
            break
    queue_new(ctx, CardKind.MENTION, new_ids)  # the outbox posts them most urgent first
    cursor = overlap_since_id(seen, OVERLAP_SECONDS, since_id, ctx.clock())
    if cursor and cursor != since_id:
        ctx.mentions.set_since_id(cursor)
    return {"pages": pages, "read": len(seen), "new": len(new_ids)}


# -- the one way in for mentions, however they came (polled, streamed, delivered to the webhook) -----------
def take(ctx: Context, posts: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> list[str]:
    """Triage and store the posts X sent (a poll's page, or what it pushed) that are not stored yet, and record
    their events; the ids seen first here. A poll and the stream may both bring the same post, and a poll reads
    the last few seconds again: what is stored already is not triaged again, and ``SET NX`` keeps the first
    of two racing. Three round trips to Redis however many posts: what is stored, the mentions, their events."""
    stored = ctx.mentions.stored([str(post["id"]) for post, _ in posts])
    mentions = []
    for (post, expanded), known in zip(posts, stored, strict=True):
        if known:
            continue
        # X expands the author with the post; one missing (rare: a race with a rename) is asked for once.
        author = expanded or ctx.x.user(post["author_id"])
        mentions.append(replace(Mention.from_api(post, author), triage=triage(post, author).to_dict()))
    first_sights = ctx.mentions.add(mentions)
    firsts = [mention for mention, first_sight in zip(mentions, first_sights, strict=True) if first_sight]
    ctx.events.record_all(Event(EventKind.MENTION, at=mention.posted_at, mention_id=mention.id,
                                data={"kind": mention.triage["kind"], "author_id": mention.author.id})
                          for mention in firsts)
    return [mention.id for mention in firsts]


def receive(ctx: Context, posts: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> list[str]:
    """Mentions pushed by X (stream or webhook): stored and carded like polled ones; the ids seen first here."""
    new_ids = take(ctx, posts)
    queue_new(ctx, CardKind.MENTION, new_ids)  # the outbox posts them most urgent first
    return new_ids
