"""What every store is: a thin view of some Redis keys, over a connection or a pipeline (so a job can write a
record together with its effects in one transaction)."""

from __future__ import annotations

import redis


class Store:
    def __init__(self, connection: redis.Redis | redis.client.Pipeline) -> None:
        self.connection = connection
