"""app-manifest.yml is a manifest Slack accepts, and declares exactly what the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml
from referencing import Registry, Resource

from slackbot.views.help import COMMAND
from slackbot.web import EVENTS_PATH
from tests.specs import SPECS

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "app-manifest.yml").read_text())
SCHEMA_URL = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.{}.json"
CODE = [path.read_text() for package in ("birdhouse", "workers", "slackbot") for path in (ROOT / package).rglob("*.py")]
# Web API methods the code calls through slack_sdk, as ``client.chat_postMessage`` etc.
METHOD_CALL = re.compile(r"\.((?:chat|conversations|views|usergroups|users|reactions)_[A-Za-z_]+)\b")
# Scopes of methods missing from specs/slack-methods, from Slack's method reference.
UNLISTED_SCOPES = {"conversations.history": ["channels:history", "groups:history", "im:history", "mpim:history"]}
# Birdhouse works in public and private channels, never in DMs: those variants of a scope are not needed.
UNUSED_CONVERSATION_KINDS = ("im:", "mpim:")


def validator() -> jsonschema.Validator:
    registry = Registry().with_resources(
        (SCHEMA_URL.format(version), Resource.from_contents(json.loads(
            (SPECS / f"slack-manifest.schema.{version}.json").read_text())))
        for version in ("1.0.0", "2.0.0"))
    schema = json.loads((SPECS / "slack-manifest.schema.json").read_text())
    return jsonschema.Draft7Validator(schema, registry=registry)


def called_methods() -> set[str]:
    return {name.replace("_", ".") for source in CODE for name in METHOD_CALL.findall(source)}


def bot_scopes(method: str) -> list[str]:
    spec = SPECS / "slack-methods" / f"{method}.json"
    scopes = json.loads(spec.read_text()).get("scope", {}).get("bot", []) if spec.exists() else UNLISTED_SCOPES[method]
    return [scope for scope in scopes if not scope.startswith(UNUSED_CONVERSATION_KINDS)]


def test_the_manifest_is_valid_against_slacks_schema():
    errors = sorted(validator().iter_errors(MANIFEST), key=str)
    assert errors == []


def test_the_schema_check_catches_a_broken_manifest():
    broken = {**MANIFEST, "settings": {**MANIFEST["settings"], "interactivity": {"is_enabled": "yes"}}}
    assert list(validator().iter_errors(broken))


def test_bot_scopes_are_exactly_those_the_called_methods_and_the_command_need():
    methods = called_methods()
    assert {"chat.postMessage", "chat.update", "usergroups.users.list", "conversations.history"} <= methods
    needed = {scope for method in methods for scope in bot_scopes(method)} | {"commands"}
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed


def test_command_events_and_interactivity_point_at_the_apps_one_endpoint():
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == COMMAND
    registered_events = {event for source in CODE for event in re.findall(r'app\.event\("([a-z_]+)"\)', source)}
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == registered_events
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    urls = [command["url"], MANIFEST["settings"]["event_subscriptions"]["request_url"],
            MANIFEST["settings"]["interactivity"]["request_url"]]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
