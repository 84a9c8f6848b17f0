"""One poll chain however many workers tick, surviving restarts (real Redis)."""

from __future__ import annotations

import threading
import time

import pytest

from birdhouse import jobs
from birdhouse.settings import Settings
from tests.conftest import Stack
from tests.helpers import FakeClock
from workers.mentions import POLL
from workers.periodic import PERIODIC
from workers.polling import JOB_LEASE_SECONDS, run_poll
from workers.scheduler import Scheduler, next_due, reschedule_at


def _scheduler(stack: Stack, now: list[float]) -> Scheduler:
    return Scheduler(stack.redis, stack.settings, (POLL,), clock=lambda: now[0])


def test_many_workers_ticking_at_once_enqueue_one_poll(stack: Stack):
    now = [1_000.0]
    schedulers = [_scheduler(stack, now) for _ in range(8)]
    barrier = threading.Barrier(len(schedulers))
    enqueued: list[list[str]] = []

    def tick(scheduler: Scheduler) -> None:
        barrier.wait()
        enqueued.append(scheduler.tick())

    threads = [threading.Thread(target=tick, args=(scheduler,)) for scheduler in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(names.count(POLL.name) for names in enqueued) == 1
    assert jobs.queue(stack.redis).count == 1


def test_a_poll_that_never_reports_back_comes_round_again_after_its_fallback(stack: Stack):
    now = [1_000.0]
    scheduler = _scheduler(stack, now)
    assert scheduler.tick() == [POLL.name]
    now[0] += POLL.interval(stack.settings)
    assert scheduler.tick() == []  # the job may still be running
    now[0] = 1_000.0 + POLL.fallback(stack.settings)
    assert scheduler.tick() == [POLL.name]


def test_the_job_sets_its_next_run_and_a_new_scheduler_honours_it(stack: Stack):
    now = [1_000.0]
    _scheduler(stack, now).tick()
    reschedule_at(stack.redis, POLL.name, now[0] + 15)
    assert next_due(stack.redis, POLL.name) == 1_015.0

    restarted = _scheduler(stack, now)  # every worker stopped and a new one started
    now[0] = 1_014.0
    assert restarted.tick() == []
    now[0] = 1_015.0
    assert restarted.tick() == [POLL.name]


def test_every_periodic_job_has_a_unique_name():
    names = [task.name for task in PERIODIC]
    assert POLL.name in names and len(names) == len(set(names))


def test_the_poll_job_reschedules_itself_from_the_configured_interval(stack: Stack):
    settings = Settings.load(environ={**stack.environment, "BIRDHOUSE_POLL_INTERVAL": "20"}, dotenv=None)
    stack.ctx.settings = settings
    author = stack.x.add_user("dana")
    stack.x.post(author["id"], "@acme hi")
    stack.poll_mentions()
    due = next_due(stack.redis, POLL.name)
    assert due is not None and 15 < due - stack.ctx.clock() <= 20


def test_a_tick_waits_for_the_earliest_due_time_not_a_whole_second(stack: Stack):
    now = [1_000.0]
    scheduler = _scheduler(stack, now)
    reschedule_at(stack.redis, POLL.name, now[0] + 0.3)
    assert abs(scheduler.until_next_due(1.0) - 0.3) < 1e-6  # the poll starts when it is due
    reschedule_at(stack.redis, POLL.name, now[0] + 30.0)
    assert scheduler.until_next_due(1.0) == 1.0  # and ticks still come at least once a second


def test_polls_are_spaced_from_start_to_start_however_slowly_x_answers(stack: Stack):
    settings = Settings.load(environ={**stack.environment, "BIRDHOUSE_POLL_INTERVAL": "20"}, dotenv=None)
    stack.ctx.settings = settings
    stack.ctx.clock = clock = FakeClock(time.time())
    started = clock()

    def slow_read() -> dict:
        clock.advance(4)  # X took four seconds to answer
        return {}

    run_poll(stack.ctx, POLL, "mentions", slow_read)
    assert next_due(stack.redis, POLL.name) == pytest.approx(started + 20, abs=0.01)


def test_a_poll_cut_off_mid_read_is_due_again_once_its_lease_lapses_not_at_the_fallback(stack: Stack):
    stack.ctx.clock = clock = FakeClock(time.time())
    started = clock()
    seen_mid_read = []

    def read_then_die() -> dict:
        # What any worker's scheduler finds should this poll's worker be killed now, or Redis restart under it.
        seen_mid_read.append(next_due(stack.redis, POLL.name))
        return {}

    run_poll(stack.ctx, POLL, "mentions", read_then_die)
    interval = POLL.interval(stack.settings)
    assert seen_mid_read == [pytest.approx(started + JOB_LEASE_SECONDS + interval, abs=0.01)]
