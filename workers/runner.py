"""Running workers: an RQ worker on Birdhouse's queues, plus, in threads beside it, the scheduler, the outbox
drainer (``workers.drain``) and, with ``BIRDHOUSE_INGEST=stream|webhook``, the thread that keeps X pushing events
(the stream client, or the webhook's registration)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from types import FrameType

import redis

from rq import Queue, SimpleWorker, Worker
from rq.worker.base import BaseWorker

from birdhouse.jobs import LISTEN_ORDER
from slackbot.views.case import CASE_EVENT
from workers import actions, followers, sla
from workers.card_jobs import KINDS
from workers.context import Context, install
from workers.drain import Drainer, Poster, drain_all, drain_posters
from workers.updater import Updater, render_requested
from workers.periodic import PERIODIC
from workers.scheduler import Scheduler
from workers.stream import ActivityStream
from workers.triage import preload as preload_triage
from workers.webhooks import register_webhook

log = logging.getLogger(__name__)

# Every kind of message the drains post, by the kind of its outbox member: the one way a new
# message reaches a channel.
POSTERS: dict[str, Poster] = {
    **drain_posters(KINDS),
    actions.CASES: Poster(actions.post_case, CASE_EVENT, lambda settings, mention_id: settings.support_channel),
    sla.SLA_POSTS: Poster(sla.post, sla.SLA_EVENT_TYPE, sla.home),
    followers.DIGESTS: Poster(followers.post_digest, followers.DIGEST_EVENT,
                              lambda settings, period: settings.followers_channel),
}


def queues(ctx: Context) -> list[Queue]:
    return [Queue(name, connection=ctx.redis) for name in LISTEN_ORDER]


def run_worker(ctx: Context, *, burst: bool = False, with_scheduler: bool = True, forking: bool = True,
               logging_level: str = "INFO") -> bool:
    """Work until stopped (or, with ``burst``, until the queues are empty). True when it did any work.

    A forking worker runs each job in a child process, so a job that crashes or leaks cannot take the
    worker with it; ``forking=False`` runs jobs in-process (tests, and platforms without fork).
    """
    install(ctx)
    preload_triage()  # once, here: every forked poll job inherits the models
    stop = threading.Event()
    if with_scheduler and not burst:
        scheduler = Scheduler(ctx.redis, ctx.settings, PERIODIC, clock=ctx.clock)
        threading.Thread(target=scheduler.run, args=(stop,), name="birdhouse-scheduler", daemon=True).start()
        start_ingest(ctx, stop)
    if not burst:
        threading.Thread(target=Drainer(ctx, POSTERS).run, args=(stop,), name="birdhouse-drainer", daemon=True).start()
        Updater(ctx, KINDS).run(stop)
    worker_class = StoppableWorker if forking else StoppableSimpleWorker
    try:
        if burst:
            return work_and_drain(ctx, worker_class)
        worked = False
        while True:
            worker: StopNoted | None = None
            with suppress(redis.ConnectionError):  # how RQ gives up on a lost Redis, when it does not just return
                worker = worker_class(queues(ctx), connection=ctx.redis)  # RQ asks Redis already here
                # RQ's own scheduler moves retries (Retry with intervals) back onto the queues.
                worked = worker.work(with_scheduler=True, logging_level=logging_level) or worked
            if worker is not None and worker.stop_requested:
                return worked
            # RQ waits out a lost Redis only while it waits for a job; anywhere else (a job running, its
            # teardown) it gives up, raising or returning. The process stays, and works on when Redis is back
            # (its outboxes and queues kept in its AOF).
            log.warning("Redis went away; the worker goes on when it is back")
            wait_for_redis(ctx.redis)
    finally:
        stop.set()


class StopNoted(BaseWorker):
    """RQ's worker, telling a stop someone asked for (SIGTERM, Ctrl-C) from RQ giving up: ``work()`` returns
    after either."""

    stop_requested = False

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_requested = True
        super().request_stop(signum, frame)


class StoppableWorker(StopNoted, Worker):
    """Each job in a child process."""


class StoppableSimpleWorker(StopNoted, SimpleWorker):
    """Each job in the worker's own process."""


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


def wait_for_redis(connection: redis.Redis, every: float = 0.5) -> None:
    while True:
        try:
            connection.ping()
            return
        except redis.ConnectionError:
            time.sleep(every)


def work_and_drain(ctx: Context, worker_class: type[BaseWorker]) -> bool:
    """Run the queued jobs, post what they left in the outboxes and render the cards they changed, until none
    of them finds anything to do."""
    worked = False
    while True:
        jobs_ran = worker_class(queues(ctx), connection=ctx.redis).work(burst=True, with_scheduler=True,
                                                                       logging_level="WARNING")
        posted = drain_all(ctx, POSTERS)
        rendered = render_requested(ctx, KINDS, wait=0)
        worked = worked or jobs_ran or bool(posted or rendered)
        if not posted and not rendered and not any(len(queue) for queue in queues(ctx)):
            return worked
