"""What a job needs (settings, Redis, the X and Slack clients), built once per worker process.

Jobs call ``current()``; ``birdhouse worker`` and the tests ``install`` a context first. A job that runs
without one (a plain ``rq worker``) builds it from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from birdhouse.redis_server import LOCAL_URL, connect
from birdhouse.runtime import Runtime
from birdhouse.settings import Settings
from birdhouse.slackclient import SlackClient
from birdhouse.store import RateLimit, RateLimitStore, UsageStore
from birdhouse.store.brand import Brand
from birdhouse.xclient import XClient


@dataclass
class Context(Runtime):
    x: XClient = field(init=False)
    slack: SlackClient = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.ratelimits = RateLimitStore(self.redis)
        self.usage = UsageStore(self.redis)
        self.x = XClient(self.settings, observer=self._observe_x)
        self.slack = SlackClient(self.settings, self.redis)

    def _observe_x(self, endpoint: str, rate_limit: RateLimit | None, item_ids: list[str], requests: int) -> None:
        if rate_limit is not None:
            self.ratelimits.record(endpoint, rate_limit)
        self.usage.record(endpoint, item_ids, self.clock(), requests=requests)

    def brand_id(self) -> str:
        """The brand's X user id: asked of X once, then kept (users/me is a paid read like any other)."""
        brand = Brand(self.redis)
        if kept := brand.x_user_id():
            return kept
        brand_id = self.x.me()["id"]
        brand.set_x_user_id(brand_id)
        return brand_id


_current: Context | None = None


def install(context: Context | None) -> None:
    global _current
    _current = context


def current() -> Context:
    global _current
    if _current is None:
        settings = Settings.load()
        _current = Context(settings, connect(settings.redis_url or LOCAL_URL))
    return _current
