"""Short exclusive leases: who may do a thing right now. They expire, so a killed worker frees its lease.

A lease is held under a token. Taking it again with the same token succeeds: a queued job passes its own id,
so when its worker dies and the queue retries it, the retry takes over at once instead of waiting out the
expiry (the queue never runs one job twice at the same time).

A ``HeldLease`` is short and renewed in the background while its holder lives: work of any length keeps it,
and a holder that dies (a worker killed, Redis restarted under it) frees it within seconds.
"""

from __future__ import annotations

import threading
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


class HeldLease:
    """A lease renewed every fifth of its ``seconds`` for as long as it is held (``with``); ``lost`` is set if
    a renewal came too late and another holder took it."""

    def __init__(self, connection: redis.Redis, name: str, seconds: float, token: str | None = None) -> None:
        self.lease = Lease(connection, name, seconds, token)
        self.renew_every = seconds / 5
        self.lost = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()  # a renewal racing the release would take the lease back for a dead holder

    def __enter__(self) -> bool:
        if not self.lease.acquire():
            return False
        threading.Thread(target=self._renew, name=f"birdhouse-lease-{self.lease.key}", daemon=True).start()
        return True

    def _renew(self) -> None:
        while not self._done.wait(self.renew_every):
            with self._lock:
                if self._done.is_set():
                    return
                try:
                    if not self.lease.acquire():  # taken over after a renewal came too late
                        self.lost.set()
                        return
                except redis.RedisError:
                    continue  # Redis is away; the lease lives until its expiry, and we try again

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._done.set()
            try:
                self.lease.release()
            except redis.RedisError:
                pass  # it expires by itself
