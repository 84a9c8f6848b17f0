"""Polling X for new mentions: each is read once, triaged, stored, and handed to the card job once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from birdhouse.models import Mention
from birdhouse.store import Event
from birdhouse.store.events import MENTION
from workers import cards
from workers.context import Context, current
from workers.pacing import overlap_since_id
from workers.polling import run_poll
from workers.scheduler import Periodic
from workers.triage import triage

POLL = Periodic("poll-mentions", "workers.mentions.poll", interval=lambda settings: settings.poll_interval)
PAGE_SIZE = 100
MAX_PAGES = 8  # X serves only the 800 newest mentions
OVERLAP_SECONDS = 10.0
FIRST_RUN_LOOKBACK = timedelta(hours=24)  # a first run shows the last day, not years of history


def poll() -> dict[str, Any]:
    """The periodic job: new mentions in, cards queued, and lost cards handed back."""
    ctx = current()
    summary = run_poll(ctx, POLL, "mentions", lambda: fetch_new_mentions(ctx))
    summary["requeued"] = cards.requeue_unposted(ctx)
    return summary


def fetch_new_mentions(ctx: Context) -> dict[str, Any]:
    brand_id = ctx.brand_id()
    since_id = ctx.mentions.since_id()
    start_time = None if since_id else datetime.fromtimestamp(ctx.clock(), UTC) - FIRST_RUN_LOOKBACK
    new_ids: list[str] = []
    seen: list[tuple[str, float]] = []
    token = None
    pages = 0
    while pages < MAX_PAGES:
        page = ctx.x.mentions(brand_id, since_id=since_id, start_time=start_time, pagination_token=token,
                              max_results=PAGE_SIZE)
        pages += 1
        for post in page.items:
            # X expands authors on the page; one missing (rare: a race with a rename) is asked for once.
            author = page.users.get(post["author_id"]) or ctx.x.user(post["author_id"])
            mention = replace(Mention.from_api(post, author), triage=triage(post, author).to_dict())
            seen.append((mention.id, datetime.fromisoformat(mention.created_at.replace("Z", "+00:00")).timestamp()))
            if ctx.mentions.add(mention):
                new_ids.append(mention.id)
                ctx.events.record(Event(MENTION, at=seen[-1][1], mention_id=mention.id,
                                        data={"kind": mention.triage["kind"], "author_id": mention.author.id}))
        token = page.next_token
        if not token:
            break
    # Oldest first, so the channel reads in the order people posted.
    for mention_id in sorted(new_ids, key=int):
        cards.enqueue_post(ctx, mention_id)
    cursor = overlap_since_id(seen, OVERLAP_SECONDS, since_id, ctx.clock())
    if cursor and cursor != since_id:
        ctx.mentions.set_since_id(cursor)
    return {"pages": pages, "read": len(seen), "new": len(new_ids)}
