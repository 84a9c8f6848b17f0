"""How long to wait before the next poll: never sooner than configured, never faster than X allows."""

from __future__ import annotations

from birdhouse.store.ratelimits import RateLimit


def next_poll_delay(base: float, rate_limit: RateLimit | None, now: float, requests: int = 1) -> float:
    """At least ``base`` seconds; when the calls left in X's window would run out before it resets at that
    pace, spread the polls they leave evenly over what is left of the window instead. ``requests`` is what one
    poll costs (the last one's pages): a poll of three pages spends three calls, and spreading the calls as if
    each were a poll runs the budget down ever faster, until polls come too seldom to keep up with X's 800
    newest mentions."""
    if rate_limit is None:
        return base
    until_reset = max(rate_limit.reset_at - now, 0.0)
    if rate_limit.remaining <= 0:
        return max(base, until_reset + 1.0)
    return max(base, min(until_reset * max(requests, 1) / rate_limit.remaining, until_reset + 1.0))


def overlap_since_id(seen: list[tuple[str, float]], overlap_seconds: float, current: str | None,
                     now: float) -> str | None:
    """The ``since_id`` for the next poll: past every post that has settled, short of the last few seconds.

    X indexes posts a little out of order, so a post with a lower id can appear after a higher one was read.
    Posts younger than ``overlap_seconds`` are read again by the next poll (X bills a post once per UTC day;
    the store drops what it has seen); older ones never are. ``seen`` is (post id, posted at) pairs from
    this poll. The cursor never moves backwards.
    """
    settled = [int(post_id) for post_id, at in seen if at < now - overlap_seconds]
    unsettled = [int(post_id) for post_id, at in seen if at >= now - overlap_seconds]
    candidates = [int(current)] if current else []
    if settled:
        candidates.append(max(settled))
    elif unsettled and not current:
        candidates.append(min(unsettled) - 1)  # a first poll: start just below the posts still settling
    return str(max(candidates)) if candidates else None
