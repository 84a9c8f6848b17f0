"""The contract between what queues work and what does it: every job birdhouse.jobs queues names a function
that takes the arguments it is given (the Slack app queues by path, importing no worker code)."""

from __future__ import annotations

import importlib
import inspect

import redis

from birdhouse import jobs
from birdhouse.models import CardKind


def _function(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_every_job_path_names_a_function():
    for job in jobs.Job:
        assert callable(_function(job.value)), job


def test_every_typed_enqueue_passes_what_its_job_takes(redis_conn: redis.Redis):
    for job in (jobs.Job.POLL_MENTIONS, jobs.Job.POLL_FOLLOWERS, jobs.Job.POST_DIGESTS, jobs.Job.CHECK_SLA):
        jobs.run_periodic(redis_conn, job)
    for kind in CardKind:
        assert jobs.post_card(redis_conn, kind, "1")
        jobs.update_card(redis_conn, kind, "1")
        jobs.follow_back(redis_conn, f"follow_back-{kind}", "1", "U0ALICE", kind=kind)
    jobs.like(redis_conn, "like-1", "1", "U0ALICE")
    jobs.reply(redis_conn, "reply-n", "1", "U0ALICE", "Thanks!")
    jobs.escalate(redis_conn, "escalate-1", "1", "U0ALICE")
    jobs.add_to_vip(redis_conn, "vip_list-1", "1", "U0ALICE")
    jobs.dismiss_follower(redis_conn, "follower_dismiss-1", "1", "U0ALICE")
    jobs.take_webhook_event(redis_conn, {"data": {"event_type": "post.mention.create"}})
    jobs.card_from_digest(redis_conn, "digest_card-1", "1", "U0ALICE")

    queued = [job for name in jobs.LISTEN_ORDER for job in jobs.queue(redis_conn, name).get_jobs()]
    for job in queued:
        inspect.signature(_function(job.func_name)).bind(*job.args, **job.kwargs)  # raises TypeError if not
    assert {job.func_name for job in queued} == {job.value for job in jobs.Job}


def test_a_card_is_queued_once_while_its_job_waits(redis_conn: redis.Redis):
    assert jobs.post_card(redis_conn, CardKind.MENTION, "1")
    assert not jobs.post_card(redis_conn, CardKind.MENTION, "1")
