"""Webhook mode: X posts each event to ``POST /x/webhooks`` on the web app (``slackbot.web``), which checks the
signature and queues ``take`` here; and, at a worker's start, the webhook and the subscriptions that point at
it are found again or made, once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from birdhouse.activity import read_event
from birdhouse.errors import XError
from birdhouse.store import Lease
from birdhouse.store.activity import WEBHOOK_LEASE
from workers.context import Context, current
from workers.ingest import ensure_subscriptions, take_event

log = logging.getLogger(__name__)

REGISTER_RETRY = 5.0  # seconds: the web app may still be starting, and must be up to answer X's CRC
REGISTER_LEASE = 60.0


def take(body: dict[str, Any]) -> str:
    """The job: one delivery, signature already checked at the door."""
    ctx = current()
    return take_event(ctx, read_event(body, ctx.brand_id()))


def find_or_create_webhook(ctx: Context, url: str) -> str:
    """The id of the webhook for ``url``: found again, asked to pass a new CRC when X marked it invalid, or
    registered (X sends a CRC challenge before it answers)."""
    for webhook in ctx.x.webhooks():
        if webhook["url"] == url:
            if not webhook.get("valid", True):
                ctx.x.recheck_webhook(webhook["id"])
            return webhook["id"]
    return ctx.x.create_webhook(url)["id"]


def register_webhook(ctx: Context, stop: threading.Event) -> str | None:
    """Until it succeeds (or ``stop``): the webhook, then the subscriptions delivering to it. Under a lease, so
    two workers starting together do not both register. Answers the webhook id."""
    assert ctx.settings.webhook_url is not None  # required at the worker's start
    while not stop.is_set():
        with Lease(ctx.redis, WEBHOOK_LEASE, REGISTER_LEASE) as held:
            if held:
                try:
                    webhook_id = find_or_create_webhook(ctx, ctx.settings.webhook_url)
                    ensure_subscriptions(ctx, webhook_id)
                    log.info("X delivers events to the webhook at %s", ctx.settings.webhook_url)
                    return webhook_id
                except XError as exc:
                    log.warning("could not register the webhook with X (%s); trying again in %.0f s", exc,
                                REGISTER_RETRY)
        stop.wait(REGISTER_RETRY)
    return None
