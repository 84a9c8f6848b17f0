"""The X Activity stream client: one long-running thread in one ``birdhouse worker`` (whoever holds the
stream lease), keeping ``/2/activity/stream`` open and handing each event to ``workers.ingest``.

It reconnects whenever the connection ends: X ends it (an operational disconnect), the network drops it, or
it falls silent (no keep-alive within ``BIRDHOUSE_STREAM_SILENCE``). Each reconnect asks X for the gap again
(``backfill_minutes``, up to X's 5); a gap longer than that also brings the reconciling poll forward, so
nothing is lost; what comes twice is stored once. The delays follow X's advice for streams: short and
growing slowly after a network error, long and doubling after an HTTP error (X disconnects clients that
reconnect too fast).
"""

from __future__ import annotations

import logging
import math
import threading
import uuid

from birdhouse.activity import Other, read_line
from birdhouse.errors import XError, XNotEnrolled, XRateLimited, XUnavailable
from birdhouse.store import Lease
from birdhouse.store.activity import STREAM_LEASE, StreamMemory
from workers.context import Context
from workers.ingest import ensure_subscriptions, take_event
from workers.mentions import POLL
from workers.scheduler import reschedule_at

log = logging.getLogger(__name__)

BACKFILL_MAX_MINUTES = 5  # X's limit on backfill_minutes
NETWORK_BACKOFF, NETWORK_BACKOFF_MAX = 0.25, 16.0  # seconds: linear, after a drop or silence
HTTP_BACKOFF, HTTP_BACKOFF_MAX = 5.0, 320.0  # seconds: doubling, after an HTTP error
RATE_LIMIT_BACKOFF = 60.0  # at least, after a 429 (a second connection, or too many reconnects)
NOT_ENROLLED_RETRY = 6 * 3600.0
LEASE_RETRY = 5.0  # how often a worker without the stream checks whether its holder is gone


def backfill_minutes(heard_at: float | None, now: float) -> int:
    """How far back to ask on connecting: the whole silence since the stream was last heard, in whole minutes
    (X's unit), at most X's 5; nothing on a first connection (the first poll covers the time before)."""
    if heard_at is None:
        return 0
    return max(1, min(BACKFILL_MAX_MINUTES, math.ceil((now - heard_at) / 60.0)))


def gap_exceeds_backfill(heard_at: float | None, now: float) -> bool:
    return heard_at is not None and now - heard_at > BACKFILL_MAX_MINUTES * 60.0


def reconnect_delay(error: XError | None, failures: int) -> float:
    """Seconds to wait before reconnecting after ``failures`` failed attempts in a row, the last ending with
    ``error`` (None: X ended the stream, or it dropped)."""
    if isinstance(error, XRateLimited):
        return max(RATE_LIMIT_BACKOFF, HTTP_BACKOFF * 2 ** (failures - 1))
    if isinstance(error, XNotEnrolled):
        return NOT_ENROLLED_RETRY
    if error is None or isinstance(error, XUnavailable) and error.status == 0:  # no answer: the network
        return min(NETWORK_BACKOFF * failures, NETWORK_BACKOFF_MAX)
    return min(HTTP_BACKOFF * 2 ** (failures - 1), HTTP_BACKOFF_MAX)


class ActivityStream:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.memory = StreamMemory(ctx.redis)
        # Held as long as the stream is open, renewed by its keep-alives: well past one silence.
        self.lease_seconds = max(3 * ctx.settings.stream_silence, 60.0)
        self.lease = Lease(ctx.redis, STREAM_LEASE, self.lease_seconds, token=uuid.uuid4().hex)
        self.subscribed = False
        self.connection_attempts = 0  # every connection asked for, answered or not

    def run(self, stop: threading.Event) -> None:
        failures = 0
        while not stop.is_set():
            if not self.lease.acquire():
                stop.wait(LEASE_RETRY)  # another worker holds the stream
                continue
            error: XError | None = None
            try:
                heard_anything = self.listen(stop)
            except XError as exc:
                heard_anything, error = False, exc
            except Exception:  # a bug must not end the stream for good: log it, and reconnect
                log.exception("the Activity stream client failed; reconnecting")
                heard_anything = False
            if stop.is_set():
                break
            failures = 1 if heard_anything else failures + 1
            delay = reconnect_delay(error, failures)
            log.warning("the Activity stream ended (%s); reconnecting in %.2f s",
                        error or "closed by X or the network", delay)
            stop.wait(delay)
        self.lease.release()

    def listen(self, stop: threading.Event) -> bool:
        """One connection, until it ends; True when it brought anything (events or keep-alives)."""
        ctx = self.ctx
        if not self.subscribed:
            ensure_subscriptions(ctx, webhook_id=None)
            self.subscribed = True
        brand_id = ctx.brand_id()
        now = ctx.clock()
        heard_at = self.memory.heard_at()
        if gap_exceeds_backfill(heard_at, now):
            log.warning("the Activity stream was away longer than X's backfill: polling mentions now")
            reschedule_at(ctx.redis, POLL.name, ctx.clock())
        lines = ctx.x.stream(backfill_minutes=backfill_minutes(heard_at, now),
                             silence_seconds=ctx.settings.stream_silence)
        self.connection_attempts += 1
        heard_anything = False
        renewed_at = now
        for line in lines:
            if stop.is_set():
                break
            heard_anything = True
            at = ctx.clock()
            self.memory.heard(at)
            if at - renewed_at > self.lease_seconds / 3:
                if not self.lease.acquire():
                    log.warning("another worker took the Activity stream; letting go")
                    break
                renewed_at = at
            event = read_line(line, brand_id)
            if event is None:
                continue  # a keep-alive
            if isinstance(event, Other):
                log.info("the Activity stream sent %s", event.what)
                continue
            take_event(ctx, event)
        return heard_anything
