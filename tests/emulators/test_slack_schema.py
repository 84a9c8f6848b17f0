"""The Slack emulator against Slack's own method references (specs/slack-methods/*.json).

Declarations (tier, required arguments, JSON support, error codes) must match the references, every error
code the emulator source can raise must be declared, and successful answers must fit each method's
``output`` schema. Calls go through ``dispatch`` in-process: the wire is covered in test_slack_emulator.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jsonschema
import pytest

import emulators.slack
from emulators.http import Request
from emulators.slack import SlackEmulator
from emulators.slack.api import METHODS
from emulators.slack.errors import COMMON_ERRORS, SlackError
from tests.specs import SPECS

METHOD_SPECS = SPECS / "slack-methods"
NOT_IN_SPECS = {"conversations.history"}  # shaped from Slack's public docs; see api.py


def spec(name: str) -> dict[str, Any]:
    return json.loads((METHOD_SPECS / f"{name}.json").read_text())


SPECCED = sorted(set(METHODS) - NOT_IN_SPECS)

# The references name shared shapes ({"schema": "message"}) without defining them; these say what we rely on.
VIEW = {"type": "object", "required": ["id", "type", "blocks", "state", "hash", "root_view_id", "app_id"]}
NAMED: dict[str, dict[str, Any]] = {
    "channel": {"type": "string", "pattern": "^[CGD][A-Z0-9]+$"},
    "ts": {"type": "string", "pattern": r"^\d{10}\.\d{6}$"},
    "user_id": {"type": "string", "pattern": "^[UW][A-Z0-9]+$"},
    "team_id": {"type": "string", "pattern": "^T[A-Z0-9]+$"},
    "bot_id": {"type": "string", "pattern": "^B[A-Z0-9]+$"},
    "app_id": {"type": "string", "pattern": "^A[A-Z0-9]+$"},
    "enterprise_id": {"type": ["string", "null"]},
    "blocks": {"type": "array", "items": {"type": "object", "required": ["type"]}},
    "message": {
        "type": "object",
        "required": ["type", "ts", "text"],
        "properties": {"ts": {"type": "string", "pattern": r"^\d{10}\.\d{6}$"}},
    },
    "user": {"type": "object", "required": ["id", "name", "profile"]},
    "conversation": {"type": "object", "required": ["id", "created"]},
    "home": {"type": "object"},
    "view": VIEW,
    "modal": {**VIEW, "properties": {"type": {"const": "modal"}}},
    "publishable-view": {**VIEW, "properties": {"type": {"const": "home"}}},
    "workflow-step": {"not": {}},
    "app-notification-subscription-configuration": {"not": {}},
}


def translate(node: Any) -> Any:
    """Replace ``{"schema": name}`` with a real schema; Slack's own keywords (desc, subtype, coerce) are inert."""
    if isinstance(node, dict):
        if "schema" in node and isinstance(node["schema"], str):
            return NAMED[node["schema"]]
        return {key: translate(value) for key, value in node.items()}
    if isinstance(node, list):
        return [translate(item) for item in node]
    return node


def output_schema(name: str) -> dict[str, Any]:
    ok = {"type": "object", "required": ["ok"], "properties": {"ok": {"const": True}}}
    output = spec(name).get("output")
    return {"allOf": [ok, translate(output)]} if output else ok


# -- declarations --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SPECCED)
def test_declaration_matches_reference(name: str) -> None:
    method, reference = METHODS[name], spec(name)
    assert method.tier == reference["rate_limits"]
    assert set(method.required) == set(reference["args"].get("required", [])) - {"token"}
    assert method.json_input == bool(reference.get("json_input_supported"))
    assert method.errors <= set(reference["errors"]) | COMMON_ERRORS, method.errors - set(reference["errors"])


def test_only_conversations_history_lacks_a_reference() -> None:
    assert {name for name in METHODS if not (METHOD_SPECS / f"{name}.json").exists()} == NOT_IN_SPECS


def raised_codes() -> set[str]:
    """Every literal code passed to SlackError(...) anywhere in the emulator's source."""
    codes = set()
    for path in Path(emulators.slack.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "SlackError" and node.args:
                assert isinstance(node.args[0], ast.Constant), f"{path.name}:{node.lineno} raises a computed code"
                codes.add(node.args[0].value)
    return codes


def test_every_raised_code_is_declared_by_a_method_or_common() -> None:
    declared = set().union(*(method.errors for method in METHODS.values())) | COMMON_ERRORS
    assert raised_codes() - declared == set()


def test_an_undeclared_code_is_an_emulator_bug_not_an_answer(slack: SlackEmulator) -> None:
    def react(*args: Any) -> None:
        raise SlackError("thread_not_found")  # not among reactions.add's errors

    ts = slack.post_as_user("U0ALICE", "C0MENTIONS", "hi")
    slack.workspace.react = react  # type: ignore[method-assign]
    response = call(slack, "reactions.add", channel="C0MENTIONS", timestamp=ts, name="eyes")
    assert (response.status, response.body["error"]) == (500, "emulator_bug")


# -- outputs -------------------------------------------------------------------------------------
class Answer:
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status, self.body = status, body


def call(
    slack: SlackEmulator, method: str, /, *, as_json: bool = False, token: str | None = None, **args: Any
) -> Answer:
    if as_json:
        body, content_type = json.dumps(args).encode(), "application/json"
    else:
        encoded = {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in args.items()}
        body, content_type = urlencode(encoded).encode(), "application/x-www-form-urlencoded"
    headers = {"authorization": f"Bearer {token or slack.bot_token}", "content-type": content_type}
    response = slack.dispatch(Request("POST", f"/api/{method}", {}, headers, body))
    return Answer(response.status, response.body)


@pytest.fixture
def slack() -> SlackEmulator:
    emulator = SlackEmulator()
    emulator.add_channel("C0MENTIONS", "social-mentions")
    emulator.add_user("U0ALICE", "alice")
    emulator.add_usergroup("S0SOCIAL", "social", ["U0ALICE"])
    emulator.disable_rate_limits()
    return emulator


MODAL = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Reply"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
}
HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "home"}}]}


def successful_calls(slack: SlackEmulator) -> dict[str, Answer]:
    """One successful call of every method, in an order where each has what it needs."""
    metadata = {"event_type": "birdhouse_mention", "event_payload": {"tweet_id": "1"}}
    answers = {"auth.test": call(slack, "auth.test")}
    answers["apps.connections.open"] = call(slack, "apps.connections.open", token=slack.app_token)
    answers["chat.postMessage"] = posted = call(
        slack,
        "chat.postMessage",
        as_json=True,
        channel="C0MENTIONS",
        text="hi",
        blocks=MODAL["blocks"],
        metadata=metadata,
    )
    ts = posted.body["ts"]
    call(slack, "chat.postMessage", channel="C0MENTIONS", text="reply", thread_ts=ts)
    answers["chat.update"] = call(slack, "chat.update", as_json=True, channel="C0MENTIONS", ts=ts, text="edited")
    answers["chat.postEphemeral"] = call(slack, "chat.postEphemeral", channel="C0MENTIONS", user="U0ALICE", text="psst")
    answers["chat.getPermalink"] = call(slack, "chat.getPermalink", channel="C0MENTIONS", message_ts=ts)
    answers["conversations.info"] = call(slack, "conversations.info", channel="C0MENTIONS")
    answers["conversations.history"] = call(
        slack, "conversations.history", channel="C0MENTIONS", include_all_metadata="true"
    )
    answers["conversations.replies"] = call(slack, "conversations.replies", channel="C0MENTIONS", ts=ts)
    answers["reactions.add"] = call(slack, "reactions.add", channel="C0MENTIONS", timestamp=ts, name="eyes")
    answers["users.info"] = call(slack, "users.info", user="U0ALICE")
    answers["usergroups.users.list"] = call(slack, "usergroups.users.list", usergroup="S0SOCIAL")
    answers["views.open"] = opened = call(
        slack, "views.open", as_json=True, view=MODAL, trigger_id=slack.workspace.issue_trigger("U0ALICE")
    )
    answers["views.push"] = call(
        slack, "views.push", as_json=True, view=MODAL, trigger_id=slack.workspace.issue_trigger("U0ALICE")
    )
    answers["views.update"] = call(slack, "views.update", as_json=True, view=MODAL, view_id=opened.body["view"]["id"])
    answers["views.publish"] = call(slack, "views.publish", as_json=True, view=HOME, user_id="U0ALICE")
    answers["chat.delete"] = call(slack, "chat.delete", channel="C0MENTIONS", ts=ts)
    return answers


def test_every_method_is_exercised(slack: SlackEmulator) -> None:
    assert set(successful_calls(slack)) == set(METHODS)


@pytest.mark.parametrize("name", SPECCED)
def test_output_fits_the_reference_schema(slack: SlackEmulator, name: str) -> None:
    answer = successful_calls(slack)[name]
    assert answer.status == 200, answer.body
    jsonschema.validate(answer.body, output_schema(name))


@pytest.mark.parametrize("name", SPECCED)
def test_slacks_own_examples_fit_the_translated_schema(name: str) -> None:
    """Keeps NAMED honest: Slack's documented success answers must pass the schemas we check ours with."""
    example = spec(name)["examples"]["success"]["example"]
    jsonschema.validate(example, output_schema(name))


def test_conversations_history_shape(slack: SlackEmulator) -> None:
    """From Slack's public reference: ok, messages newest first, has_more, response_metadata.next_cursor."""
    for text in ("one", "two", "three"):
        call(slack, "chat.postMessage", channel="C0MENTIONS", text=text)
    first = call(slack, "conversations.history", channel="C0MENTIONS", limit=2).body
    schema = {
        "type": "object",
        "required": ["ok", "messages", "has_more", "response_metadata"],
        "properties": {
            "messages": {"type": "array", "items": NAMED["message"]},
            "response_metadata": {"required": ["next_cursor"]},
        },
    }
    jsonschema.validate(first, schema)
    assert [m["text"] for m in first["messages"]] == ["three", "two"] and first["has_more"]
    rest = call(
        slack, "conversations.history", channel="C0MENTIONS", limit=2, cursor=first["response_metadata"]["next_cursor"]
    ).body
    assert [m["text"] for m in rest["messages"]] == ["one"] and not rest["has_more"]
    assert rest["response_metadata"]["next_cursor"] == ""


def test_events_wrapper_matches_common_schema(slack: SlackEmulator) -> None:
    """open_home's envelope, captured at the app side, fits slack-events-common-wrapper.schema.json."""
    captured: list[bytes] = []
    slack.interactions.deliver = lambda body, *a, **k: captured.append(body)  # type: ignore[method-assign]
    slack.open_home("U0ALICE")
    wrapper = json.loads((SPECS / "slack-events-common-wrapper.schema.json").read_text())
    jsonschema.validate(json.loads(captured[0]), wrapper)
