"""What X last said about each endpoint's rate limit, shared by every worker."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from birdhouse.store.base import Store


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    reset_at: float  # epoch seconds

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> RateLimit | None:
        try:
            return cls(int(headers["x-rate-limit-limit"]), int(headers["x-rate-limit-remaining"]),
                       float(headers["x-rate-limit-reset"]))
        except (KeyError, ValueError):
            return None


class RateLimitStore(Store):
    KEY = "bh:x:ratelimits"


    def record(self, endpoint: str, rate_limit: RateLimit) -> None:
        self.connection.hset(self.KEY, endpoint, json.dumps(asdict(rate_limit)))

    def get(self, endpoint: str) -> RateLimit | None:
        raw = self.connection.hget(self.KEY, endpoint)
        return RateLimit(**json.loads(raw)) if raw else None
