"""Every periodic job the scheduler runs. A feature adds its ``Periodic`` here."""

from __future__ import annotations

from workers.followers import DIGEST as FOLLOWER_DIGEST
from workers.followers import POLL as POLL_FOLLOWERS
from workers.mentions import POLL as POLL_MENTIONS
from workers.scheduler import Periodic
from workers.sla import CHECK as SLA_CHECK

PERIODIC: tuple[Periodic, ...] = (POLL_MENTIONS, POLL_FOLLOWERS, FOLLOWER_DIGEST, SLA_CHECK)
