"""Periodic jobs, one chain each however many workers run.

The next due time of every periodic job lives in one Redis sorted set (``birdhouse.store.schedule``). Each
``birdhouse worker`` ticks at the earliest due time, and at least once a second; a tick claims a due job atomically (the first worker to move its
due time wins) and queues it. The claim pushes the due time out by a fallback, so a job that dies still comes
round again; a job that finishes sets its own next due time with ``reschedule_at`` (from X's rate-limit headers,
say). Nothing lives in a process: stop every worker, start one, and the chains carry on where they were.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from birdhouse import jobs
from birdhouse.settings import Settings
from birdhouse.store.schedule import Schedule

log = logging.getLogger(__name__)

MIN_WAIT = 0.05  # a due time just past, claimed by another worker, is not worth a busy loop


@dataclass(frozen=True)
class Periodic:
    name: str
    job: jobs.Job
    interval: Callable[[Settings], float]
    timeout: int = 120

    def fallback(self, settings: Settings) -> float:
        """When to run again if this run never reports back (its worker died)."""
        return max(2 * self.interval(settings), 30.0)


def reschedule_at(connection: redis.Redis, name: str, at: float) -> None:
    """Run ``name`` next at ``at`` (epoch seconds)."""
    Schedule(connection).set_due(name, at)


def next_due(connection: redis.Redis, name: str) -> float | None:
    return Schedule(connection).due(name)


class Scheduler:
    def __init__(self, connection: redis.Redis, settings: Settings, tasks: tuple[Periodic, ...],
                 clock: Callable[[], float] = time.time) -> None:
        self.connection = connection
        self.settings = settings
        self.tasks = tasks
        self.clock = clock
        self.schedule = Schedule(connection)

    def tick(self) -> list[str]:
        """Queue every task that is due; return their names."""
        enqueued = []
        for task in self.tasks:
            now = self.clock()
            if self.schedule.claim(task.name, now, now + task.fallback(self.settings)):
                jobs.run_periodic(self.connection, task.job, job_id=f"{task.name}-{int(now * 1000)}",
                                  timeout=task.timeout)
                enqueued.append(task.name)
        return enqueued

    def until_next_due(self, longest: float) -> float:
        """Seconds to the earliest due time, at most ``longest``: a poll rescheduled in 3 s starts in 3 s, not
        on the next whole tick."""
        now = self.clock()
        dues = [due for task in self.tasks if (due := self.schedule.due(task.name)) is not None]
        return min([longest, *(max(due - now, MIN_WAIT) for due in dues)])

    def run(self, stop: threading.Event, every: float = 1.0) -> None:
        while not stop.is_set():
            wait = every
            try:
                self.tick()
                wait = self.until_next_due(every)
            except redis.RedisError:
                log.exception("scheduler tick failed; trying again")
            stop.wait(wait)
