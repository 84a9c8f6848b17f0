"""How long to wait before the next poll: never sooner than configured, never faster than X allows."""

from __future__ import annotations

from birdhouse.store.ratelimits import RateLimit


def next_poll_delay(base: float, rate_limit: RateLimit | None, now: float) -> float:
    """At least ``base`` seconds; when the calls left in X's window would run out before it resets at that
    pace, spread them evenly over what is left of the window instead."""
    if rate_limit is None:
        return base
    until_reset = max(rate_limit.reset_at - now, 0.0)
    if rate_limit.remaining <= 0:
        return max(base, until_reset + 1.0)
    return max(base, until_reset / rate_limit.remaining)


def overlap_since_id(seen: list[tuple[str, float]], overlap_seconds: float, current: str | None) -> str | None:
    """The ``since_id`` for the next poll, kept ``overlap_seconds`` behind the newest post seen.

    X indexes posts a little out of order, so a post with a lower id can appear after a higher one was read.
    Re-reading a few seconds' worth costs little (X bills a post once per UTC day) and the store drops what
    it has seen. ``seen`` is (post id, posted at) pairs; the cursor never moves backwards.
    """
    if not seen:
        return current
    newest_at = max(at for _, at in seen)
    before_window = [int(post_id) for post_id, at in seen if at < newest_at - overlap_seconds]
    if not before_window:
        return current
    return str(max(max(before_window), int(current or 0)))
