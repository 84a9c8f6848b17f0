"""``birdhouse web``: only Slack, signing with the app's secret and recently, gets anything done; GET /healthz
answers load balancers."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from emulators.slack.interactions import sign
from slackbot.app import create_app
from tests.conftest import ALICE, MENTIONS, Stack
from tests.helpers import card_for, events

FORM = "application/x-www-form-urlencoded"


def escalate_payload(stack: Stack, card: dict) -> bytes:
    """A block_actions body as Slack would send it for Alice pressing Escalate on the card."""
    payload = {
        "type": "block_actions", "user": {"id": ALICE, "username": "alice", "team_id": "T0"},
        "api_app_id": "A0", "token": "x", "trigger_id": "1.2.abc", "team": {"id": "T0", "domain": "acme"},
        "container": {"type": "message", "message_ts": card["ts"], "channel_id": MENTIONS},
        "channel": {"id": MENTIONS, "name": "social-mentions"}, "message": card,
        "actions": [{"action_id": "mention.escalate", "block_id": "actions", "type": "button",
                     "value": card["metadata"]["event_payload"]["tweet_id"], "action_ts": "1.0"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


@pytest.mark.parametrize("forgery", ["wrong secret", "stale", "tampered body"])
def test_a_badly_signed_or_stale_request_is_refused_and_changes_nothing(stack: Stack, forgery: str):
    card, _ = card_for(stack)
    body = escalate_payload(stack, card)
    now = int(time.time())
    if forgery == "wrong secret":
        answer = stack.slack.deliver(body, FORM, timestamp=now, signature=sign("not-the-secret", str(now), body))
    elif forgery == "stale":  # signed correctly, six minutes ago: a replay
        then = now - 360
        answer = stack.slack.deliver(body, FORM, timestamp=then,
                                     signature=sign(stack.settings.slack_signing_secret, str(then), body))
    else:
        signed = sign(stack.settings.slack_signing_secret, str(now), body)
        answer = stack.slack.deliver(body.replace(b"escalate", b"done"), FORM, timestamp=now, signature=signed)
    stack.work()

    assert answer.status == 401
    assert events(stack, "escalate") == [] and events(stack, "done") == []
    assert stack.slack.message(MENTIONS, card["ts"])["blocks"] == card["blocks"]
    assert stack.slack.ephemerals() == []


def test_the_same_request_properly_signed_is_acted_on(stack: Stack):
    card, _ = card_for(stack)

    answer = stack.slack.deliver(escalate_payload(stack, card), FORM)  # signed by the emulator as Slack signs
    stack.work()

    assert answer.status == 200
    assert [event.user for event in events(stack, "escalate")] == [ALICE]


def test_healthz_answers_ok_while_redis_is_up(stack: Stack):
    url = stack.serve_app()
    with urllib.request.urlopen(url + "/healthz", timeout=3) as answer:
        assert answer.status == 200 and json.loads(answer.read()) == {"ok": True}


@pytest.mark.parametrize("body, content_type", [(b"payload=%7Bnot-json", FORM), (b"{not json", "application/json")],
                         ids=["form", "json"])
def test_a_signed_but_malformed_body_gets_a_clear_400(stack: Stack, body: bytes, content_type: str):
    stack.serve_app()
    response = stack.slack.deliver(body, content_type)
    assert (response.status, response.json()) == (400, {"error": "malformed request body"})


def test_an_unsigned_request_gets_401_whatever_it_carries(stack: Stack):
    url = stack.serve_app()
    for body, content_type in ((b"{not json", "application/json"), (b"payload=%7Bnot-json", FORM), (b"", FORM)):
        request = urllib.request.Request(url + "/slack/events", data=body, headers={"Content-Type": content_type})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 401
        assert json.loads(refused.value.read()) == {"error": "invalid request"}


def test_a_refused_request_is_logged_without_what_it_carried(stack: Stack, caplog: pytest.LogCaptureFixture):
    card, _ = card_for(stack)
    body = escalate_payload(stack, card)
    now = int(time.time())
    with caplog.at_level(logging.DEBUG):
        answer = stack.slack.deliver(body, FORM, timestamp=now, signature=sign("not-the-secret", str(now), body))
    assert answer.status == 401
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "refused a request to /slack/events: a signature that does not match" in logged
    assert "@acme my order 1234" not in logged and "payload" not in logged


def test_other_methods_on_the_events_path_get_a_json_405(stack: Stack):
    url = stack.serve_app()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url + "/slack/events", timeout=5)
    assert refused.value.code == 405 and refused.value.headers["Allow"] == "POST"
    assert refused.value.headers["Content-Type"] == "application/json"
    assert json.loads(refused.value.read()) == {"error": "POST only"}


def test_the_app_starts_without_warnings(stack: Stack, monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture):
    monkeypatch.setenv("SLACK_BOT_TOKEN", stack.settings.slack_bot_token)  # as in production: set, and read by Bolt
    with caplog.at_level(logging.WARNING):
        create_app(stack.settings, stack.redis)
    assert [record.getMessage() for record in caplog.records] == []
