"""Per-endpoint request budgets in 15-minute windows, reported in X's ``x-rate-limit-*`` headers.

A window opens at a caller's first request and resets a fixed time later, which is what X's reset
header shows. App-only (bearer) and user-context calls have separate budgets, as on X.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 900


@dataclass(frozen=True)
class Limit:
    user: int  # per user token
    app: int  # per app, for bearer-token calls
    window: float = WINDOW_SECONDS


# From X's published limits for the endpoints Birdhouse uses (see the specs README).
DEFAULT_LIMITS = {
    "mentions": Limit(user=300, app=450),
    "followers": Limit(user=300, app=300),
    "users": Limit(user=900, app=300),
    "me": Limit(user=75, app=75),
    "tweets": Limit(user=900, app=450),
    "create_post": Limit(user=100, app=100),
    "likes": Limit(user=50, app=50),
    "follows": Limit(user=50, app=50),
    "list_members": Limit(user=300, app=300),
    # The Activity API and webhooks: neither the spec nor the README gives figures; modest stand-ins.
    "activity_subscriptions": Limit(user=50, app=50),
    "activity_stream": Limit(user=50, app=50),
    "webhooks": Limit(user=50, app=50),
}


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int  # epoch seconds
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(self.limit),
            "x-rate-limit-remaining": str(self.remaining),
            "x-rate-limit-reset": str(self.reset),
        }


class RateLimiter:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._limits = dict(DEFAULT_LIMITS)
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}  # (endpoint, caller) -> (opened, used)

    def set(self, endpoint: str, limit: int, window_seconds: float = WINDOW_SECONDS) -> None:
        """Both budgets of ``endpoint`` become ``limit``; open windows close so the new limit applies now."""
        if endpoint not in self._limits:
            raise KeyError(f"unknown endpoint {endpoint!r}; one of {sorted(self._limits)}")
        with self._lock:
            self._limits[endpoint] = Limit(user=limit, app=limit, window=window_seconds)
            for key in [key for key in self._windows if key[0] == endpoint]:
                del self._windows[key]

    def take(self, endpoint: str, caller: str, app_only: bool) -> Quota:
        """Spends one request of ``caller``'s budget, unless it is already spent."""
        limit = self._limits[endpoint]
        budget = limit.app if app_only else limit.user
        now = self._clock()
        with self._lock:
            opened, used = self._windows.get((endpoint, caller), (now, 0))
            if now >= opened + limit.window:
                opened, used = now, 0
            exceeded = used >= budget
            if not exceeded:
                used += 1
            self._windows[(endpoint, caller)] = (opened, used)
        return Quota(limit=budget, remaining=budget - used, reset=int(opened + limit.window), exceeded=exceeded)
