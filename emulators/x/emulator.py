"""XEmulator: the X API v2 over HTTP, plus a Python API to script the world it serves.

Every v2 endpoint goes through the same gate, in X's order: authentication (401), the kind of
authentication the endpoint accepts (403 Unsupported Authentication), the app's access level
(403 client-not-enrolled), the rate limit (429), and only then the handler.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from emulators.http import Emulator, Request, Response
from emulators.x import control, errors, fields
from emulators.x.activity import Activity
from emulators.x.auth import Credentials, authenticate
from emulators.x.ratelimit import RateLimiter
from emulators.x.routes import V2, Endpoint
from emulators.x.state import World

ACCESS_LEVELS = ("self-serve", "enterprise")
# Since 2026-04-20 no self-serve tier may like or follow through the API.
_NOT_IN_SELF_SERVE = frozenset({"likes", "follows"})
_CLIENT_ID = "29000000"


class XEmulator(Emulator):
    def __init__(self, brand_username: str = "birdhouse", access: str = "self-serve",
                 clock: Callable[[], float] = time.time, *, bearer_token: str = Credentials.bearer_token,
                 api_key: str = Credentials.api_key, api_secret: str = Credentials.api_secret,
                 access_token: str | None = None,
                 access_token_secret: str = Credentials.access_token_secret) -> None:
        super().__init__()
        if access not in ACCESS_LEVELS:
            raise ValueError(f"access must be one of {ACCESS_LEVELS}, not {access!r}")
        self.access = access
        self._world = World(clock)
        self._brand = self._world.add_user(brand_username, name=brand_username.capitalize(), verified=True,
                                           verified_type="business")
        # X's OAuth 1.0a access tokens start with the user's id, and tweepy reads it from there.
        access_token = access_token or f"{self._brand.id}-{Credentials.access_token}"
        self.credentials = Credentials(bearer_token, api_key, api_secret, access_token, access_token_secret)
        self._limits = RateLimiter(clock)
        self._forbidden = set(_NOT_IN_SELF_SERVE) if access == "self-serve" else set()
        self._items_read: Counter[str] = Counter()
        self.activity = Activity(self._world, consumer_secret=self.credentials.api_secret,
                                 self_serve=access == "self-serve")
        endpoints = V2(self._world, self._brand, self_serve=access == "self-serve").endpoints()
        for endpoint in [*endpoints, *self.activity.endpoints()]:
            self.route(endpoint.method, endpoint.pattern, self._gated(endpoint))
        control.register(self)

    # -- the gate ----------------------------------------------------------------------------------
    def _gated(self, endpoint: Endpoint) -> Callable[[Request], Response]:
        def serve(request: Request) -> Response:
            try:
                caller = authenticate(request, self.credentials)
                if endpoint.user_context_only and caller.app_only:
                    raise errors.unsupported_authentication()
                if endpoint.key in self._forbidden:
                    raise errors.client_not_enrolled(_CLIENT_ID)
            except errors.XError as refused:
                return refused.response()
            quota = self._limits.take(endpoint.key, caller.key, caller.app_only)
            try:
                if quota.exceeded:
                    raise errors.too_many_requests()
                # One request sees (and changes) one consistent world, whatever the server's threads do.
                with self._world.lock:
                    response = endpoint.handler(request)
            except errors.XError as refused:
                response = refused.response()
            if request.method == "GET":
                self._count_read(endpoint.key, response)
            response.headers.update(quota.headers())
            return response

        return serve

    def _count_read(self, endpoint: str, response: Response) -> None:
        data = response.body.get("data") if isinstance(response.body, dict) else None
        if data is not None:
            with self._lock:
                self._items_read[endpoint] += len(data) if isinstance(data, list) else 1

    # -- scripting the world -----------------------------------------------------------------------
    @property
    def brand(self) -> dict[str, Any]:
        with self._world.lock:
            return fields.user_object(self._brand, self._world)

    def add_user(self, username: str, *, name: str | None = None, followers_count: int = 0,
                 following_count: int = 0, tweet_count: int = 0, listed_count: int = 0,
                 created_at: datetime | str | None = None, description: str = "", verified: bool = False,
                 verified_type: str = "none", default_profile_image: bool = False, url: str | None = None,
                 location: str | None = None, protected: bool = False) -> dict[str, Any]:
        with self._world.lock:
            user = self._world.add_user(
                username, name=name, created_at=created_at, followers_count=followers_count,
                following_count=following_count, tweet_count=tweet_count, listed_count=listed_count,
                description=description, verified=verified, verified_type=verified_type,
                default_profile_image=default_profile_image, url=url, location=location, protected=protected)
            return fields.user_object(user, self._world)

    def post(self, author_id: str, text: str, *, in_reply_to_tweet_id: str | None = None,
             quote_tweet_id: str | None = None, created_at: datetime | str | None = None,
             lang: str = "en") -> dict[str, Any]:
        """Stores a post as its author would write it; the API serves the text HTML-escaped."""
        with self._world.lock:
            post = self._world.add_post(author_id, text, in_reply_to_tweet_id=in_reply_to_tweet_id,
                                        quote_tweet_id=quote_tweet_id, created_at=created_at, lang=lang)
            return fields.post_object(post, self._world)

    def add_follower(self, user_id: str) -> None:
        self._world.follow(user_id, self._brand.id)

    def remove_follower(self, user_id: str) -> None:
        self._world.unfollow(user_id, self._brand.id)

    def create_list(self, name: str) -> str:
        return self._world.create_list(name).id

    # -- what the brand did ------------------------------------------------------------------------
    @property
    def posts_by_brand(self) -> list[dict[str, Any]]:
        with self._world.lock:
            posts = sorted(self._world.posts_by(self._brand.id), key=lambda post: int(post.id))
            return [fields.post_object(post, self._world) for post in posts]

    @property
    def likes(self) -> set[str]:
        with self._world.lock:
            return set(self._world.likes.get(self._brand.id, ()))

    @property
    def following(self) -> set[str]:
        with self._world.lock:
            return set(self._world.following.get(self._brand.id, ()))

    def list_members(self, list_id: str) -> list[str]:
        with self._world.lock:
            return list(self._world.lists[list_id].members)

    # -- service behaviour -------------------------------------------------------------------------
    def set_rate_limit(self, endpoint: str, limit: int, window_seconds: float = 900) -> None:
        self._limits.set(endpoint, limit, window_seconds)

    def forbid(self, endpoint: str) -> None:
        """Answer ``endpoint`` with 403 client-not-enrolled, as for an access level that lacks it."""
        with self._lock:
            self._forbidden.add(endpoint)

    def items_read(self, endpoint: str | None = None) -> int:
        """Items served in ``data`` by GETs of ``endpoint`` (all endpoints when None): what reads would cost."""
        with self._lock:
            return self._items_read[endpoint] if endpoint else sum(self._items_read.values())

    def activity_state(self) -> dict[str, Any]:
        """Subscriptions, stream connections, webhooks and what was delivered to them."""
        with self._world.lock:
            hooks = self.activity.webhooks
            return {
                "subscriptions": [s.json() for s in self.activity.subscriptions.values()],
                "events": len(self.activity.events),
                "stream_connections": self.activity.streams.open_count(),
                "webhooks": [hook.config() for hook in hooks.hooks.values()],
                "deliveries": [{"webhook_id": d.webhook_id, "status": d.status, "replay_job": d.replay_job,
                                "event": d.event()} for d in hooks.deliveries],
                "crc_checks": [{"url": url, "passed": passed} for url, passed in hooks.crc_checks],
            }

    def state(self) -> dict[str, Any]:
        with self._world.lock:
            return {
                "brand": self.brand,
                "counts": {"users": len(self._world.users), "posts": len(self._world.posts),
                           "mentions": len(self._world.mentions_of(self._brand)),
                           "followers": self._brand.followers_count},
                "likes": sorted(self.likes),
                "following": sorted(self.following),
                "posts_by_brand": self.posts_by_brand,
                "items_read": dict(self._items_read),
            }
