"""Every Redis key Birdhouse uses, one module per concept. Keys all start with ``bh:``.

Store classes are thin (``base.Store``: a connection or a pipeline): each method is one or a few Redis commands,
atomic where it matters (``SET NX`` for "first one wins", ``MULTI`` for a record and its indexes).
"""

from birdhouse.store.events import Event, EventLog
from birdhouse.store.leases import Lease
from birdhouse.store.mentions import CardRef, MentionStore
from birdhouse.store.ratelimits import RateLimit, RateLimitStore
from birdhouse.store.usage import UsageStore

__all__ = ["CardRef", "Event", "EventLog", "Lease", "MentionStore", "RateLimit", "RateLimitStore", "UsageStore"]
