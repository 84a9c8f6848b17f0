"""Running workers: an RQ worker on Birdhouse's queues, plus the scheduler ticking in a thread beside it, and,
with ``BIRDHOUSE_INGEST=stream|webhook``, the thread that keeps X pushing events (the stream client, or the
webhook's registration)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from rq import Queue, SimpleWorker, Worker

from birdhouse.jobs import LISTEN_ORDER
from workers.context import Context, install
from workers.periodic import PERIODIC
from workers.scheduler import Scheduler
from workers.stream import ActivityStream
from workers.webhooks import register_webhook

log = logging.getLogger(__name__)


def queues(ctx: Context) -> list[Queue]:
    return [Queue(name, connection=ctx.redis) for name in LISTEN_ORDER]


def run_worker(ctx: Context, *, burst: bool = False, with_scheduler: bool = True, forking: bool = True,
               logging_level: str = "INFO") -> bool:
    """Work until stopped (or, with ``burst``, until the queues are empty). True when it did any work.

    A forking worker runs each job in a child process, so a job that crashes or leaks cannot take the
    worker with it; ``forking=False`` runs jobs in-process (tests, and platforms without fork).
    """
    install(ctx)
    stop = threading.Event()
    if with_scheduler and not burst:
        scheduler = Scheduler(ctx.redis, ctx.settings, PERIODIC, clock=ctx.clock)
        threading.Thread(target=scheduler.run, args=(stop,), name="birdhouse-scheduler", daemon=True).start()
        start_ingest(ctx, stop)
    worker_class = Worker if forking else SimpleWorker
    worker = worker_class(queues(ctx), connection=ctx.redis)
    try:
        # RQ's own scheduler moves retries (Retry with intervals) back onto the queues.
        return worker.work(burst=burst, with_scheduler=True, logging_level="WARNING" if burst else logging_level)
    finally:
        stop.set()


def start_ingest(ctx: Context, stop: threading.Event) -> threading.Thread | None:
    """The stream client (every worker runs one; the stream lease lets only one connect) or the webhook's
    registration; nothing in poll mode.

    The thread gets a context of its own, with its own HTTP connections: a forked job inherits the worker's
    connection pools, and two processes must never talk over one socket.
    """
    if ctx.settings.ingest == "poll":
        return None
    # At start, not in the thread: a missing setting stops the command with the variable to set.
    ctx.settings.require("x_bearer_token", *(("webhook_url",) if ctx.settings.ingest == "webhook" else ()))
    own = Context(ctx.settings, ctx.redis, ctx.clock)
    target: Callable[[threading.Event], object] = (
        ActivityStream(own).run if ctx.settings.ingest == "stream" else partial(register_webhook, own))
    thread = threading.Thread(target=target, args=(stop,), name=f"birdhouse-{ctx.settings.ingest}", daemon=True)
    thread.start()
    return thread
