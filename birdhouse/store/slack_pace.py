"""How fast Birdhouse may write to Slack right now: one token bucket per Slack limit (a method's tier, or
chat.postMessage in one channel), shared by every worker and process through Redis.

Each bucket is a hash (tokens, when they were counted, and until when it runs slow); one Lua script refills
and takes in a single step, so two workers never spend the same token. Time is passed in, so the math is
tested with a clock moved by hand.
"""

from __future__ import annotations

from birdhouse.store.base import Store

# KEYS[1] the bucket; ARGV: now, tokens per second, capacity, slow factor.
# Answers the seconds until a token is there (0: one was there, and was taken), as a string
# because Redis truncates Lua numbers to integers.
_TAKE = """
local state = redis.call('hmget', KEYS[1], 'tokens', 'at', 'slow_until')
local now, rate, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now < (tonumber(state[3]) or 0) then rate = rate * tonumber(ARGV[4]) end
if now > at then tokens = math.min(capacity, tokens + (now - at) * rate) else now = at end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('hset', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('expire', KEYS[1], 3600)
return tostring(wait)
"""

# KEYS[1] the bucket; ARGV: now, retry after (s), tokens per second, slow factor, slow for (s).
# Slack said 429: nothing more until Retry-After has passed, and the bucket refills slower for a while.
_SLOW_DOWN = """
local now, retry_after = tonumber(ARGV[1]), tonumber(ARGV[2])
local slow_rate = tonumber(ARGV[3]) * tonumber(ARGV[4])
redis.call('hset', KEYS[1], 'tokens', tostring(1 - retry_after * slow_rate), 'at', tostring(now),
           'slow_until', tostring(now + tonumber(ARGV[5])))
redis.call('expire', KEYS[1], 3600)
return 1
"""

# KEYS[1] the bucket; ARGV: capacity. A token taken and not spent goes back (never above the bucket's size).
_GIVE_BACK = """
local tokens = tonumber(redis.call('hget', KEYS[1], 'tokens'))
if tokens then redis.call('hset', KEYS[1], 'tokens', tostring(math.min(tonumber(ARGV[1]), tokens + 1))) end
return 1
"""

SLOW_FACTOR = 0.8  # after a 429 the bucket refills at 80 % of its rate...
SLOW_SECONDS = 60.0  # ...for a minute


class SlackPace(Store):
    @staticmethod
    def _key(limit: str) -> str:
        return f"bh:slackpace:{limit}"

    def take(self, limit: str, now: float, rate: float, capacity: float) -> float:
        """Take a token: 0 when granted, else the seconds until one is there (nothing was taken)."""
        return float(self.connection.eval(_TAKE, 1, self._key(limit), repr(now), repr(rate), repr(capacity),
                                          repr(SLOW_FACTOR)))

    def give_back(self, limit: str, capacity: float) -> None:
        self.connection.eval(_GIVE_BACK, 1, self._key(limit), repr(capacity))

    def slow_down(self, limit: str, now: float, retry_after: float, rate: float) -> None:
        self.connection.eval(_SLOW_DOWN, 1, self._key(limit), repr(now), repr(retry_after), repr(rate),
                             repr(SLOW_FACTOR), repr(SLOW_SECONDS))

