"""Slack's rate limits as token buckets.

Two kinds apply (docs.slack.dev/apis/web-api/rate-limits): every method has a tier, a number of calls per
minute per workspace that Slack tolerates with bursts ("enforced loosely": a bucket of a minute's worth of
calls, refilled continuously); chat.postMessage is "special": about one message per second per channel,
with a short burst. Both are tunable per method so tests can make them tight, or switch them off.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

# Calls per minute of each published tier; "t5" is Slack's "special" tier, limited per method elsewhere.
TIERS = {"t1": 1, "t2": 20, "t3": 50, "t4": 100, "t5": None}

POST_MESSAGE_PER_CHANNEL_PER_SECOND = 1.0
POST_MESSAGE_BURST = 5


@dataclass
class Policy:
    per_minute: float | None = None
    per_channel_per_second: float | None = None
    burst: int | None = None  # bucket size; defaults to a minute's calls, or POST_MESSAGE_BURST per channel


class _Bucket:
    def __init__(self, rate_per_second: float, capacity: float, now: float) -> None:
        self.rate = rate_per_second
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def take(self, now: float) -> float:
        """Take one token; answers 0 when granted, else the seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class RateLimiter:
    def __init__(self, tiers: dict[str, str], clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._policies = {method: Policy(per_minute=TIERS[tier]) for method, tier in tiers.items()}
        self._policies["chat.postMessage"] = Policy(per_channel_per_second=POST_MESSAGE_PER_CHANNEL_PER_SECOND)
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def configure(self, method: str, policy: Policy) -> None:
        with self._lock:
            self._policies[method] = policy
            for key in [key for key in self._buckets if key[0] == method]:
                del self._buckets[key]

    def disable(self) -> None:
        with self._lock:
            self._policies = {method: Policy() for method in self._policies}
            self._buckets.clear()

    def retry_after(self, method: str, channel: str | None = None) -> int:
        """Count one call; answers 0 when it may go ahead, else the whole seconds to wait (``Retry-After``)."""
        policy = self._policies.get(method, Policy())
        limits = []
        if policy.per_minute is not None:
            limits.append(("", policy.per_minute / 60, policy.burst or policy.per_minute))
        if policy.per_channel_per_second is not None and channel is not None:
            limits.append((channel, policy.per_channel_per_second, policy.burst or POST_MESSAGE_BURST))
        with self._lock:
            now = self._clock()
            waits = [self._bucket(method, key, rate, capacity, now).take(now) for key, rate, capacity in limits]
        wait = max(waits, default=0.0)
        return math.ceil(wait) if wait else 0

    def _bucket(self, method: str, key: str, rate: float, capacity: float, now: float) -> _Bucket:
        bucket = self._buckets.get((method, key))
        if bucket is None:
            bucket = self._buckets[(method, key)] = _Bucket(rate, capacity, now)
        return bucket
