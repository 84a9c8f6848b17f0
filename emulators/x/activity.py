"""The X Activity API (``/2/activity/subscriptions``, ``/2/activity/stream``) and its webhooks (``/2/webhooks``),
in the shapes of the OpenAPI document 2.166.

A subscription names an event type and a filter; the emulator models the two Birdhouse needs,
``post.mention.create`` (someone mentions ``filter.user_id``) and ``follow.follow`` (someone follows
``filter.user_id``, or it follows someone: ``filter.direction`` picks one, no direction means both). Other
event types of the document are refused loudly rather than accepted and never fired. A subscription
with a ``webhook_id`` sends its events to that webhook; one without, to the stream. Every event is kept,
so a stream connection can ask for the last ``backfill_minutes`` again and a webhook for a replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from emulators.http import Request, Response
from emulators.x import errors, fields
from emulators.x.pagination import Cursor, paginate
from emulators.x.params import Query
from emulators.x.routes import Endpoint, _body, _body_id, _refuse_unknown_keys
from emulators.x.state import Post, World
from emulators.x.stream import Streams, line
from emulators.x.webhooks import Webhooks

EVENT_TYPES = (
    "profile.update.bio", "profile.update.profile_picture", "profile.update.banner_picture",
    "profile.update.screenname", "profile.update.geo", "profile.update.url", "profile.update.verified_badge",
    "profile.update.affiliate_badge", "profile.update.handle", "news.new", "follow.follow", "follow.unfollow",
    "spaces.start", "spaces.end", "chat.received", "chat.sent", "chat.conversation_join", "dm.sent",
    "dm.received", "dm.indicate_typing", "dm.read", "post.create", "post.delete", "post.mention.create",
    "like.create",
)
MODELED = ("post.mention.create", "follow.follow")
# X's docs: follow events are for Enterprise and Partner access only.
ENTERPRISE_ONLY = frozenset({"follow.follow"})
BACKFILL_MAX_MINUTES = 5
_FILTER_KEYS = ("direction", "keyword", "user_id")


@dataclass
class Subscription:
    id: str
    event_type: str
    filter: dict[str, str]
    created_at: datetime
    updated_at: datetime
    tag: str | None = None
    webhook_id: str | None = None

    def json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"subscription_id": self.id, "event_type": self.event_type, "filter": self.filter,
                                "created_at": fields.timestamp(self.created_at),
                                "updated_at": fields.timestamp(self.updated_at)}
        if self.tag is not None:
            body["tag"] = self.tag
        if self.webhook_id is not None:
            body["webhook_id"] = self.webhook_id
        return body


@dataclass(frozen=True)
class Event:
    at: datetime
    subscription_id: str
    to_stream: bool
    body: dict[str, Any]


def matches(subscription: Subscription, kind: str, subject: object, world: World) -> bool:
    """Whether a change of the world (``World.listeners``' arguments) fires ``subscription``."""
    user_id = subscription.filter.get("user_id")
    if kind == "post" and subscription.event_type == "post.mention.create":
        assert isinstance(subject, Post)
        user = world.users.get(user_id or "")
        return user is not None and world.is_mention_of(subject, user)
    if kind == "follow" and subscription.event_type == "follow.follow":
        follower, followee = subject  # type: ignore[misc]
        direction = subscription.filter.get("direction")
        return ((direction in (None, "inbound") and followee.id == user_id)
                or (direction in (None, "outbound") and follower.id == user_id))
    return False


class Activity:
    def __init__(self, world: World, *, consumer_secret: str, self_serve: bool) -> None:
        self.world = world
        self.self_serve = self_serve
        self.subscriptions: dict[str, Subscription] = {}
        self.events: list[Event] = []
        self.streams = Streams()
        self.webhooks = Webhooks(consumer_secret, world.clock, world.new_id)
        world.listeners.append(self._on_change)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.world.clock(), timezone.utc)

    # -- events ------------------------------------------------------------------------------------
    def _on_change(self, kind: str, subject: object) -> None:
        for subscription in list(self.subscriptions.values()):
            if matches(subscription, kind, subject, self.world):
                self._emit(subscription, self._payload(kind, subject))

    def _payload(self, kind: str, subject: object) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(payload, includes)`` of an event."""
        if kind == "post":
            assert isinstance(subject, Post)
            author = self.world.users[subject.author_id]
            return (fields.serve_post(subject, self.world, fields.TWEET_FIELDS),
                    {"users": [fields.user_object(author, self.world)]})
        follower, followee = subject  # type: ignore[misc]
        return {"source": fields.user_object(follower, self.world),
                "target": fields.user_object(followee, self.world)}, {}

    def _emit(self, subscription: Subscription, content: tuple[dict[str, Any], dict[str, Any]]) -> None:
        payload, includes = content
        now = self._now()
        data: dict[str, Any] = {"event_type": subscription.event_type, "event_uuid": self.world.new_id(now),
                                "filter": dict(subscription.filter), "payload": payload}
        if includes:
            data["includes"] = includes
        if subscription.tag is not None:
            data["tag"] = subscription.tag
        event = Event(now, subscription.id, subscription.webhook_id is None, {"data": data})
        self.events.append(event)
        if subscription.webhook_id is None:
            self.streams.publish(event.body)
        else:
            self.webhooks.deliver(subscription.webhook_id, event.body)

    # -- the endpoints -----------------------------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("POST", "/2/activity/subscriptions", "activity_subscriptions", False, self.create),
            Endpoint("GET", "/2/activity/subscriptions", "activity_subscriptions", False, self.list),
            Endpoint("DELETE", "/2/activity/subscriptions", "activity_subscriptions", False,
                     _app_only(self.delete_many)),
            Endpoint("PUT", "/2/activity/subscriptions/{subscription_id}", "activity_subscriptions", False,
                     _app_only(self.update)),
            Endpoint("DELETE", "/2/activity/subscriptions/{subscription_id}", "activity_subscriptions", False,
                     _app_only(self.delete)),
            Endpoint("GET", "/2/activity/stream", "activity_stream", False, _app_only(self.stream)),
            Endpoint("POST", "/2/webhooks", "webhooks", False, self.create_webhook),
            Endpoint("GET", "/2/webhooks", "webhooks", False, _app_only(self.list_webhooks)),
            Endpoint("POST", "/2/webhooks/replay", "webhooks", False, _app_only(self.replay)),
            Endpoint("PUT", "/2/webhooks/{webhook_id}", "webhooks", False, self.check_webhook),
            Endpoint("DELETE", "/2/webhooks/{webhook_id}", "webhooks", False, self.delete_webhook),
        ]

    def _total(self) -> int:
        return len(self.subscriptions)

    def _subscription(self, request: Request) -> Subscription:
        query = Query(request, ())
        subscription_id = query.id("subscription_id")
        query.check()
        found = self.subscriptions.get(subscription_id or "")
        if found is None:
            # The spec is silent on unknown ids; answered as X answers other ids it cannot use.
            raise errors.invalid_request([errors.invalid_parameter(
                "subscription_id", subscription_id or "", f"subscription_id [{subscription_id}] was not found")])
        return found

    def _webhook_id(self, body: dict[str, Any]) -> str | None:
        if "webhook_id" not in body:
            return None
        webhook_id = _body_id(body, "webhook_id")
        self.webhooks.find(webhook_id)
        return webhook_id

    @staticmethod
    def _tag(body: dict[str, Any]) -> str | None:
        tag = body.get("tag")
        if tag is not None and not (isinstance(tag, str) and 1 <= len(tag) <= 200):
            raise errors.invalid_request([{"message": "$.tag: must be a string of 1 to 200 characters"}])
        return tag

    def create(self, request: Request) -> Response:
        body = _body(request)
        _refuse_unknown_keys(body, ("event_type", "filter", "tag", "webhook_id"))
        event_type, chosen = body.get("event_type"), body.get("filter")
        if event_type not in EVENT_TYPES:
            raise errors.invalid_request([{"message": "$.event_type: does not have a value in the enumeration "
                                                      f"[{', '.join(EVENT_TYPES)}]"}])
        if event_type not in MODELED:
            raise errors.invalid_request([{"message": f"$.event_type: {event_type} is not modeled by the emulator"}])
        if event_type in ENTERPRISE_ONLY and self.self_serve:
            raise errors.client_not_enrolled("29000000")
        if not isinstance(chosen, dict):
            raise errors.invalid_request([{"message": "$.filter: is missing but it is required"}])
        _refuse_unknown_keys(chosen, _FILTER_KEYS, "$.filter")
        user_id = _body_id(chosen, "user_id", "$.filter")
        if chosen.get("direction") not in (None, "inbound", "outbound"):
            raise errors.invalid_request([{"message": "$.filter.direction: does not have a value in the "
                                                      "enumeration [inbound, outbound]"}])
        if user_id not in self.world.users:
            raise errors.invalid_request([errors.invalid_parameter("filter.user_id", user_id,
                                                                   f"user_id [{user_id}] was not found")])
        now = self._now()
        subscription = Subscription(self.world.new_id(now), event_type, dict(chosen), now, now, self._tag(body),
                                    self._webhook_id(body))
        self.subscriptions[subscription.id] = subscription
        return Response(200, {"data": {"subscription": subscription.json(),
                                       "total_subscriptions_for_instance_id": self._total()},
                              "meta": {"total_subscriptions": self._total()}})

    def list(self, request: Request) -> Response:
        query = Query(request, ("max_results", "pagination_token"))
        size = query.integer("max_results", 1, 1000, 1000)
        cursor = query.decoded("pagination_token", Cursor.from_base32)
        query.check()
        newest_first = sorted(self.subscriptions.values(), key=lambda s: -int(s.id))
        page = paginate(newest_first, lambda s: int(s.id), size, cursor)
        meta: dict[str, Any] = {"result_count": len(page.items)}
        if page.next:
            meta["next_token"] = page.next.base32()
        return Response(200, {"data": [s.json() for s in page.items], "meta": meta})

    def update(self, request: Request) -> Response:
        subscription = self._subscription(request)
        body = _body(request)
        _refuse_unknown_keys(body, ("tag", "webhook_id"))
        if "tag" in body:
            subscription.tag = self._tag(body)
        if "webhook_id" in body:
            subscription.webhook_id = self._webhook_id(body)
        subscription.updated_at = self._now()
        return Response(200, {"data": {"subscription": subscription.json(), "total_subscriptions": self._total()}})

    def delete(self, request: Request) -> Response:
        del self.subscriptions[self._subscription(request).id]
        return Response(200, {"data": {"deleted": True}, "meta": {"total_subscriptions": self._total()}})

    def delete_many(self, request: Request) -> Response:
        query = Query(request, ("ids",))
        ids = query.ids("ids", most=100)
        query.check()
        unknown = [one for one in ids if one not in self.subscriptions]
        if unknown:
            raise errors.invalid_request([errors.invalid_parameter("ids", one, f"subscription_id [{one}] was not "
                                                                              "found") for one in unknown])
        for one in ids:
            del self.subscriptions[one]
        return Response(200, {"data": {"deleted": True}, "meta": {"total_subscriptions": self._total()}})

    def stream(self, request: Request) -> Response:
        query = Query(request, ("backfill_minutes", "start_time", "end_time"))
        minutes = query.integer("backfill_minutes", 0, BACKFILL_MAX_MINUTES, 0)
        for unmodeled in ("start_time", "end_time"):
            if request.arg(unmodeled) is not None:
                raise errors.invalid_request([{"message": f"{unmodeled} is not modeled by the emulator; "
                                                          "use backfill_minutes"}])
        query.check()
        since = self._now() - timedelta(minutes=minutes)
        backlog = [e.body for e in self.events if minutes and e.to_stream and e.at >= since]
        return Response(200, self.streams.connect([line(body) for body in backlog]))

    def create_webhook(self, request: Request) -> Response:
        body = _body(request)
        _refuse_unknown_keys(body, ("url",))
        url = body.get("url")
        if not isinstance(url, str) or not 1 <= len(url) <= 200:
            raise errors.invalid_request([{"message": "$.url: must be a string of 1 to 200 characters"}])
        # X takes only https URLs; the emulator also takes http, since tests serve the app without TLS.
        if not url.startswith(("https://", "http://")):
            raise errors.invalid_request([{"message": "$.url: must be an https URL"}])
        return Response(200, self.webhooks.create(url).config())

    def list_webhooks(self, request: Request) -> Response:
        query = Query(request, ("webhook_config.fields",))
        query.fields("webhook_config.fields", frozenset({"created_at", "id", "url", "valid"}))
        query.check()
        configs = [hook.config() for hook in self.webhooks.hooks.values()]
        body: dict[str, Any] = {"meta": {"result_count": len(configs)}}
        if configs:  # data has minItems 1: an empty list is left out, as elsewhere on X
            body["data"] = configs
        return Response(200, body)

    def check_webhook(self, request: Request) -> Response:
        query = Query(request, ())
        webhook_id = query.id("webhook_id")
        query.check()
        self.webhooks.check(webhook_id or "")
        return Response(200, {"data": {"attempted": True}})

    def delete_webhook(self, request: Request) -> Response:
        query = Query(request, ())
        webhook_id = query.id("webhook_id")
        query.check()
        self.webhooks.delete(webhook_id or "")
        return Response(200, {"data": {"deleted": True}})

    def replay(self, request: Request) -> Response:
        body = _body(request)
        _refuse_unknown_keys(body, ("webhook_id", "from_date", "to_date"))
        webhook_id = _body_id(body, "webhook_id")
        moments = []
        for name in ("from_date", "to_date"):
            value = body.get(name)
            try:
                moments.append(datetime.strptime(str(value), "%Y%m%d%H%M").replace(tzinfo=timezone.utc))
            except ValueError:
                raise errors.invalid_request([{"message": f"$.{name}: does not match the regex pattern "
                                                          "^[0-9]{12}$"}]) from None
        job_id, created = self.webhooks.replay(webhook_id, *moments)
        return Response(200, {"job_id": job_id, "created_at": fields.timestamp(created)})


def _app_only(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """Endpoints whose only security scheme in the document is the app's bearer token."""
    def serve(request: Request) -> Response:
        if not request.headers.get("authorization", "").startswith("Bearer "):
            raise errors.app_only_endpoint()
        return handler(request)
    return serve

