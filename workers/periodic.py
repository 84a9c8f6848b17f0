"""Every periodic job the scheduler runs. A feature adds its ``Periodic`` here."""

from __future__ import annotations

from workers.mentions import POLL as POLL_MENTIONS
from workers.scheduler import Periodic

PERIODIC: tuple[Periodic, ...] = (POLL_MENTIONS,)
