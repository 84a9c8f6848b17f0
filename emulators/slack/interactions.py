"""Slack acting toward the app: payloads built like Slack's, signed like Slack's, POSTed to the request URL.

Nothing here holds the workspace lock while the app is being called: the app calls back into the Web API
(chat.update, views.open) before it answers, from another server thread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from emulators.slack import response_urls
from emulators.slack.blockkit import validate_view
from emulators.slack.errors import SlackError
from emulators.slack.state import ResponseURL, Workspace

ACK_TIMEOUT = 3.0  # Slack gives up on an app that has not answered within three seconds
VERIFICATION_TOKEN = "emulator-verification-token"  # the deprecated token Slack still puts in payloads
FORM = "application/x-www-form-urlencoded"

# How a submitted value sits in view.state.values, per element type.
SELECTED_OPTION = {"static_select", "external_select", "radio_buttons"}
SELECTED_OPTIONS = {"multi_static_select", "multi_external_select", "checkboxes"}
SELECTED_FIELD = {
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``, Slack's request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class AppResponse:
    """What the app answered; status 0 when it did not answer in time or could not be reached."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Interactions:
    def __init__(self, workspace: Workspace, *, signing_secret: str, base_url: Callable[[], str]) -> None:
        self.ws = workspace
        self.signing_secret = signing_secret
        self.base_url = base_url
        self.request_url: str | None = None
        # Set, it carries deliveries instead of HTTP (Socket Mode): ``transport(raw_body, content_type)``.
        self.transport: Callable[[bytes, str], AppResponse] | None = None

    # -- transport -------------------------------------------------------------------------------
    def deliver(
        self,
        raw_body: bytes,
        content_type: str,
        *,
        timestamp: str | int | None = None,
        signature: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> AppResponse:
        if self.transport is not None:
            return self.transport(raw_body, content_type)  # no signature, no retry headers: the token is the trust
        if not self.request_url:
            raise RuntimeError("set SlackEmulator.request_url to the app's /slack/events URL first")
        stamp = str(timestamp if timestamp is not None else int(self.ws.clock()))
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature or sign(self.signing_secret, stamp, raw_body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        request = urllib.request.Request(self.request_url, data=raw_body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=ACK_TIMEOUT) as answer:
                return AppResponse(answer.status, answer.read(), dict(answer.headers))
        except urllib.error.HTTPError as answer:
            return AppResponse(answer.code, answer.read(), dict(answer.headers))
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            return AppResponse(0)

    def _send_form(self, fields: dict[str, str]) -> AppResponse:
        return self.deliver(urlencode(fields).encode(), FORM)

    def _send_payload(self, payload: dict[str, Any]) -> AppResponse:
        return self._send_form({"payload": json.dumps(payload)})

    # -- payload parts ---------------------------------------------------------------------------
    def _user(self, user_id: str) -> dict[str, Any]:
        name = self.ws.user(user_id)["name"]
        return {"id": user_id, "username": name, "name": name, "team_id": self.ws.team_id}

    def _common(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "team": {"id": self.ws.team_id, "domain": self.ws.team_domain},
            "user": self._user(user_id),
            "api_app_id": self.ws.app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.ws.issue_trigger(user_id),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _response_url(self, channel: str, user_id: str, message_ts: str | None) -> str:
        url_id = self.ws.issue_response_url(channel, user_id, message_ts)
        return f"{self.base_url()}/_emulator/slack/response/{url_id}"

    # -- interactions ----------------------------------------------------------------------------
    def click(
        self,
        user_id: str,
        channel: str,
        ts: str,
        action_id: str,
        *,
        value: str | None = None,
        block_id: str | None = None,
    ) -> AppResponse:
        """A user presses an element of a message: a block_actions payload, as Slack sends it."""
        with self.ws.lock:
            message = dict(self.ws.find(channel, ts))
            payload = self._common("block_actions", user_id)
            payload.update(
                container={"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
                channel={"id": channel, "name": self.ws.channel(channel).name},
                message={k: v for k, v in message.items() if k != "metadata"},
                state={"values": {}},
                response_url=self._response_url(channel, user_id, ts),
                actions=[_action(message.get("blocks", []), action_id, block_id, value, self.ws.next_ts())],
            )
        return self._send_payload(payload)

    def click_ephemeral(
        self, user_id: str, message_ts: str, action_id: str, *, value: str | None = None, block_id: str | None = None
    ) -> AppResponse:
        """A user presses an element of an ephemeral message shown to them. Slack sends the container (marked
        ``is_ephemeral``) but no ``message``: the app never sees an ephemeral's content again."""
        with self.ws.lock:
            shown = [e for e in self.ws.ephemerals if e["message_ts"] == message_ts and e["user"] == user_id]
            if not shown:
                raise ValueError(f"no ephemeral message {message_ts} shown to {user_id}")
            channel = shown[0]["channel"]
            payload = self._common("block_actions", user_id)
            payload.update(
                container={"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": True},
                channel={"id": channel, "name": self.ws.channel(channel).name},
                state={"values": {}},
                response_url=self._response_url(channel, user_id, message_ts),
                actions=[_action(shown[0].get("blocks", []), action_id, block_id, value, self.ws.next_ts())],
            )
        return self._send_payload(payload)

    def click_view(
        self, user_id: str, view_id: str, action_id: str, *, value: str | None = None, block_id: str | None = None
    ) -> AppResponse:
        """A user presses an element of a modal or Home tab."""
        with self.ws.lock:
            view = self.ws.find_view(view_id=view_id)
            payload = self._common("block_actions", user_id)
            payload.update(
                container={"type": "view", "view_id": view_id},
                view=dict(view),
                actions=[_action(view["blocks"], action_id, block_id, value, self.ws.next_ts())],
            )
        return self._send_payload(payload)

    def submit_view(self, user_id: str, view_id: str, values: dict[str, dict[str, Any]]) -> AppResponse:
        """The user presses Submit; the app's answer (``response_action``) decides what the modal does."""
        with self.ws.lock:
            view = dict(self.ws.find_view(view_id=view_id))
            view["state"] = {"values": _state_values(view["blocks"], values)}
            self.ws.views[view_id]["state"] = view["state"]
            payload = self._common("view_submission", user_id)
            payload.update(view=view, response_urls=[])
        answer = self._send_payload(payload)
        if answer.status == 200:
            self._apply_view_answer(user_id, view_id, answer)
        return answer

    def _apply_view_answer(self, user_id: str, view_id: str, answer: AppResponse) -> None:
        try:
            reply = answer.json() if answer.body.strip() else {}
        except ValueError:
            return  # Slack shows the user an error and leaves the modal as it was
        action = reply.get("response_action") if isinstance(reply, dict) else None
        with self.ws.lock:
            if action is None:
                self.ws.close_modal(view_id)
            elif action == "errors":
                self.ws.show_view_errors(view_id, reply.get("errors") or {})
            elif action == "clear":
                self.ws.close_modals(user_id)
            elif action == "update" and not validate_view(reply.get("view")):
                self.ws.store_view(reply["view"], user_id=user_id, view_id=view_id)
            elif action == "push" and not validate_view(reply.get("view")):
                try:
                    self.ws.push_modal(reply["view"], user_id)
                except SlackError:
                    pass  # a fourth modal: Slack refuses it and the user stays where they were

    def slash_command(self, user_id: str, command: str, text: str, channel_id: str) -> AppResponse:
        with self.ws.lock:
            channel = self.ws.channel(channel_id)
            user = self._user(user_id)
            target = ResponseURL(channel.id, user_id, None, self.ws.clock())
            fields = {
                "token": VERIFICATION_TOKEN,
                "team_id": self.ws.team_id,
                "team_domain": self.ws.team_domain,
                "channel_id": channel.id,
                "channel_name": channel.name,
                "user_id": user_id,
                "user_name": user["name"],
                "command": command,
                "text": text,
                "api_app_id": self.ws.app_id,
                "is_enterprise_install": "false",
                "response_url": self._response_url(channel.id, user_id, None),
                "trigger_id": self.ws.issue_trigger(user_id),
            }
        answer = self._send_form(fields)
        if answer.status == 200 and answer.body.strip():
            self._apply_command_answer(target, answer)
        return answer

    def _apply_command_answer(self, target: ResponseURL, answer: AppResponse) -> None:
        """An immediate answer to a slash command is a message, ephemeral unless it says in_channel."""
        try:
            reply = answer.json() if "json" in answer.headers.get("Content-Type", "") else {"text": answer.text}
            response_urls.apply(self.ws, target, reply)
        except (ValueError, SlackError, AttributeError):
            pass  # Slack shows the user "failed with the error ..." and posts nothing

    def open_home(self, user_id: str) -> AppResponse:
        """The user opens the app's Home tab: an Events API ``app_home_opened`` event_callback."""
        with self.ws.lock:
            self.ws.user(user_id)
            now = self.ws.clock()
            event: dict[str, Any] = {
                "type": "app_home_opened",
                "user": user_id,
                "channel": "D" + user_id[1:],
                "tab": "home",
                "event_ts": self.ws.next_ts(),
            }
            home = self.ws.views.get(self.ws.homes.get(user_id, ""))
            if home is not None:
                event["view"] = dict(home)
            envelope = {
                "token": VERIFICATION_TOKEN,
                "team_id": self.ws.team_id,
                "api_app_id": self.ws.app_id,
                "event": event,
                "type": "event_callback",
                "event_id": f"Ev{secrets.token_hex(5).upper()}",
                "event_time": int(now),
                "authed_users": [self.ws.bot_user_id],
                "authorizations": [
                    {
                        "enterprise_id": None,
                        "team_id": self.ws.team_id,
                        "user_id": self.ws.bot_user_id,
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
                "is_ext_shared_channel": False,
            }
        return self.deliver(json.dumps(envelope).encode(), "application/json")


def _action(
    blocks: list[dict[str, Any]], action_id: str, block_id: str | None, value: str | None, action_ts: str
) -> dict[str, Any]:
    """The ``actions[0]`` of a block_actions payload, from the element as posted."""
    for block in blocks:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        # An input block's element dispatches too, when the block says dispatch_action.
        for element in [*block.get("elements", []), block.get("accessory") or {}, block.get("element") or {}]:
            if element.get("action_id") == action_id:
                action = {
                    "action_id": action_id,
                    "block_id": block["block_id"],
                    "type": element["type"],
                    "action_ts": action_ts,
                }
                if element["type"] == "button":
                    action["text"] = element["text"]
                    if "style" in element:
                        action["style"] = element["style"]
                chosen = value if value is not None else element.get("value")
                if chosen is not None and element["type"] in SELECTED_OPTION:
                    # A select reports the option chosen, as in view state, not a bare value.
                    action["selected_option"] = _state_value(element, chosen)["selected_option"]
                elif chosen is not None:
                    action["value"] = chosen
                return action
    raise ValueError(f"no element with action_id {action_id!r} (block_id {block_id!r}) to click")


def _state_values(blocks: list[dict[str, Any]], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``values[block_id][action_id] = value`` as Slack puts it in ``view.state.values``."""
    elements = {
        (block["block_id"], element["action_id"]): element
        for block in blocks
        for element in [block.get("element"), *block.get("elements", []), block.get("accessory")]
        if element and "action_id" in element
    }
    state: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        for action_id, value in actions.items():
            element = elements.get((block_id, action_id))
            if element is None:
                raise ValueError(f"the view has no input {block_id}/{action_id}")
            state.setdefault(block_id, {})[action_id] = _state_value(element, value)
    return state


def _state_value(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    options = {o["value"]: o for o in element.get("options", [])}
    options.update({o["value"]: o for group in element.get("option_groups", []) for o in group["options"]})
    if kind in SELECTED_OPTION:
        return {"type": kind, "selected_option": options.get(value, {"value": value})}
    if kind in SELECTED_OPTIONS:
        return {"type": kind, "selected_options": [options.get(v, {"value": v}) for v in value]}
    if kind in SELECTED_FIELD:
        return {"type": kind, SELECTED_FIELD[kind]: value}
    return {"type": kind, "value": value}
