"""The queues. Button presses get their own, listened to first, so a person never waits behind a poll."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
from rq import Queue, Retry
from rq.job import Job, JobStatus
from birdhouse.defaults import REMEMBER_SECONDS

ACTIONS = "birdhouse-actions"
DEFAULT = "birdhouse"
LISTEN_ORDER = (ACTIONS, DEFAULT)


def queue(connection: redis.Redis, name: str = DEFAULT) -> Queue:
    return Queue(name, connection=connection)


REQUEUE_AFTER_SECONDS = 120  # a job not done by then is presumed lost with its worker
# The first retry is immediate: it is what runs when a dead worker's job is found abandoned.
RETRY = Retry(max=5, interval=[0, 10, 30, 60, 120])
PENDING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def enqueue_once(connection: redis.Redis, func: Callable[..., Any], *args: Any, job_id: str,
                 timeout: int = 180) -> bool:
    """Queue ``func(*args)`` as ``job_id`` unless it was queued in the last REQUEUE_AFTER_SECONDS or is still
    waiting or running: polls hand lost work back with this, as often as they like. True when queued."""
    if not connection.set(f"bh:queued:{job_id}", 1, nx=True, ex=REQUEUE_AFTER_SECONDS):
        return False
    if Job.exists(job_id, connection=connection) and Job.fetch(job_id, connection=connection).get_status() in PENDING:
        return False
    queue(connection, DEFAULT).enqueue(func, *args, job_id=job_id, retry=RETRY, job_timeout=timeout,
                                       failure_ttl=REMEMBER_SECONDS)
    return True
