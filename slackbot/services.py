"""What the Slack listeners need, handed to each ``register``: settings, Redis, the stores and the queues.

Listeners ack within Slack's 3 seconds; anything that touches X goes to a worker through ``enqueue``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rq import Queue
from rq.job import Job

from birdhouse.runtime import Runtime
from workers.queues import ACTIONS


class Services(Runtime):
    def enqueue(self, func: str | Callable[..., Any], *args: Any, job_id: str | None = None,
                queue: str = ACTIONS, **options: Any) -> Job:
        return Queue(queue, connection=self.redis).enqueue(func, *args, job_id=job_id, **options)
