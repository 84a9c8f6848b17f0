"""Short exclusive leases: who may do a thing right now. They expire, so a killed worker frees its lease."""

from __future__ import annotations

import uuid

import redis

# Release only our own lease: a lease that expired and was taken by another worker must stay theirs.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class Lease:
    def __init__(self, connection: redis.Redis, name: str, seconds: float) -> None:
        self.connection = connection
        self.key = f"bh:lease:{name}"
        self.milliseconds = int(seconds * 1000)
        self.token = uuid.uuid4().hex
        self.held = False

    def acquire(self) -> bool:
        self.held = bool(self.connection.set(self.key, self.token, nx=True, px=self.milliseconds))
        return self.held

    def release(self) -> None:
        if self.held:
            self.connection.eval(_RELEASE, 1, self.key, self.token)
            self.held = False

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()
