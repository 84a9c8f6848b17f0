"""What the Slack app and the workers both run on: the settings, Redis, a clock, and the stores both read."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from birdhouse.settings import Settings
from birdhouse.store import EventLog, MentionStore


@dataclass
class Runtime:
    settings: Settings
    redis: redis.Redis
    clock: Callable[[], float] = time.time  # tests move time by hand; SLA and stats read it

    def __post_init__(self) -> None:
        self.mentions = MentionStore(self.redis)
        self.events = EventLog(self.redis)
