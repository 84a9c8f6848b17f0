"""What the Slack listeners need, handed to each ``register``: settings, Redis, the stores and the queues.

Listeners ack within Slack's 3 seconds; anything that touches X goes to a worker through ``enqueue``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
from rq import Queue
from rq.job import Job

from birdhouse.settings import Settings
from birdhouse.store import EventLog, MentionStore
from workers.queues import ACTIONS


@dataclass
class Services:
    settings: Settings
    redis: redis.Redis
    clock: Callable[[], float] = time.time
    mentions: MentionStore = field(init=False)
    events: EventLog = field(init=False)

    def __post_init__(self) -> None:
        self.mentions = MentionStore(self.redis)
        self.events = EventLog(self.redis)

    def enqueue(self, func: str | Callable[..., Any], *args: Any, job_id: str | None = None,
                queue: str = ACTIONS, **options: Any) -> Job:
        return Queue(queue, connection=self.redis).enqueue(func, *args, job_id=job_id, **options)
