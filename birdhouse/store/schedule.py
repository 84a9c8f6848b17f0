"""When each periodic job is next due: one sorted set, shared by every worker's scheduler."""

from __future__ import annotations

import redis

from birdhouse.store.base import Store

# Claim when due (or never scheduled): move the due time to the fallback and report success.
_CLAIM = """
local due = redis.call('zscore', KEYS[1], ARGV[1])
if due and tonumber(due) > tonumber(ARGV[2]) then return 0 end
redis.call('zadd', KEYS[1], ARGV[3], ARGV[1])
return 1
"""


class Schedule(Store):
    KEY = "bh:schedule"


    def claim(self, name: str, now: float, fallback_at: float) -> bool:
        """True for the one caller that finds ``name`` due at ``now``; its next due time becomes ``fallback_at``."""
        return bool(self.connection.eval(_CLAIM, 1, self.KEY, name, now, fallback_at))

    def set_due(self, name: str, at: float) -> None:
        self.connection.zadd(self.KEY, {name: at})

    def due(self, name: str) -> float | None:
        return self.connection.zscore(self.KEY, name)
