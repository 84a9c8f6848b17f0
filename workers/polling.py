"""What every poll of X shares: one at a time, never sleeping in a worker, always setting its next run.

X's answer decides when to come back: at the configured pace while the window allows it, after the reset on
a 429, a few times a day while the access level lacks the endpoint (logged once, the rest keeps running).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from birdhouse.errors import XNotEnrolled, XRateLimited, XUnavailable
from birdhouse.store.capabilities import Capabilities
from birdhouse.store.leases import HeldLease
from workers.context import Context
from workers.pacing import next_poll_delay
from workers.scheduler import Periodic, reschedule_at

log = logging.getLogger(__name__)

# A poll's lease, renewed while it runs: a poll killed with its worker (or cut off by a Redis restart) holds up
# the next one this long, not for its whole timeout.
JOB_LEASE_SECONDS = 10.0
NOT_ENROLLED_RETRY = 6 * 3600.0  # an access level rarely changes; ask again a few times a day
# What each polled endpoint is, in an operator's words.
ENDPOINTS = {"mentions": "the mentions timeline", "followers": "follower lookup"}


def run_poll(ctx: Context, task: Periodic, endpoint: str, read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``read`` (one poll of X's ``endpoint``) unless another poll of ``task`` is running, and schedule
    the next one whatever happens."""
    with HeldLease(ctx.redis, f"job:{task.name}", JOB_LEASE_SECONDS) as held:
        if not held:
            return {"skipped": "another poll is running"}
        capabilities = Capabilities(ctx.redis)
        delay = task.interval(ctx.settings)
        started = ctx.clock()
        # Should this poll never report back (its worker killed, Redis restarted under it), the next one comes
        # once this one's lease has lapsed, not at the scheduler's longer fallback.
        reschedule_at(ctx.redis, task.name, started + JOB_LEASE_SECONDS + delay)
        try:
            summary = read()
            if capabilities.missing_reason(endpoint) is not None:
                capabilities.note_available(endpoint)
                log.warning("X allows %s again: that poll is back on", ENDPOINTS[endpoint])
            delay = next_poll_delay(delay, ctx.ratelimits.get(endpoint), started, summary.get("pages", 1))
        except XNotEnrolled as exc:
            if capabilities.missing_reason(endpoint) is None:
                log.warning("X's access level does not include %s (%s): that poll is off, everything else keeps "
                            "running; asking again every %d hours", ENDPOINTS[endpoint], exc, NOT_ENROLLED_RETRY // 3600)
            capabilities.note_missing(endpoint, str(exc))
            delay = NOT_ENROLLED_RETRY
            summary = {"not_enrolled": True}
        except XRateLimited as exc:
            log.warning("X rate limit on %s; polling again after %s", endpoint,
                        datetime.fromtimestamp(exc.reset_at, UTC))
            delay = max(exc.reset_at - started + 1.0, delay)
            summary = {"rate_limited_until": exc.reset_at}
        except XUnavailable as exc:
            log.warning("X unavailable for %s (%s); polling again in %ss", endpoint, exc, delay)
            summary = {"unavailable": str(exc)}
        finally:
            # From this poll's start: the interval is from request to request, not stretched by the answer.
            reschedule_at(ctx.redis, task.name, started + delay)
        summary["next_poll_in"] = round(delay, 1)
        return summary
