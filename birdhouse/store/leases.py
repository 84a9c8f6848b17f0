"""Short exclusive leases: who may do a thing right now. They expire, so a killed worker frees its lease.

A lease is held under a token. Taking it again with the same token succeeds: a queued job passes its own id,
so when its worker dies and the queue retries it, the retry takes over at once instead of waiting out the
expiry (the queue never runs one job twice at the same time).
"""

from __future__ import annotations

import uuid

import redis

_ACQUIRE = """
local holder = redis.call('get', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
return 1
"""

# Release only our own lease: a lease that expired and was taken by another worker must stay theirs.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class Lease:
    def __init__(self, connection: redis.Redis, name: str, seconds: float, token: str | None = None) -> None:
        self.connection = connection
        self.key = f"bh:lease:{name}"
        self.milliseconds = int(seconds * 1000)
        self.token = token or uuid.uuid4().hex
        self.held = False

    def acquire(self) -> bool:
        self.held = bool(self.connection.eval(_ACQUIRE, 1, self.key, self.token, self.milliseconds))
        return self.held

    def release(self) -> None:
        if self.held:
            self.connection.eval(_RELEASE, 1, self.key, self.token)
            self.held = False

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()
