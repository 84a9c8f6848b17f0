"""The Slack emulator over real HTTP, through the real slack_sdk WebClient and a real Bolt app."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import io
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from emulators.http import Fault
from emulators.slack import SlackEmulator
from emulators.slack.console import render, watch
from emulators.slack.interactions import sign

CHANNEL, ALICE = "C0MENTIONS", "U0ALICE"
METADATA = {"event_type": "birdhouse_mention", "event_payload": {"tweet_id": "1"}}
CARD = [
    {"type": "header", "text": {"type": "plain_text", "text": "New mention"}},
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "*@ada*: is &lt;this&gt; on? <https://x.com/ada/status/1|open>"},
    },
    {
        "type": "actions",
        "block_id": "card",
        "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Reply"}, "action_id": "reply", "value": "1"},
            {"type": "button", "text": {"type": "plain_text", "text": "Like"}, "action_id": "like", "value": "1"},
        ],
    },
]
MODAL = {
    "type": "modal",
    "callback_id": "reply",
    "title": {"type": "plain_text", "text": "Reply"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "text",
            "label": {"type": "plain_text", "text": "Reply"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


@pytest.fixture
def slack() -> Iterator[SlackEmulator]:
    emulator = SlackEmulator()
    emulator.add_channel(CHANNEL, "social-mentions")
    emulator.add_user(ALICE, "alice", real_name="Alice")
    emulator.add_usergroup("S0SOCIAL", "social", [ALICE])
    serving = emulator.serve()
    yield emulator
    serving.stop()


@pytest.fixture
def client(slack: SlackEmulator) -> WebClient:
    return WebClient(slack.bot_token, base_url=f"{slack.url}/api/", timeout=5)


def post_card(client: WebClient, **extra: Any) -> str:
    return client.chat_postMessage(channel=CHANNEL, text="New mention", blocks=CARD, metadata=METADATA, **extra)["ts"]


def error_of(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


# -- Web API ---------------------------------------------------------------------------------------
def test_messages_threads_history_and_metadata(slack: SlackEmulator, client: WebClient) -> None:
    ts = post_card(client)
    reply = client.chat_postMessage(channel=CHANNEL, text="on it", thread_ts=ts)["ts"]
    client.chat_update(channel=CHANNEL, ts=ts, text="Replied", blocks=CARD[:2])
    client.reactions_add(channel=CHANNEL, timestamp=ts, name="white_check_mark")

    parent = slack.message(CHANNEL, ts)
    assert parent["text"] == "Replied" and len(parent["blocks"]) == 2 and "edited" in parent
    assert parent["metadata"] == METADATA  # chat.update without metadata keeps it
    assert (parent["reply_count"], parent["latest_reply"]) == (1, reply)
    assert [m["ts"] for m in slack.replies(CHANNEL, ts)] == [reply]
    assert slack.reactions(CHANNEL, ts) == ["white_check_mark"]

    history = client.conversations_history(channel=CHANNEL, include_all_metadata=True)
    assert [m["ts"] for m in history["messages"]] == [ts] and history["messages"][0]["metadata"] == METADATA
    assert "metadata" not in client.conversations_history(channel=CHANNEL)["messages"][0]
    thread = client.conversations_replies(channel=CHANNEL, ts=reply)  # a reply's ts finds the whole thread
    assert [m["ts"] for m in thread["messages"]] == [ts, reply]

    link = client.chat_getPermalink(channel=CHANNEL, message_ts=reply)["permalink"]
    assert (
        link == f"https://birdhouse.slack.com/archives/{CHANNEL}/p{reply.replace('.', '')}?thread_ts={ts}&cid={CHANNEL}"
    )

    client.chat_delete(channel=CHANNEL, ts=reply)
    assert slack.message(CHANNEL, ts)["reply_count"] == 0


def test_history_windows_and_pages(slack: SlackEmulator, client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=CHANNEL, text=str(i))["ts"] for i in range(5)]
    window = client.conversations_history(channel=CHANNEL, oldest=stamps[1], latest=stamps[3], inclusive=True)
    assert [m["text"] for m in window["messages"]] == ["3", "2", "1"]
    pages = [[m["text"] for m in page["messages"]] for page in client.conversations_history(channel=CHANNEL, limit=2)]
    assert pages == [["4", "3"], ["2", "1"], ["0"]]
    assert (
        error_of(lambda: client.conversations_history(channel=CHANNEL, cursor="bm9wZQ==")).response["error"]
        == "invalid_cursor"
    )


def test_ephemeral_users_and_groups(slack: SlackEmulator, client: WebClient) -> None:
    client.chat_postEphemeral(channel="#social-mentions", user=ALICE, text="only you")
    assert [e["text"] for e in slack.ephemerals(user=ALICE)] == ["only you"]
    assert (
        error_of(lambda: client.chat_postEphemeral(channel=CHANNEL, user="U0NOBODY", text="x")).response["error"]
        == "user_not_in_channel"
    )
    assert client.users_info(user=ALICE)["user"]["real_name"] == "Alice"
    assert client.usergroups_users_list(usergroup="S0SOCIAL")["users"] == [ALICE]
    assert client.conversations_info(channel=CHANNEL)["channel"]["name"] == "social-mentions"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.chat_postMessage(channel="C0NOWHERE", text="x"), "channel_not_found"),
        (lambda c: c.chat_postMessage(channel=CHANNEL), "no_text"),
        (
            lambda c: c.chat_postMessage(channel=CHANNEL, text="x", metadata={"event_type": "x"}),
            "invalid_metadata_schema",
        ),
        (
            lambda c: c.api_call("chat.postMessage", params={"channel": CHANNEL, "blocks": "[{"}),
            "invalid_blocks_format",
        ),
        (lambda c: c.chat_update(channel=CHANNEL, ts="1.000001", text="x"), "message_not_found"),
        (lambda c: c.chat_update(channel=CHANNEL, ts="1.000001", text="x" * 40_001), "msg_too_long"),
        (lambda c: c.chat_postEphemeral(channel=CHANNEL, user=ALICE, text="x" * 40_001), "msg_too_long"),
        (lambda c: c.chat_getPermalink(channel=CHANNEL, message_ts="1.000001"), "message_not_found"),
        (lambda c: c.users_info(user="U0NOBODY"), "user_not_found"),
        (lambda c: c.usergroups_users_list(usergroup="S0NONE"), "no_such_subteam"),
        (lambda c: c.reactions_add(channel=CHANNEL, timestamp="1.000001", name="not an emoji"), "invalid_name"),
        (lambda c: c.conversations_replies(channel=CHANNEL, ts="1.000001"), "thread_not_found"),
        (lambda c: c.api_call("chat.update", params={"channel": CHANNEL}), "invalid_arguments"),
        (lambda c: c.views_open(trigger_id="1.2.abc", view=MODAL), "invalid_trigger_id"),
        (lambda c: c.views_update(view_id="V0NONE", view=MODAL), "not_found"),
        (lambda c: c.views_publish(user_id="U0NOBODY", view={"type": "home", "blocks": []}), "invalid_arguments"),
        (lambda c: WebClient("xoxb-wrong", base_url=c.base_url).auth_test(), "invalid_auth"),
        (lambda c: WebClient(None, base_url=c.base_url).auth_test(), "not_authed"),
    ],
)
@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_errors_as_slack_answers_them(client: WebClient, call: Any, error: str) -> None:
    assert error_of(lambda: call(client)).response["error"] == error


def test_only_the_bot_can_update_its_messages(slack: SlackEmulator, client: WebClient) -> None:
    ts = slack.post_as_user(ALICE, CHANNEL, "hello")
    assert (
        error_of(lambda: client.chat_update(channel=CHANNEL, ts=ts, text="x")).response["error"]
        == "cant_update_message"
    )
    assert error_of(lambda: client.chat_delete(channel=CHANNEL, ts=ts)).response["error"] == "cant_delete_message"


def test_long_text_is_truncated_by_post_message(slack: SlackEmulator, client: WebClient) -> None:
    answer = client.chat_postMessage(channel=CHANNEL, text="x" * 40_010)
    assert answer["warning"] == "message_truncated"
    assert len(slack.message(CHANNEL, answer["ts"])["text"]) == 40_000


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "/blocks/0/text/text"),
        ([{"type": "divider"}] * 51, "/blocks"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "/blocks/0/text/text"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "b"}
                    ],
                }
            ],
            "/blocks/0/elements/0/text/text",
        ),
    ],
)
def test_invalid_blocks_over_the_wire(client: WebClient, blocks: list[dict[str, Any]], pointer: str) -> None:
    answer = error_of(lambda: client.chat_postMessage(channel=CHANNEL, text="x", blocks=blocks)).response
    assert answer["error"] == "invalid_blocks"
    assert answer["errors"][0].endswith(f"[json-pointer:{pointer}]")
    assert answer["response_metadata"]["messages"] == [f"[ERROR] {answer['errors'][0]}"]


def test_invalid_views_are_invalid_arguments(slack: SlackEmulator, client: WebClient) -> None:
    trigger = slack.workspace.issue_trigger(ALICE)
    bad = {**MODAL, "title": {"type": "plain_text", "text": "t" * 25}}
    answer = error_of(lambda: client.views_open(trigger_id=trigger, view=bad)).response
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert client.views_open(trigger_id=trigger, view=MODAL)["ok"]  # a refused view does not spend the trigger


def test_trigger_ids_are_single_use_and_short_lived() -> None:
    now = [1_800_000_000.0]
    slack = SlackEmulator(clock=lambda: now[0])
    slack.add_user(ALICE, "alice")
    serving = slack.serve()
    try:
        client = WebClient(slack.bot_token, base_url=f"{slack.url}/api/")
        trigger = slack.workspace.issue_trigger(ALICE)
        client.views_open(trigger_id=trigger, view=MODAL)
        assert (
            error_of(lambda: client.views_open(trigger_id=trigger, view=MODAL)).response["error"]
            == "exchanged_trigger_id"
        )
        late = slack.workspace.issue_trigger(ALICE)
        now[0] += 3.5
        assert (
            error_of(lambda: client.views_open(trigger_id=late, view=MODAL)).response["error"] == "expired_trigger_id"
        )
    finally:
        serving.stop()


# -- rate limits and faults ------------------------------------------------------------------------
def test_post_message_is_limited_per_channel_then_retried(slack: SlackEmulator, client: WebClient) -> None:
    slack.set_rate_limit("chat.postMessage", per_channel_per_second=1, burst=1)
    client.chat_postMessage(channel=CHANNEL, text="first")
    refused = error_of(lambda: client.chat_postMessage(channel=CHANNEL, text="second")).response
    assert (refused.status_code, refused["error"], refused.headers["Retry-After"]) == (429, "ratelimited", "1")

    patient = WebClient(
        slack.bot_token, base_url=f"{slack.url}/api/", retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)]
    )
    assert patient.chat_postMessage(channel=CHANNEL, text="third")["ok"]
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["first", "third"]


def test_method_tiers_are_enforced_and_can_be_switched_off(slack: SlackEmulator, client: WebClient) -> None:
    slack.set_rate_limit("users.info", per_minute=1)
    client.users_info(user=ALICE)
    assert error_of(lambda: client.users_info(user=ALICE)).response.status_code == 429
    slack.set_rate_limit("users.info")
    assert client.users_info(user=ALICE)["ok"]


def test_faults_reach_slack_sdk(slack: SlackEmulator, client: WebClient) -> None:
    slack.inject(
        Fault("/api/chat.postMessage", "status", status=503, body={"ok": False, "error": "service_unavailable"})
    )
    assert error_of(lambda: client.chat_postMessage(channel=CHANNEL, text="x")).response.status_code == 503

    slack.inject(Fault("/api/chat.postMessage", "drop"))
    sturdy = WebClient(slack.bot_token, base_url=f"{slack.url}/api/", retry_handlers=[ConnectionErrorRetryHandler()])
    assert sturdy.chat_postMessage(channel=CHANNEL, text="x")["ok"]
    assert slack.count_requests("POST", "/api/chat.postMessage") == 3

    # A lost answer: Slack posted, and the client never heard. Only a look at the history can tell.
    slack.inject(Fault("/api/chat.postMessage", "lose_answer"))
    before = len(slack.messages(CHANNEL))
    no_retries = WebClient(slack.bot_token, base_url=f"{slack.url}/api/", retry_handlers=[])
    with pytest.raises((OSError, http.client.HTTPException)):
        no_retries.chat_postMessage(channel=CHANNEL, text="lost")
    assert len(slack.messages(CHANNEL)) == before + 1 and slack.messages(CHANNEL)[-1]["text"] == "lost"


# -- Slack toward a real Bolt app ------------------------------------------------------------------
class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def bolt(slack: SlackEmulator) -> Iterator[dict[str, Any]]:
    """A Bolt app with the emulator's signing secret, served by wsgiref; ``seen`` records what it received."""
    seen: dict[str, Any] = {}
    app = App(
        token=slack.bot_token,
        signing_secret=slack.signing_secret,
        process_before_response=True,
        client=WebClient(slack.bot_token, base_url=f"{slack.url}/api/"),
    )

    @app.action("reply")
    def open_reply(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        seen["click"] = body
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.action("like")
    def like(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        seen["click"] = body
        respond(replace_original=True, text="Liked", blocks=CARD[:2])

    @app.view("reply")
    def submit(ack: Any, view: dict[str, Any]) -> None:
        text = view["state"]["values"]["text"]["value"]["value"]
        seen["submitted"] = text
        ack(response_action="errors", errors={"text": "Too short"}) if len(text) < 3 else ack()

    @app.command("/birdhouse")
    def command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        ack(text=f"working on {command['text']}")
        respond(response_type="in_channel", text="done")

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        seen["home"] = event
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": CARD[:2]})

    server = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    slack.request_url = f"http://127.0.0.1:{server.server_port}/slack/events"
    yield seen
    server.shutdown()
    server.server_close()


def test_click_replace_original_through_response_url(
    slack: SlackEmulator, client: WebClient, bolt: dict[str, Any]
) -> None:
    ts = post_card(client)
    assert slack.click(ALICE, CHANNEL, ts, "like").status == 200
    body = bolt["click"]
    assert body["actions"][0] | {"action_ts": ""} == {
        "action_id": "like",
        "block_id": "card",
        "type": "button",
        "value": "1",
        "text": {"type": "plain_text", "text": "Like"},
        "action_ts": "",
    }
    assert body["container"] == {"type": "message", "message_ts": ts, "channel_id": CHANNEL, "is_ephemeral": False}
    assert body["message"]["ts"] == ts and body["user"]["id"] == ALICE
    assert slack.message(CHANNEL, ts)["text"] == "Liked"
    assert [post["text"] for post in slack.response_url_posts(body["response_url"])] == ["Liked"]


def test_click_opens_a_modal_and_submission_answers_are_reflected(
    slack: SlackEmulator, client: WebClient, bolt: dict[str, Any]
) -> None:
    ts = post_card(client)
    slack.click(ALICE, CHANNEL, ts, "reply")
    ((view_id, view),) = slack.views.items()
    assert view["callback_id"] == "reply"

    slack.submit_view(ALICE, view_id, {"text": {"value": "no"}})
    assert bolt["submitted"] == "no" and slack.views[view_id]["errors"] == {"text": "Too short"}
    slack.submit_view(ALICE, view_id, {"text": {"value": "Thanks!"}})
    assert slack.views == {}


def test_slash_command_ack_and_response_url(slack: SlackEmulator, bolt: dict[str, Any]) -> None:
    assert slack.slash_command(ALICE, "/birdhouse", "stats", CHANNEL).status == 200
    assert [e["text"] for e in slack.ephemerals(CHANNEL, ALICE)] == ["working on stats"]
    assert [m["text"] for m in slack.messages(CHANNEL)] == ["done"]


def test_home_tab_event(slack: SlackEmulator, bolt: dict[str, Any]) -> None:
    assert slack.open_home(ALICE).status == 200
    assert bolt["home"]["tab"] == "home"
    assert slack.home(ALICE)["blocks"][0]["text"]["text"] == "New mention"


def test_signatures_are_slacks_and_bad_ones_are_refused(slack: SlackEmulator, bolt: dict[str, Any]) -> None:
    body = b"command=%2Fbirdhouse&text=x&user_id=U0ALICE"
    stamp = str(int(time.time()))
    expected = (
        "v0=" + hmac.new(slack.signing_secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    )

    assert sign(slack.signing_secret, stamp, body) == expected

    form = "application/x-www-form-urlencoded"
    assert slack.deliver(body, form, signature="v0=" + "0" * 64).status == 401
    assert slack.deliver(body, form, timestamp=int(time.time()) - 600).status == 401  # older than five minutes


def test_response_url_takes_five_posts(slack: SlackEmulator, client: WebClient, bolt: dict[str, Any]) -> None:
    ts = post_card(client)
    slack.click(ALICE, CHANNEL, ts, "like")
    url = bolt["click"]["response_url"]
    answers = []
    for i in range(5):  # one already spent by the app
        request = urllib.request.Request(
            url, data=json.dumps({"text": f"n{i}"}).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request) as answer:
                answers.append((answer.status, json.load(answer)))
        except urllib.error.HTTPError as refused:
            answers.append((refused.code, json.load(refused)))
    assert answers[:4] == [(200, {"ok": True})] * 4
    assert answers[4] == (404, {"ok": False, "error": "used_url"})
    assert len(slack.ephemerals(CHANNEL, ALICE)) == 4


# -- control API and console -----------------------------------------------------------------------
def test_control_api_scripts_slack_from_another_process(
    slack: SlackEmulator, client: WebClient, bolt: dict[str, Any]
) -> None:
    ts = post_card(client)

    def control(method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{slack.url}/_emulator/slack/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    assert control("POST", "click", {"user": ALICE, "channel": CHANNEL, "ts": ts, "action_id": "like"})["status"] == 200
    assert control("GET", f"channels/{CHANNEL}/messages")["messages"][0]["text"] == "Liked"
    assert control("GET", "views") == {"views": {}}
    assert control("GET", "ephemerals") == {"ephemerals": []}


def test_console_renders_cards_and_watches_channels(slack: SlackEmulator, client: WebClient) -> None:
    out = io.StringIO()
    watch(slack, [CHANNEL], out)
    ts = post_card(client)
    assert render(slack.message(CHANNEL, ts)) == (
        "NEW MENTION\n===========\n*@ada*: is <this> on? open (https://x.com/ada/status/1)\n[ Reply ] [ Like ]"
    )
    client.chat_update(channel=CHANNEL, ts=ts, text="gone", blocks=[])
    assert f"posted #{CHANNEL} {ts}" in out.getvalue() and out.getvalue().rstrip().endswith("gone")
