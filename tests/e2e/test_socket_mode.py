"""Slack over Socket Mode: the Slack emulator's WebSocket → slack_sdk's client → Bolt (``birdhouse socket``) →
Redis and RQ → worker → X and Slack: buttons, the reply modal, ``/birdhouse`` and the App Home. Every envelope is acked within Slack's 3 s (the emulator records any that
was not), across a refresh and a dropped connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import ALICE, MENTIONS, Stack
from tests.helpers import current, eventually, events, notes_to, section


@pytest.fixture
def socket_stack(stack: Stack) -> Iterator[Stack]:
    stack.serve_socket_mode()
    eventually(lambda: len(stack.slack.socket_mode.open_connections()) == 1)
    yield stack
    assert stack.slack.socket_mode.late() == [], "an envelope was not acked within 3 s"


def _card(stack: Stack, text: str = "@acme where is my order 1234?") -> tuple[dict, dict]:
    author = stack.x.add_user("carol", name="Carol", followers_count=300)
    post = stack.x.post(author["id"], text)
    stack.poll_mentions()
    [card] = stack.cards()
    return card, post


def _click(stack: Stack, user: str, card: dict, action_id: str) -> None:
    answer = stack.slack.click(user, MENTIONS, card["ts"], action_id)
    assert answer.status == 200, answer.text


def _claimed_by_alice(stack: Stack, card: dict) -> bool:
    stack.work()
    return "Claimed by <@U0ALICE>" in section(current(stack, card), "status")


def test_a_button_press_is_acked_and_acted_on(socket_stack: Stack):
    card, _ = _card(socket_stack)

    _click(socket_stack, ALICE, card, "mention.claim")

    eventually(lambda: _claimed_by_alice(socket_stack, card))
    [envelope] = socket_stack.slack.socket_mode.envelopes()
    assert envelope.type == "interactive" and envelope.attempts[0].acked_after < 3.0


def test_the_reply_modal_refuses_in_place_then_posts_once(socket_stack: Stack):
    card, post = _card(socket_stack)
    _click(socket_stack, ALICE, card, "mention.reply")
    (view,) = [v for v in socket_stack.slack.views.values() if v["callback_id"] == "mention.reply"]

    refused = socket_stack.slack.submit_view(ALICE, view["id"], {"reply_text": {"reply.text": "   "}})
    assert refused.status == 200 and refused.json()["response_action"] == "errors"
    assert "empty" in socket_stack.slack.views[view["id"]]["errors"]["reply_text"]  # still open, error shown

    sent = socket_stack.slack.submit_view(ALICE, view["id"], {"reply_text": {"reply.text": "Sorry! On its way."}})
    assert sent.status == 200 and view["id"] not in socket_stack.slack.views
    socket_stack.work()
    [reply] = socket_stack.x.posts_by_brand
    assert reply["text"] == "Sorry! On its way."
    assert reply["referenced_tweets"] == [{"type": "replied_to", "id": post["id"]}]
    assert [e.user for e in events(socket_stack, "reply")] == [ALICE]


def test_the_slash_command_answers_over_socket_mode(socket_stack: Stack):
    _, post = _card(socket_stack)
    answer = socket_stack.slack.slash_command(ALICE, "/birdhouse", "queue", MENTIONS)
    assert answer.status == 200
    [shown] = eventually(lambda: socket_stack.slack.ephemerals(user=ALICE))
    assert "Open queue: 1 item" in json.dumps(shown["blocks"])
    assert any(block.get("block_id") == f"open-{post['id']}" for block in shown["blocks"])
    [envelope] = socket_stack.slack.socket_mode.envelopes()
    assert envelope.type == "slash_commands"


def test_the_app_home_opens_from_an_events_api_envelope(socket_stack: Stack):
    _, post = _card(socket_stack)
    assert socket_stack.slack.open_home(ALICE).status == 200
    home = eventually(lambda: socket_stack.slack.home(ALICE))
    assert any(block["block_id"] == f"open-{post['id']}" for block in home["blocks"])
    [envelope] = socket_stack.slack.socket_mode.envelopes()
    assert envelope.type == "events_api"


def test_someone_off_the_team_is_refused_over_socket_mode_too(socket_stack: Stack):
    card, _ = _card(socket_stack)
    _click(socket_stack, "U0MALLORY", card, "mention.claim")
    socket_stack.work()
    assert "Claimed" not in section(current(socket_stack, card), "status")
    assert eventually(lambda: notes_to(socket_stack, "U0MALLORY"))


def test_refresh_requested_reconnects_and_nothing_is_lost(socket_stack: Stack):
    card, _ = _card(socket_stack)
    socket_mode = socket_stack.slack.socket_mode
    assert socket_mode.disconnect("refresh_requested") == 1
    eventually(lambda: [c.id for c in socket_mode.open_connections()] == [2])

    _click(socket_stack, ALICE, card, "mention.claim")

    eventually(lambda: _claimed_by_alice(socket_stack, card))
    assert socket_mode.envelopes()[0].attempts[-1].connection_id == 2
    # Reconnected through apps.connections.open; slack_sdk's own connection monitor may open one more when a
    # busy machine makes the old session look stale, which loses nothing either.
    assert socket_stack.slack.count_requests("POST", "/api/apps.connections.open") >= 2


def test_a_dropped_connection_is_reopened_and_a_press_sent_meanwhile_acts_once(socket_stack: Stack):
    card, _ = _card(socket_stack)
    socket_mode = socket_stack.slack.socket_mode
    assert socket_mode.drop() == 1

    # Sent before the client has noticed: Slack holds it for the new connection, or retries it there.
    _click(socket_stack, ALICE, card, "mention.claim")

    eventually(lambda: _claimed_by_alice(socket_stack, card))
    assert any(c.id == 2 for c in socket_mode.open_connections())
    assert [e.user for e in events(socket_stack, "claim")] == [ALICE]


@pytest.mark.parametrize("command", [["socket"], ["run", "--socket", "--port", "0"]])
def test_the_socket_commands_serve_slack_without_a_public_url(stack: Stack, tmp_path, command: list[str]):
    """``birdhouse socket`` (with a worker beside it) and ``birdhouse run --socket``, as an operator runs them."""
    author = stack.x.add_user("dana")
    stack.x.post(author["id"], "@acme how do I change my delivery address?")
    stack.poll_mentions()
    [card] = stack.cards()
    stack.slack.delivery = "socket_mode"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "X_", "BIRDHOUSE_"))}
    process = subprocess.Popen([sys.executable, "-m", "birdhouse", *command],
                               env={**environment, **stack.environment, "SLACK_APP_TOKEN": stack.slack.app_token},
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        eventually(lambda: stack.slack.socket_mode.open_connections())
        assert stack.slack.click(ALICE, MENTIONS, card["ts"], "mention.claim").status == 200
        if command[0] == "socket":
            stack.work()  # `birdhouse socket` is the app alone; a worker does the queued work
        eventually(lambda: "Claimed by <@U0ALICE>" in json.dumps(stack.slack.message(MENTIONS, card["ts"])))
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert stack.slack.socket_mode.late() == []
