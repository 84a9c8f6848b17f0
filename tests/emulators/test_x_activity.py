"""The X Activity API and webhooks over real HTTP with requests (tweepy has no client for them), every
answer checked against the OpenAPI document 2.166 like the rest of the X emulator."""

from __future__ import annotations

import hashlib
import hmac
import base64
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1

from emulators.http import Emulator, Request, Response, Serving
from emulators.x import XEmulator
from emulators.x.traffic import TrafficSource
from emulators.x.webhooks import SIGNATURE_HEADER
from tests.helpers import eventually
from tests.emulators.test_x_schema import Spec

MENTIONS = "post.mention.create"


@pytest.fixture(scope="module")
def spec(x_openapi: dict[str, Any]) -> Spec:
    return Spec(x_openapi)


@pytest.fixture
def api(x: XEmulator, x_url: str) -> requests.Session:
    """The app's bearer token, as the Activity endpoints want it."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {x.credentials.bearer_token}"
    session.base = x_url  # type: ignore[attr-defined]
    return session


def call(api: requests.Session, method: str, path: str, **kwargs: Any) -> requests.Response:
    return api.request(method, api.base + path, timeout=5, **kwargs)  # type: ignore[attr-defined]


def subscribe(api: requests.Session, x: XEmulator, event_type: str = MENTIONS, **extra: Any) -> dict[str, Any]:
    answer = call(api, "POST", "/2/activity/subscriptions",
                  json={"event_type": event_type, "filter": {"user_id": x.brand["id"]}, **extra})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["subscription"]


# -- subscriptions -------------------------------------------------------------------------------
def test_subscriptions_create_list_update_delete(x, api, spec):
    created = spec.conforms("POST", "/2/activity/subscriptions", call(
        api, "POST", "/2/activity/subscriptions",
        json={"event_type": MENTIONS, "filter": {"user_id": x.brand["id"]}, "tag": "mentions"}))
    subscription = created["data"]["subscription"]
    assert (subscription["event_type"], subscription["filter"], subscription["tag"]) == (
        MENTIONS, {"user_id": x.brand["id"]}, "mentions")
    listed = spec.conforms("GET", "/2/activity/subscriptions", call(api, "GET", "/2/activity/subscriptions"))
    assert [s["subscription_id"] for s in listed["data"]] == [subscription["subscription_id"]]
    path = f"/2/activity/subscriptions/{subscription['subscription_id']}"
    updated = spec.conforms("PUT", "/2/activity/subscriptions/{subscription_id}",
                            call(api, "PUT", path, json={"tag": "renamed"}))
    assert updated["data"]["subscription"]["tag"] == "renamed"
    deleted = spec.conforms("DELETE", "/2/activity/subscriptions/{subscription_id}", call(api, "DELETE", path))
    assert deleted == {"data": {"deleted": True}, "meta": {"total_subscriptions": 0}}
    assert call(api, "GET", "/2/activity/subscriptions").json()["meta"]["result_count"] == 0


def test_subscriptions_page_and_delete_by_ids(x, api, spec):
    ids = [subscribe(api, x, tag=f"t{i}")["subscription_id"] for i in range(3)]
    first = call(api, "GET", "/2/activity/subscriptions", params={"max_results": 2}).json()
    second = spec.conforms("GET", "/2/activity/subscriptions", call(
        api, "GET", "/2/activity/subscriptions", params={"max_results": 2,
                                                         "pagination_token": first["meta"]["next_token"]}))
    assert sorted(s["subscription_id"] for s in first["data"] + second["data"]) == sorted(ids)
    gone = call(api, "DELETE", "/2/activity/subscriptions", params={"ids": ",".join(ids[:2])})
    assert spec.conforms("DELETE", "/2/activity/subscriptions", gone)["meta"]["total_subscriptions"] == 1


@pytest.mark.parametrize("case", ["unknown-id", "bad-event-type", "unmodeled-event-type", "no-filter",
                                  "unknown-user", "unknown-webhook", "follows-on-self-serve", "user-token",
                                  "no-token", "bad-page-size"])
def test_subscription_refusals(x, x_url, api, spec, case):
    brand = x.brand["id"]
    method, path = "POST", "/2/activity/subscriptions"
    body: dict[str, Any] = {"event_type": MENTIONS, "filter": {"user_id": brand}}
    if case == "unknown-id":
        method, path = "DELETE", "/2/activity/subscriptions/{subscription_id}"
        answer = call(api, "DELETE", "/2/activity/subscriptions/1234")
    elif case == "user-token":
        method, path = "GET", "/2/activity/stream"
        c = x.credentials
        answer = requests.get(x_url + path, timeout=5,
                              auth=OAuth1(c.api_key, c.api_secret, c.access_token, c.access_token_secret))
    elif case == "no-token":
        answer = requests.post(x_url + path, json=body, timeout=5)
    elif case == "bad-page-size":
        method = "GET"
        answer = call(api, "GET", path, params={"max_results": 0})
    else:
        body = {"bad-event-type": {**body, "event_type": "post.like"},
                "unmodeled-event-type": {**body, "event_type": "dm.received"},
                "no-filter": {"event_type": MENTIONS},
                "unknown-user": {**body, "filter": {"user_id": "1"}},
                "unknown-webhook": {**body, "webhook_id": "1"},
                "follows-on-self-serve": {**body, "event_type": "follow.follow"}}[case]
        answer = call(api, "POST", path, json=body)
    expected = {"user-token": 403, "follows-on-self-serve": 403, "no-token": 401}.get(case, 400)
    assert answer.status_code == expected, answer.text
    spec.conforms(method, path, answer)
    assert x.activity.subscriptions == {} or case == "unknown-id"


# -- the stream ----------------------------------------------------------------------------------
class Stream:
    """One stream connection, read chunk by chunk: an event each, or a keep-alive."""

    def __init__(self, api: requests.Session, **params: Any) -> None:
        # A session of its own: the server closes the connection when the stream ends, so it must not go back
        # to the pool that the next request takes it from.
        session = requests.Session()
        session.headers.update(api.headers)
        self.response = session.get(api.base + "/2/activity/stream", params=params, stream=True,  # type: ignore[attr-defined]
                                    timeout=5)
        self._chunks: Iterator[bytes] = self.response.iter_content(chunk_size=None)

    def next_chunk(self) -> bytes:
        return next(self._chunks)

    def next_event(self) -> dict[str, Any]:
        while (chunk := self.next_chunk()) == b"\r\n":
            pass
        assert chunk.endswith(b"\r\n")
        return json.loads(chunk)

    def close(self) -> None:
        self.response.close()


def conforms_as_event(spec: Spec, event: dict[str, Any]) -> None:
    """The stream's schema, with the payload checked against the one its event type maps to (the document's
    discriminator points outside the payload, which jsonschema cannot follow)."""
    data = dict(event["data"])
    payload = data.pop("payload")
    spec.validate({"$ref": "#/components/schemas/ActivityStreamingResponse"}, {"data": data})
    mapping = spec.component("ActivityStreamingResponsePayload")["discriminator"]["mapping"]
    spec.validate({"$ref": mapping[data["event_type"]]}, payload)


def test_mentions_arrive_on_the_stream_with_keepalives_between(x, api, spec):
    x.activity.streams.keepalive_seconds = 0.02
    subscription = subscribe(api, x, tag="mine")
    carol = x.add_user("carol")["id"]
    stream = Stream(api)
    assert stream.response.status_code == 200
    assert stream.next_chunk() == b"\r\n"  # idle: keep-alives
    x.post(carol, "not about the brand")
    mention = x.post(carol, "@birdhouse Q&A <now>")
    event = stream.next_event()
    conforms_as_event(spec, event)
    data = event["data"]
    assert (data["event_type"], data["tag"], data["filter"]) == (MENTIONS, "mine", subscription["filter"])
    assert data["payload"]["id"] == mention["id"] and data["payload"]["text"] == "@birdhouse Q&amp;A &lt;now&gt;"
    assert data["includes"]["users"][0]["id"] == carol
    stream.close()


def test_a_second_connection_is_refused_while_one_is_open(x, api, spec):
    stream = Stream(api)
    assert stream.response.status_code == 200
    refused = call(api, "GET", "/2/activity/stream")
    assert refused.status_code == 429
    assert spec.conforms("GET", "/2/activity/stream", refused)["connection_issue"] == "TooManyConnections"
    x.activity.streams.disconnect()
    stream.close()


def test_backfill_replays_the_last_minutes(x, api, spec, clock):
    subscribe(api, x)
    carol = x.add_user("carol")["id"]
    old = x.post(carol, "@birdhouse old")["id"]
    clock.advance(180)
    recent = x.post(carol, "@birdhouse recent")["id"]
    stream = Stream(api, backfill_minutes=2)
    assert stream.next_event()["data"]["payload"]["id"] == recent
    x.activity.streams.disconnect()
    stream.close()
    eventually(lambda: x.activity.streams.open_count() == 0)
    stream = Stream(api, backfill_minutes=5)
    assert [stream.next_event()["data"]["payload"]["id"] for _ in range(2)] == [old, recent]
    x.activity.streams.disconnect()
    stream.close()
    eventually(lambda: x.activity.streams.open_count() == 0)
    too_far = call(api, "GET", "/2/activity/stream", params={"backfill_minutes": 6})
    assert too_far.status_code == 400
    spec.conforms("GET", "/2/activity/stream", too_far)


def test_disconnects_on_demand(x, api, spec):
    stream = Stream(api)
    assert x.activity.streams.disconnect() == 1
    farewell = stream.next_event()
    spec.validate({"$ref": "#/components/schemas/ActivityStreamingResponse"}, farewell)
    assert farewell["errors"][0]["disconnect_type"] == "OperationalDisconnect"
    with pytest.raises(StopIteration):
        stream.next_chunk()
    eventually(lambda: x.activity.streams.open_count() == 0)
    abrupt = Stream(api)
    assert x.activity.streams.disconnect(abrupt=True) == 1
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        abrupt.next_chunk()
    eventually(lambda: x.activity.streams.open_count() == 0)


def test_the_traffic_source_emits_through_the_stream(clock, serve, spec):
    x = XEmulator(access="enterprise", clock=clock)
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {x.credentials.bearer_token}"
    api.base = serve(x)  # type: ignore[attr-defined]
    subscribe(api, x)
    subscribe(api, x, "follow.follow", filter={"user_id": x.brand["id"], "direction": "inbound"})
    stream = Stream(api)
    source = TrafficSource(x, seed=2)
    mention = source.mention("complaint")
    follower = source.follower("ordinary")
    first, second = stream.next_event(), stream.next_event()
    for event in (first, second):
        conforms_as_event(spec, event)
    assert first["data"]["payload"]["id"] == mention["id"]
    assert second["data"]["event_type"] == "follow.follow"
    assert (second["data"]["payload"]["source"]["id"], second["data"]["payload"]["target"]["id"]) == (
        follower["id"], x.brand["id"])
    x.activity.streams.disconnect()
    stream.close()


# -- webhooks ------------------------------------------------------------------------------------
class WebhookApp(Emulator):
    """The app's side of a webhook: answers the CRC (rightly unless told otherwise) and keeps deliveries."""

    def __init__(self, consumer_secret: str) -> None:
        super().__init__()
        self.secret = consumer_secret
        self.answer_crc_rightly = True
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.route("GET", "/webhook", self._crc)
        self.route("POST", "/webhook", self._event)

    def _crc(self, request: Request) -> Response:
        secret = self.secret if self.answer_crc_rightly else "not-the-secret"
        digest = hmac.new(secret.encode(), (request.arg("crc_token") or "").encode(), hashlib.sha256).digest()
        return Response(200, {"response_token": "sha256=" + base64.b64encode(digest).decode()})

    def _event(self, request: Request) -> Response:
        self.received.append((request.headers, request.body))
        return Response(200)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def webhook_app(x: XEmulator) -> Iterator[tuple[WebhookApp, str]]:
    app = WebhookApp(x.credentials.api_secret)
    with Serving(app) as url:
        yield app, url + "/webhook"


def register(api: requests.Session, url: str) -> requests.Response:
    return call(api, "POST", "/2/webhooks", json={"url": url})


def test_a_webhook_passes_the_crc_and_gets_signed_deliveries(x, api, spec, webhook_app):
    app, url = webhook_app
    created = spec.conforms("POST", "/2/webhooks", register(api, url))
    assert created["valid"] is True and created["url"] == url
    assert spec.conforms("GET", "/2/webhooks", call(api, "GET", "/2/webhooks"))["data"] == [created]
    subscribe(api, x, webhook_id=created["id"])
    stream = Stream(api)
    mention = x.post(x.add_user("carol")["id"], "@birdhouse hello")
    eventually(lambda: app.received)
    headers, body = app.received[0]
    expected = "sha256=" + base64.b64encode(
        hmac.new(x.credentials.api_secret.encode(), body, hashlib.sha256).digest()).decode()
    assert headers[SIGNATURE_HEADER] == expected
    conforms_as_event(spec, json.loads(body))
    assert json.loads(body)["data"]["payload"]["id"] == mention["id"]
    assert x.activity.streams.disconnect() == 1 and stream.next_event()["errors"]  # nothing else went there
    stream.close()


def test_a_webhook_that_fails_the_crc_is_refused_or_made_invalid(x, api, spec, webhook_app):
    app, url = webhook_app
    app.answer_crc_rightly = False
    refused = register(api, url)
    assert refused.status_code == 400
    spec.conforms("POST", "/2/webhooks", refused)
    assert x.activity.webhooks.hooks == {}
    app.answer_crc_rightly = True
    webhook = register(api, url).json()
    subscribe(api, x, webhook_id=webhook["id"])
    app.answer_crc_rightly = False
    checked = spec.conforms("PUT", "/2/webhooks/{webhook_id}", call(api, "PUT", f"/2/webhooks/{webhook['id']}"))
    assert checked == {"data": {"attempted": True}}
    assert call(api, "GET", "/2/webhooks").json()["data"][0]["valid"] is False
    x.post(x.add_user("carol")["id"], "@birdhouse anyone?")
    assert x.activity.webhooks.wait_until_sent()
    assert app.received == []


def test_replay_resends_past_events_then_says_it_is_done(x, api, spec, webhook_app, clock):
    app, url = webhook_app
    webhook = register(api, url).json()
    subscribe(api, x, webhook_id=webhook["id"])
    mention = x.post(x.add_user("carol")["id"], "@birdhouse missed?")
    eventually(lambda: len(app.received) == 1)
    now = datetime.fromtimestamp(clock(), timezone.utc)
    window = {"from_date": (now - timedelta(minutes=5)).strftime("%Y%m%d%H%M"),
              "to_date": now.strftime("%Y%m%d%H%M")}
    job = spec.conforms("POST", "/2/webhooks/replay",
                        call(api, "POST", "/2/webhooks/replay", json={"webhook_id": webhook["id"], **window}))
    eventually(lambda: len(app.received) == 3)
    replayed, done = app.events()[1:]
    assert replayed["data"]["payload"]["id"] == mention["id"]
    assert done["replay_job_status"]["job_id"] == job["job_id"]
    too_old = {"from_date": (now - timedelta(days=2)).strftime("%Y%m%d%H%M"), "to_date": window["to_date"]}
    refused = call(api, "POST", "/2/webhooks/replay", json={"webhook_id": webhook["id"], **too_old})
    assert refused.status_code == 400
    spec.conforms("POST", "/2/webhooks/replay", refused)


def test_webhook_delete_and_unknown_ids(x, api, spec, webhook_app):
    _, url = webhook_app
    webhook = register(api, url).json()
    deleted = call(api, "DELETE", f"/2/webhooks/{webhook['id']}")
    assert spec.conforms("DELETE", "/2/webhooks/{webhook_id}", deleted) == {"data": {"deleted": True}}
    again = call(api, "DELETE", f"/2/webhooks/{webhook['id']}")
    assert again.status_code == 400
    spec.conforms("DELETE", "/2/webhooks/{webhook_id}", again)
    assert spec.conforms("GET", "/2/webhooks", call(api, "GET", "/2/webhooks")) == {"meta": {"result_count": 0}}


# -- the document and the control API ------------------------------------------------------------
def test_the_activity_endpoints_exist_in_the_document(x, spec):
    for endpoint in x.activity.endpoints():
        assert endpoint.method.lower() in spec.doc["paths"][endpoint.pattern], endpoint.pattern


def test_the_control_api_drives_the_stream(x, x_url, api):
    control = x_url + "/_emulator/x"
    assert requests.put(control + "/stream", json={"keepalive_seconds": 0.02}, timeout=5).json() == {
        "keepalive_seconds": 0.02}
    subscribe(api, x)
    stream = Stream(api)
    assert stream.next_chunk() == b"\r\n"
    state = requests.get(control + "/activity", timeout=5).json()
    assert state["stream_connections"] == 1 and len(state["subscriptions"]) == 1
    assert requests.post(control + "/stream/disconnect", json={"abrupt": True}, timeout=5).json() == {
        "disconnected": 1}
    stream.close()
