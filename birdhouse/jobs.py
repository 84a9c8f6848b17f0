"""Every job Birdhouse queues, each through a typed function here: the one contract between what asks for work
(the Slack app, the pollers, the scheduler) and the worker code that does it.

A job is named by its function's dotted path (``Job``), so the Slack app queues work without importing worker
code; ``tests/unit/test_jobs.py`` checks that each path names a function taking what is passed here. Button
presses get a queue of their own, listened to first, so a person never waits behind a poll.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import redis
from rq import Queue, Retry
from rq.job import Job as RQJob
from rq.job import JobStatus

from birdhouse.defaults import DAY, REMEMBER_SECONDS
from birdhouse.models import CardKind
from birdhouse.store.card_updates import PendingUpdates
from birdhouse.store.queued import QueuedMarks

ACTIONS = "birdhouse-actions"
DEFAULT = "birdhouse"
LISTEN_ORDER = (ACTIONS, DEFAULT)

REQUEUE_AFTER_SECONDS = 120  # a job not done by then is presumed lost with its worker
# The first retry is immediate: it is what runs when a dead worker's job is found abandoned.
RETRY = Retry(max=5, interval=[0, 10, 30, 60, 120])
# A button press: retried at once (a crashed worker's job found abandoned, a dropped Slack call), then backing off.
ACTION_RETRY = Retry(max=3, interval=[0, 10, 60])
PENDING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


class Job(StrEnum):
    """Every job function, by its dotted path."""

    POLL_MENTIONS = "workers.mentions.poll"
    POLL_FOLLOWERS = "workers.followers.poll"
    POST_DIGESTS = "workers.followers.post_digests"
    CHECK_SLA = "workers.sla.check"
    POST_CARD = "workers.card_jobs.post"
    LIKE = "workers.actions.like"
    FOLLOW_BACK = "workers.actions.follow_back"
    REPLY = "workers.actions.reply"
    ESCALATE = "workers.actions.escalate"
    ADD_TO_VIP = "workers.actions.add_to_vip"
    DISMISS_FOLLOWER = "workers.actions.dismiss_follower"
    TAKE_WEBHOOK_EVENT = "workers.webhooks.take"
    CARD_FROM_DIGEST = "workers.card_jobs.card_from_digest"


def queue(connection: redis.Redis, name: str = DEFAULT) -> Queue:
    return Queue(name, connection=connection)


# -- periodic work -------------------------------------------------------------------------------------------
def run_periodic(connection: redis.Redis, job: Job, *, job_id: str | None = None, timeout: int = 120) -> RQJob:
    """A poll, digest or SLA check, now (the scheduler calls this when one is due)."""
    return queue(connection).enqueue(job.value, job_id=job_id, job_timeout=timeout, result_ttl=600, failure_ttl=DAY)


# -- events X pushed -----------------------------------------------------------------------------------------
def take_webhook_event(connection: redis.Redis, body: dict[str, Any]) -> None:
    """An Activity event X delivered to the webhook, its signature checked."""
    queue(connection).enqueue(Job.TAKE_WEBHOOK_EVENT.value, body, retry=RETRY, job_timeout=60,
                              failure_ttl=REMEMBER_SECONDS)


# -- cards ---------------------------------------------------------------------------------------------------
def card_job_id(kind: CardKind, subject_id: str) -> str:
    return f"{kind}-card-{subject_id}"


def post_card(connection: redis.Redis, kind: CardKind, subject_id: str) -> bool:
    """Hand the card of ``subject_id`` to its channel's outbox (``workers.card_jobs.post``) unless that job was
    queued in the last REQUEUE_AFTER_SECONDS or is still waiting or running. True when queued."""
    job_id = card_job_id(kind, subject_id)
    if not QueuedMarks(connection).mark(job_id, REQUEUE_AFTER_SECONDS):
        return False
    if RQJob.exists(job_id, connection=connection) and RQJob.fetch(job_id, connection=connection).get_status() in PENDING:
        return False
    queue(connection).enqueue(Job.POST_CARD.value, str(kind), subject_id, job_id=job_id, retry=RETRY, job_timeout=180,
                              failure_ttl=REMEMBER_SECONDS)
    return True


def update_card(connection: redis.Redis, kind: CardKind, subject_id: str) -> None:
    """Show the card's current state (after a change made without X: a claim, Done...). Not an RQ job: a
    render is a Redis read and one chat.update, done by the updater threads of the workers (``workers.updater``)
    without forking, and renders of one card that pile up are done once."""
    PendingUpdates(connection).request(str(kind), subject_id)


# -- button presses, each under the action key the Slack app claimed (the job id follows from it) -------------
def _act(connection: redis.Redis, job: Job, key: str, *args: Any) -> None:
    queue(connection, ACTIONS).enqueue(job.value, key, *args, job_id=f"action-{key}", retry=ACTION_RETRY, job_timeout=60,
                                       failure_ttl=REMEMBER_SECONDS)


def like(connection: redis.Redis, key: str, mention_id: str, user: str) -> None:
    _act(connection, Job.LIKE, key, mention_id, user)


def follow_back(connection: redis.Redis, key: str, subject_id: str, user: str, *, kind: CardKind) -> None:
    """Follow the person a card is about (a mention's author, a new follower), pressed on that card."""
    _act(connection, Job.FOLLOW_BACK, key, str(kind), subject_id, user)


def reply(connection: redis.Redis, key: str, mention_id: str, user: str, text: str) -> None:
    _act(connection, Job.REPLY, key, mention_id, user, text)


def escalate(connection: redis.Redis, key: str, mention_id: str, user: str) -> None:
    _act(connection, Job.ESCALATE, key, mention_id, user)


def add_to_vip(connection: redis.Redis, key: str, follower_id: str, user: str) -> None:
    _act(connection, Job.ADD_TO_VIP, key, follower_id, user)


def dismiss_follower(connection: redis.Redis, key: str, follower_id: str, user: str) -> None:
    _act(connection, Job.DISMISS_FOLLOWER, key, follower_id, user)


def card_from_digest(connection: redis.Redis, key: str, mention_id: str, user: str) -> None:
    _act(connection, Job.CARD_FROM_DIGEST, key, mention_id, user)
