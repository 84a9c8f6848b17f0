"""The queues. Button presses get their own, listened to first, so a person never waits behind a poll."""

from __future__ import annotations

import redis
from rq import Queue

ACTIONS = "birdhouse-actions"
DEFAULT = "birdhouse"
LISTEN_ORDER = (ACTIONS, DEFAULT)


def queue(connection: redis.Redis, name: str = DEFAULT) -> Queue:
    return Queue(name, connection=connection)
