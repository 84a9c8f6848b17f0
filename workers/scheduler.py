"""Periodic jobs, one chain each however many workers run.

The next due time of every periodic job lives in one Redis sorted set. Each ``birdhouse worker`` ticks
about once a second; a tick claims a due job atomically (the first worker to move its due time wins) and
enqueues it. The claim pushes the due time out by a fallback, so a job that dies still comes round again;
a job that finishes sets its own next due time with ``reschedule`` (from X's rate-limit headers, say).
Nothing lives in a process: stop every worker, start one, and the chains carry on where they were.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from birdhouse.defaults import DAY
from birdhouse.settings import Settings
from workers.queues import DEFAULT, queue

log = logging.getLogger(__name__)

SCHEDULE_KEY = "bh:schedule"

# Claim when due (or never scheduled): move the due time to the fallback and report success.
_CLAIM = """
local due = redis.call('zscore', KEYS[1], ARGV[1])
if due and tonumber(due) > tonumber(ARGV[2]) then return 0 end
redis.call('zadd', KEYS[1], ARGV[3], ARGV[1])
return 1
"""


@dataclass(frozen=True)
class Periodic:
    name: str
    func: str  # dotted path, so the scheduler imports no job code
    interval: Callable[[Settings], float]
    queue: str = DEFAULT
    timeout: int = 120

    def fallback(self, settings: Settings) -> float:
        """When to run again if this run never reports back (its worker died)."""
        return max(2 * self.interval(settings), 30.0)


def reschedule(connection: redis.Redis, name: str, delay: float, clock: Callable[[], float] = time.time) -> None:
    connection.zadd(SCHEDULE_KEY, {name: clock() + delay})


def next_due(connection: redis.Redis, name: str) -> float | None:
    return connection.zscore(SCHEDULE_KEY, name)


class Scheduler:
    def __init__(self, connection: redis.Redis, settings: Settings, tasks: tuple[Periodic, ...],
                 clock: Callable[[], float] = time.time) -> None:
        self.connection = connection
        self.settings = settings
        self.tasks = tasks
        self.clock = clock
        self._claim = connection.register_script(_CLAIM)

    def tick(self) -> list[str]:
        """Enqueue every task that is due; return their names."""
        enqueued = []
        for task in self.tasks:
            now = self.clock()
            if self._claim(keys=[SCHEDULE_KEY], args=[task.name, now, now + task.fallback(self.settings)]):
                queue(self.connection, task.queue).enqueue(
                    task.func, job_id=f"{task.name}-{int(now * 1000)}", job_timeout=task.timeout,
                    result_ttl=600, failure_ttl=DAY,
                )
                enqueued.append(task.name)
        return enqueued

    def run(self, stop: threading.Event, every: float = 1.0) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except redis.RedisError:
                log.exception("scheduler tick failed; trying again")
            stop.wait(every)
