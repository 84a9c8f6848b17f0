"""Socket Mode through slack_sdk's own built-in SocketModeClient, as Bolt's SocketModeHandler uses it."""

from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from emulators.slack import SlackEmulator
from emulators.slack import websocket
from emulators.slack.socket_mode import MAX_CONNECTIONS
from tests.conftest import close_at_once
from tests.helpers import eventually

CHANNEL, ALICE = "C0MENTIONS", "U0ALICE"
CARD = [{"type": "actions", "block_id": "card", "elements": [
    {"type": "button", "text": {"type": "plain_text", "text": "Reply"}, "action_id": "reply", "value": "1"}]}]
MODAL = {"type": "modal", "callback_id": "reply", "title": {"type": "plain_text", "text": "Reply"},
         "submit": {"type": "plain_text", "text": "Send"},
         "blocks": [{"type": "input", "block_id": "text", "label": {"type": "plain_text", "text": "Reply"},
                     "element": {"type": "plain_text_input", "action_id": "value"}}]}
Answer = Callable[[SocketModeRequest], dict[str, Any] | None]


@pytest.fixture
def slack() -> Iterator[SlackEmulator]:
    emulator = SlackEmulator()
    emulator.add_channel(CHANNEL, "social-mentions")
    emulator.add_user(ALICE, "alice")
    emulator.delivery = "socket_mode"
    serving = emulator.serve()
    yield emulator
    emulator.close()
    serving.stop()


class App:
    """A SocketModeClient that records what it hears and acks with ``answer(request)`` (None: no ack)."""

    def __init__(self, slack: SlackEmulator, answer: Answer = lambda request: {}) -> None:
        web = WebClient(base_url=f"{slack.url}/api/", timeout=5)
        # A short ping interval: the client's monitor, which reconnects dropped sessions, runs on it.
        self.client = SocketModeClient(app_token=slack.app_token, web_client=web, ping_interval=0.2,
                                       logger=logging.getLogger("test.socket_mode"))
        self.slack = slack
        self.messages: list[dict[str, Any]] = []
        self.requests: list[SocketModeRequest] = []
        self.answer = answer
        self.client.message_listeners.append(lambda client, message, raw: self.messages.append(message))
        self.client.socket_mode_request_listeners.append(self._on_request)

    def _on_request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        self.requests.append(request)
        payload = self.answer(request)
        if payload is not None:
            client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload or None))

    def __enter__(self) -> App:
        self.client.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        close_at_once(self.client, self.slack)


def post_card(slack: SlackEmulator) -> str:
    client = WebClient(slack.bot_token, base_url=f"{slack.url}/api/", timeout=5)
    return client.chat_postMessage(channel=CHANNEL, text="New mention", blocks=CARD)["ts"]


def hello(app: App) -> dict[str, Any]:
    return eventually(lambda: next((m for m in app.messages if m.get("type") == "hello"), None))


# -- apps.connections.open -----------------------------------------------------------------------
def test_connections_open_wants_the_app_level_token(slack):
    url = WebClient(base_url=f"{slack.url}/api/").apps_connections_open(app_token=slack.app_token)["url"]
    assert url.startswith(f"ws://127.0.0.1:{slack.socket_mode.port}/link/?ticket=")
    refusals = {}
    for token in (slack.bot_token, "xapp-1-A0BIRDHSE-1-forged"):
        with pytest.raises(SlackApiError) as refused:
            WebClient(base_url=f"{slack.url}/api/").apps_connections_open(app_token=token)
        refusals[token] = refused.value.response["error"]
    assert refusals == {slack.bot_token: "not_allowed_token_type", "xapp-1-A0BIRDHSE-1-forged": "invalid_auth"}
    with pytest.raises(SlackApiError) as refused:
        WebClient(slack.app_token, base_url=f"{slack.url}/api/").chat_postMessage(channel=CHANNEL, text="hi")
    assert refused.value.response["error"] == "not_allowed_token_type"


def raw_handshake(url: str) -> tuple[str, websocket.WebSocket]:
    """A bare client: the status line of the handshake, and the socket to read frames from."""
    address, _, path = url.removeprefix("ws://").partition("/")
    host, port = address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    return head.split(b"\r\n", 1)[0].decode(), websocket.WebSocket(sock)


def read_json(ws: websocket.WebSocket) -> dict[str, Any]:
    opcode, data = ws.receive()
    assert opcode == websocket.TEXT
    return json.loads(data)


def test_each_url_is_a_single_use_ticket(slack):
    url = slack.socket_mode.open_url()
    status, first = raw_handshake(url)
    assert status == "HTTP/1.1 101 Switching Protocols"
    assert read_json(first)["type"] == "hello"
    assert raw_handshake(url)[0] == "HTTP/1.1 401 Unauthorized"
    assert raw_handshake(url.replace("ticket=", "ticket=x"))[0] == "HTTP/1.1 401 Unauthorized"
    first.close()


def test_at_most_ten_connections(slack):
    sockets = []
    for count in range(1, MAX_CONNECTIONS + 1):
        _, ws = raw_handshake(slack.socket_mode.open_url())
        assert read_json(ws)["num_connections"] == count
        sockets.append(ws)
    _, eleventh = raw_handshake(slack.socket_mode.open_url())
    assert read_json(eleventh)["reason"] == "too_many_websockets"
    for ws in sockets:
        ws.close()


# -- hello, envelopes, acks ----------------------------------------------------------------------
def test_hello_then_a_click_as_an_interactive_envelope(slack):
    ts = post_card(slack)
    with App(slack) as app:
        greeting = hello(app)
        assert greeting["num_connections"] == 1
        assert greeting["connection_info"] == {"app_id": slack.workspace.app_id}
        assert "host" in greeting["debug_info"]
        answer = slack.click(ALICE, CHANNEL, ts, "reply")
    assert answer.status == 200
    request = app.requests[0]
    assert request.type == "interactive"
    assert request.payload["type"] == "block_actions" and request.payload["actions"][0]["action_id"] == "reply"
    assert request.payload["response_url"].startswith(slack.url)
    assert request.accepts_response_payload is False
    assert (request.retry_attempt, request.retry_reason) == (0, "")
    assert slack.socket_mode.late() == []


def test_a_view_submissions_ack_payload_is_the_response_action(slack):
    opened = {}

    def answer(request: SocketModeRequest) -> dict[str, Any] | None:
        if request.payload["type"] == "block_actions":
            web = WebClient(slack.bot_token, base_url=f"{slack.url}/api/")
            opened["view"] = web.views_open(trigger_id=request.payload["trigger_id"], view=MODAL)["view"]
            return {}
        return {"response_action": "errors", "errors": {"text": "Too long"}}

    ts = post_card(slack)
    with App(slack, answer) as app:
        slack.click(ALICE, CHANNEL, ts, "reply")
        view_id = opened["view"]["id"]
        slack.submit_view(ALICE, view_id, {"text": {"value": "x" * 300}})
    submission = app.requests[1]
    assert submission.payload["type"] == "view_submission" and submission.accepts_response_payload is True
    assert slack.views[view_id]["errors"] == {"text": "Too long"}


def test_a_slash_commands_ack_payload_is_its_answer(slack):
    with App(slack, lambda request: {"text": "Working on it"}) as app:
        answer = slack.slash_command(ALICE, "/birdhouse", "stats", CHANNEL)
    assert answer.status == 200 and answer.json() == {"text": "Working on it"}
    request = app.requests[0]
    assert request.type == "slash_commands" and request.accepts_response_payload is True
    assert request.payload["command"] == "/birdhouse" and request.payload["text"] == "stats"
    assert [e["text"] for e in slack.ephemerals(CHANNEL, ALICE)] == ["Working on it"]


def test_events_come_as_events_api_envelopes(slack):
    with App(slack) as app:
        slack.open_home(ALICE)
    request = app.requests[0]
    assert request.type == "events_api" and request.payload["event"]["type"] == "app_home_opened"


def test_an_envelope_unacked_in_time_is_late_and_retried(slack):
    slack.socket_mode.ack_timeout = 0.3  # the rule is Slack's 3 s; a test needs not wait it out
    ts = post_card(slack)
    with App(slack, lambda request: {} if request.retry_attempt else None) as app:
        answer = slack.click(ALICE, CHANNEL, ts, "reply")
    assert answer.status == 0  # as over HTTP: the person saw an error
    assert [(r.retry_attempt, r.retry_reason) for r in app.requests] == [(0, ""), (1, "timeout")]
    [late] = slack.socket_mode.late()
    assert [a.acked_after is not None for a in late.attempts] == [False, True]


# -- disconnects, drops, pings -------------------------------------------------------------------
def test_refresh_requested_makes_the_client_reconnect_with_a_new_url(slack):
    ts = post_card(slack)
    with App(slack) as app:
        hello(app)
        first_url = app.client.wss_uri
        assert slack.socket_mode.disconnect("refresh_requested") == 1
        eventually(lambda: len(slack.socket_mode.open_connections()) == 1
                   and slack.socket_mode.open_connections()[0].id == 2)
        assert app.client.wss_uri != first_url
        assert slack.count_requests("POST", "/api/apps.connections.open") == 2
        assert slack.click(ALICE, CHANNEL, ts, "reply").status == 200
    assert slack.socket_mode.envelopes()[0].attempts[0].connection_id == 2


def test_a_dropped_connection_is_reconnected_and_nothing_is_lost(slack):
    ts = post_card(slack)
    with App(slack) as app:
        hello(app)
        assert slack.socket_mode.drop() == 1
        # Sent while the client has yet to notice: it waits for the new connection, as Slack holds it.
        answer = slack.click(ALICE, CHANNEL, ts, "reply")
        eventually(lambda: any(c.id == 2 for c in slack.socket_mode.open_connections()))
    assert answer.status in (0, 200)
    assert [r.envelope_id for r in app.requests][-1] == slack.socket_mode.envelopes()[0].envelope_id
    assert slack.count_requests("POST", "/api/apps.connections.open") == 2


def test_ping_pong_both_ways(slack):
    with App(slack) as app:
        hello(app)
        [connection] = slack.socket_mode.open_connections()
        eventually(lambda: connection.pings_answered > 0)  # the client pings on connect and then every interval
        [payload] = slack.socket_mode.ping()
        eventually(lambda: payload in connection.pongs)


def test_each_envelope_goes_to_one_connection(slack):
    ts = post_card(slack)
    with App(slack) as first, App(slack) as second:
        eventually(lambda: len(slack.socket_mode.open_connections()) == 2)
        for _ in range(4):
            assert slack.click(ALICE, CHANNEL, ts, "reply").status == 200
    heard = [r.envelope_id for r in first.requests] + [r.envelope_id for r in second.requests]
    assert sorted(heard) == sorted(e.envelope_id for e in slack.socket_mode.envelopes())
    assert first.requests and second.requests


# -- the control API over HTTP -------------------------------------------------------------------
def control(slack: SlackEmulator, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(f"{slack.url}/_emulator/slack/{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def test_the_control_api_switches_delivery_and_drives_connections(slack):
    assert control(slack, "PUT", "delivery", {"mode": "http"}) == {"mode": "http", "ack_timeout": 3.0}
    assert slack.delivery == "http"
    control(slack, "PUT", "delivery", {"mode": "socket_mode"})
    with App(slack) as app:
        hello(app)
        assert control(slack, "POST", "socket_mode/ping", {})["sent"]
        assert control(slack, "POST", "socket_mode/disconnect", {"reason": "warning"}) == {"told": 1}
        eventually(lambda: [c["id"] for c in control(slack, "GET", "socket_mode")["connections"] if c["open"]] == [2])
        assert control(slack, "POST", "socket_mode/drop", {}) == {"dropped": 1}
        answer = control(slack, "POST", "command", {"user": ALICE, "command": "/birdhouse", "channel": CHANNEL})
    assert answer["status"] in (0, 200)
    record = control(slack, "GET", "socket_mode")
    assert record["envelopes"][0]["type"] == "slash_commands"
    with pytest.raises(urllib.error.HTTPError):
        control(slack, "POST", "socket_mode/disconnect", {"reason": "bored"})


def test_delivery_modes_are_checked(slack):
    with pytest.raises(ValueError):
        slack.delivery = "carrier_pigeon"
