"""The Web API at ``/api/<method>``, as slack_sdk calls it.

Each method is declared with the facts of its reference JSON (specs/slack-methods): tier, required
arguments, whether it takes JSON bodies, and the error codes it may answer. The dispatcher enforces them:
arguments come from the query, a form body or (where the method allows it) a JSON body; the token from
``Authorization: Bearer`` or a ``token`` argument; and an error the method does not declare, or Slack
does not list as common, is an emulator bug answered as a 500 ``emulator_bug``, never as fiction. The tests
check every declaration against the reference JSON.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulators.http import Request, Response
from emulators.slack import messages
from emulators.slack.blockkit import validate_view
from emulators.slack.errors import COMMON_ERRORS, SlackError, invalid_argument, missing_argument
from emulators.slack.ratelimit import RateLimiter
from emulators.slack.state import Workspace

EMOJI_NAME = re.compile(r"^[a-z0-9_+'-]+(::skin-tone-[2-6])?$")


@dataclass(frozen=True)
class Method:
    name: str
    tier: str
    required: tuple[str, ...]
    errors: frozenset[str]
    json_input: bool
    run: Callable[[WebAPI, Args], dict[str, Any]]
    token: str  # "bot" (xoxb-) or "app" (the app-level xapp- token)


METHODS: dict[str, Method] = {}


def method(
    name: str,
    *,
    tier: str,
    required: tuple[str, ...] = (),
    errors: tuple[str, ...] = (),
    json_input: bool = True,
    token: str = "bot",
) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    def register(run: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        METHODS[name] = Method(name, tier, required, frozenset(errors), json_input, run, token)
        return run

    return register


class Args:
    """One call's arguments. Form values are strings; JSON values keep their types."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        return None if value == "" else value

    def text(self, name: str) -> str | None:
        value = self.get(name)
        return None if value is None else str(value)

    def flag(self, name: str) -> bool:
        return self.get(name) in (True, 1, "1", "true", "True")

    def number(self, name: str, *, default: int, maximum: int) -> int:
        value = self.get(name)
        if value is None:
            return default
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise invalid_argument(name, "must be an integer") from None
        if number < 1:
            raise invalid_argument(name, "must be at least 1")
        return min(number, maximum)

    def timestamp(self, name: str, error: SlackError) -> float | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise error from None

    def json_object(self, name: str) -> dict[str, Any]:
        value = messages.decode(self.get(name), invalid_argument(name, "must be JSON"))
        if not isinstance(value, dict):
            raise invalid_argument(name, "must be an object")
        return value


class WebAPI:
    def __init__(
        self,
        workspace: Workspace,
        *,
        bot_token: str,
        limiter: RateLimiter,
        app_token: str,
        open_connection: Callable[[], str],
    ) -> None:
        self.ws = workspace
        self.bot_token = bot_token
        self.app_token = app_token
        self.limiter = limiter
        self.open_connection = open_connection  # a Socket Mode URL, for apps.connections.open

    def handle(self, request: Request) -> Response:
        spec = METHODS.get(request.params["method"])
        if spec is None:
            return Response(404, {"ok": False, "error": "unknown_method", "req_method": request.params["method"]})
        try:
            args = self._arguments(request, spec)
            self._authenticate(request, args, spec)
            wait = self.limiter.retry_after(spec.name, args.text("channel"))
            if wait:
                raise SlackError("ratelimited", status=429, headers={"Retry-After": str(wait)})
            for name in spec.required:
                if args.get(name) is None:
                    raise missing_argument(name)
            result = spec.run(self, args)
        except SlackError as error:
            if error.code not in spec.errors and error.code not in COMMON_ERRORS:
                detail = f"{spec.name} may not answer {error.code!r}"
                return Response(500, {"ok": False, "error": "emulator_bug", "detail": detail})
            return Response(error.status, error.body(), error.headers)
        return Response(200, {"ok": True, **result})

    @staticmethod
    def _arguments(request: Request, spec: Method) -> Args:
        values: dict[str, Any] = {name: items[0] for name, items in request.query.items()}
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            if spec.json_input:  # methods without JSON support ignore a JSON body, as Slack does
                try:
                    body = request.json()
                except ValueError:
                    raise SlackError("invalid_arguments", messages=["invalid JSON body"]) from None
                if isinstance(body, dict):
                    body.pop("token", None)  # Slack reads a JSON call's token from the header only
                    values.update(body)
        elif request.body:
            values.update(request.form())
        return Args(values)

    def _authenticate(self, request: Request, args: Args, spec: Method) -> None:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else args.text("token")
        if not token and spec.token == "app":
            raise SlackError("missing_args")  # apps.connections.open's reference names its own code for this
        if not token:
            raise SlackError("not_authed")
        tokens = {"bot": self.bot_token, "app": self.app_token}
        if token != tokens[spec.token] and token in tokens.values():
            # A valid token of the other kind (a bot token for Socket Mode, or the reverse) is refused by type.
            raise SlackError("not_allowed_token_type")
        if token != tokens[spec.token]:
            raise SlackError("invalid_auth")

    def _user(self) -> str:
        return self.ws.bot_user_id

    # -- auth ------------------------------------------------------------------------------------
    @method("auth.test", tier="t5")
    def auth_test(self, args: Args) -> dict[str, Any]:
        bot = self.ws.user(self.ws.bot_user_id)
        return {
            "url": f"https://{self.ws.team_domain}.slack.com/",
            "team": self.ws.team_domain,
            "user": bot["name"],
            "team_id": self.ws.team_id,
            "user_id": self.ws.bot_user_id,
            "bot_id": self.ws.bot_id,
            "app_id": self.ws.app_id,
            "is_enterprise_install": False,
        }

    # -- Socket Mode -----------------------------------------------------------------------------
    @method(
        "apps.connections.open",
        tier="t3",
        token="app",
        errors=("forbidden_team", "insecure_request", "internal_error", "invalid_auth", "missing_args"),
    )
    def apps_connections_open(self, args: Args) -> dict[str, Any]:
        return {"url": self.open_connection()}

    # -- chat ------------------------------------------------------------------------------------
    @method(
        "chat.postMessage",
        tier="t5",
        required=("channel",),
        errors=(
            "channel_not_found",
            "invalid_blocks",
            "invalid_blocks_format",
            "invalid_metadata_format",
            "invalid_metadata_schema",
            "is_archived",
            "no_text",
            "not_in_channel",
            "too_many_attachments",
        ),
    )
    def chat_post_message(self, args: Args) -> dict[str, Any]:
        channel = self.ws.app_channel(args.text("channel") or "", by_name=True)
        text = args.text("text") or ""
        blocks = messages.parse_blocks(args.get("blocks"))
        attachments = messages.parse_attachments(args.get("attachments"))
        messages.require_content(text, blocks, attachments)
        metadata = messages.parse_metadata(args.get("metadata"))
        result: dict[str, Any] = {}
        if len(text) > messages.MAX_TEXT:
            # chat.postMessage truncates rather than refuses (Slack changelog 2018-04, "truncating really
            # long messages"); msg_too_long is not among its errors.
            text = text[: messages.MAX_TEXT]
            result = {"warning": "message_truncated", "response_metadata": {"warnings": ["message_truncated"]}}
        message = self.ws.post(
            channel.id,
            user=self._user(),
            text=text,
            blocks=blocks,
            attachments=attachments,
            metadata=metadata or None,
            thread_ts=args.text("thread_ts"),
            broadcast=args.flag("reply_broadcast"),
        )
        return {"channel": channel.id, "ts": message["ts"], "message": message, **result}

    @method(
        "chat.update",
        tier="t3",
        required=("ts", "channel"),
        errors=(
            "cant_update_message",
            "channel_not_found",
            "invalid_blocks",
            "invalid_blocks_format",
            "invalid_metadata_format",
            "invalid_metadata_schema",
            "message_not_found",
            "msg_too_long",
            "no_text",
            "too_many_attachments",
        ),
    )
    def chat_update(self, args: Args) -> dict[str, Any]:
        channel = self.ws.channel(args.text("channel") or "")
        text = args.text("text")
        blocks = messages.parse_blocks(args.get("blocks"))
        attachments = messages.parse_attachments(args.get("attachments"))
        messages.require_content(text, blocks, attachments)
        messages.require_length(text)
        metadata = messages.parse_metadata(args.get("metadata"))
        # Text is replaced; blocks, attachments and metadata are kept unless given ([] / {} removes them).
        changes: dict[str, Any] = {"text": text or ""}
        for name, value in (("blocks", blocks), ("attachments", attachments), ("metadata", metadata)):
            if value is not None:
                changes[name] = value or None
        message = self.ws.update(channel.id, args.text("ts") or "", changes, editor=self._user())
        return {"channel": channel.id, "ts": message["ts"], "text": message["text"], "message": message}

    @method(
        "chat.postEphemeral",
        tier="t4",
        required=("user", "channel"),
        errors=(
            "channel_not_found",
            "invalid_blocks",
            "invalid_blocks_format",
            "msg_too_long",
            "no_text",
            "not_in_channel",
            "too_many_attachments",
            "user_not_in_channel",
        ),
    )
    def chat_post_ephemeral(self, args: Args) -> dict[str, Any]:
        channel = self.ws.app_channel(args.text("channel") or "", by_name=True)
        user = args.text("user") or ""
        if user not in self.ws.users:  # every known user is a member of every channel
            raise SlackError("user_not_in_channel")
        text = args.text("text") or ""
        blocks = messages.parse_blocks(args.get("blocks"))
        attachments = messages.parse_attachments(args.get("attachments"))
        messages.require_content(text, blocks, attachments)
        messages.require_length(text)
        fields = {"text": text, "blocks": blocks, "attachments": attachments, "thread_ts": args.text("thread_ts")}
        ephemeral = self.ws.add_ephemeral(channel.id, user, {k: v for k, v in fields.items() if v is not None})
        return {"message_ts": ephemeral["message_ts"]}

    @method(
        "chat.getPermalink",
        tier="t5",
        required=("channel", "message_ts"),
        errors=("channel_not_found", "message_not_found"),
        json_input=False,
    )
    def chat_get_permalink(self, args: Args) -> dict[str, Any]:
        channel, ts = args.text("channel") or "", args.text("message_ts") or ""
        with self.ws.lock:
            message = copy.deepcopy(self.ws.find(channel, ts))
        link = f"https://{self.ws.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        if message.get("thread_ts", ts) != ts:
            link += f"?thread_ts={message['thread_ts']}&cid={channel}"
        return {"channel": channel, "permalink": link}

    @method(
        "chat.delete",
        tier="t3",
        required=("ts", "channel"),
        errors=("cant_delete_message", "channel_not_found", "message_not_found"),
    )
    def chat_delete(self, args: Args) -> dict[str, Any]:
        channel, ts = args.text("channel") or "", args.text("ts") or ""
        self.ws.delete(channel, ts, deleter=self._user())
        return {"channel": channel, "ts": ts}

    # -- conversations ---------------------------------------------------------------------------
    @method("conversations.info", tier="t3", required=("channel",), errors=("channel_not_found",), json_input=False)
    def conversations_info(self, args: Args) -> dict[str, Any]:
        channel = self.ws.conversation(args.text("channel") or "")
        if args.flag("include_num_members"):
            channel["num_members"] = len(self.ws.users)
        if args.flag("include_locale"):
            channel["locale"] = "en-US"
        return {"channel": channel}

    # conversations.history is not in specs/: shaped from Slack's public reference
    # (docs.slack.dev/reference/methods/conversations.history): tier 3, GET-style arguments only, messages
    # newest first, cursor pagination, metadata only with include_all_metadata.
    @method(
        "conversations.history",
        tier="t3",
        required=("channel",),
        json_input=False,
        errors=("channel_not_found", "invalid_cursor", "invalid_ts_latest", "invalid_ts_oldest", "not_in_channel"),
    )
    def conversations_history(self, args: Args) -> dict[str, Any]:
        newest_first = self.ws.top_level(self.ws.app_channel(args.text("channel") or "", posting=False).id)[::-1]
        return _page(_window(newest_first, args), args, default_limit=100, maximum=999)

    @method(
        "conversations.replies",
        tier="t3",
        required=("channel", "ts"),
        json_input=False,
        errors=("channel_not_found", "invalid_cursor", "invalid_ts_latest", "invalid_ts_oldest", "thread_not_found"),
    )
    def conversations_replies(self, args: Args) -> dict[str, Any]:
        parent, *replies = self.ws.thread(args.text("channel") or "", args.text("ts") or "")
        # The parent always leads, whatever the window.
        return _page([parent, *_window(replies, args)], args, default_limit=1000, maximum=1000)

    # -- reactions -------------------------------------------------------------------------------
    @method(
        "reactions.add",
        tier="t3",
        required=("name", "timestamp", "channel"),
        errors=("already_reacted", "channel_not_found", "invalid_name", "message_not_found"),
    )
    def reactions_add(self, args: Args) -> dict[str, Any]:
        name = (args.text("name") or "").strip(":")
        if not EMOJI_NAME.match(name):
            raise SlackError("invalid_name")
        self.ws.react(args.text("channel") or "", args.text("timestamp") or "", name, self._user())
        return {}

    # -- users -----------------------------------------------------------------------------------
    @method("users.info", tier="t4", required=("user",), errors=("user_not_found",), json_input=False)
    def users_info(self, args: Args) -> dict[str, Any]:
        user = self.ws.user(args.text("user") or "")
        if args.flag("include_locale"):
            user["locale"] = "en-US"
        return {"user": user}

    @method("usergroups.users.list", tier="t2", required=("usergroup",), errors=("no_such_subteam",), json_input=False)
    def usergroups_users_list(self, args: Args) -> dict[str, Any]:
        with self.ws.lock:
            users = self.ws.usergroups.get(args.text("usergroup") or "")
            if users is None:
                raise SlackError("no_such_subteam")
            return {"users": list(users)}

    # -- views -----------------------------------------------------------------------------------
    def _view(self, args: Args, *, kinds: tuple[str, ...]) -> dict[str, Any]:
        """The ``view`` argument, validated. Slack reports bad views as invalid_arguments, not invalid_blocks."""
        view = args.json_object("view")
        problems = validate_view(view)
        if not problems and view.get("type") not in kinds:
            problems = ["must be a valid enum value [json-pointer:/view/type]"]
        if problems:
            raise SlackError("invalid_arguments", messages=problems)
        return view

    def _trigger(self, args: Args) -> str:
        trigger_id = args.text("trigger_id") or args.text("interactivity_pointer")
        if trigger_id is None:
            raise missing_argument("trigger_id")
        return self.ws.exchange_trigger(trigger_id).user_id

    @method(
        "views.open",
        tier="t4",
        required=("view",),
        errors=("duplicate_external_id", "exchanged_trigger_id", "expired_trigger_id", "invalid_trigger_id"),
    )
    def views_open(self, args: Args) -> dict[str, Any]:
        view = self._view(args, kinds=("modal",))
        with self.ws.lock:
            self.ws.check_external_id(view.get("external_id"))
            return {"view": self.ws.open_modal(view, self._trigger(args))}

    @method(
        "views.push",
        tier="t4",
        required=("view",),
        errors=(
            "duplicate_external_id",
            "exchanged_trigger_id",
            "expired_trigger_id",
            "invalid_trigger_id",
            "not_found",
            "push_limit_reached",
        ),
    )
    def views_push(self, args: Args) -> dict[str, Any]:
        view = self._view(args, kinds=("modal",))
        with self.ws.lock:
            self.ws.check_external_id(view.get("external_id"))
            return {"view": self.ws.push_modal(view, self._trigger(args))}

    @method(
        "views.update", tier="t4", required=("view",), errors=("duplicate_external_id", "hash_conflict", "not_found")
    )
    def views_update(self, args: Args) -> dict[str, Any]:
        view_id, external_id = args.text("view_id"), args.text("external_id")
        if view_id is None and external_id is None:
            raise missing_argument("view_id")
        with self.ws.lock:
            current = self.ws.find_view(view_id=view_id, external_id=external_id)
            view = self._view(args, kinds=(current["type"],))
            if args.text("hash") not in (None, current["hash"]):
                raise SlackError("hash_conflict")
            self.ws.check_external_id(view.get("external_id"), replacing=current["id"])
            owner = self.ws.view_owner[current["id"]]
            return {"view": self.ws.store_view(view, user_id=owner, view_id=current["id"])}

    @method("views.publish", tier="t4", required=("user_id", "view"), errors=("duplicate_external_id", "hash_conflict"))
    def views_publish(self, args: Args) -> dict[str, Any]:
        user_id = args.text("user_id") or ""
        view = self._view(args, kinds=("home",))
        with self.ws.lock:
            if user_id not in self.ws.users:
                raise SlackError("invalid_arguments", messages=["invalid `user_id`"])
            current = self.ws.views.get(self.ws.homes.get(user_id, ""))
            if current and args.text("hash") not in (None, current["hash"]):
                raise SlackError("hash_conflict")
            self.ws.check_external_id(view.get("external_id"), replacing=current and current["id"])
            return {"view": self.ws.publish_home(view, user_id)}


def _window(messages_: list[dict[str, Any]], args: Args) -> list[dict[str, Any]]:
    """``oldest``/``latest``/``inclusive`` as Slack applies them."""
    oldest = args.timestamp("oldest", SlackError("invalid_ts_oldest"))
    latest = args.timestamp("latest", SlackError("invalid_ts_latest"))
    inclusive = args.flag("inclusive")
    selected = []
    for message in messages_:
        ts = float(message["ts"])
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            continue
        if latest is not None and (ts > latest or (ts == latest and not inclusive)):
            continue
        selected.append(message)
    return selected


def _page(items: list[dict[str, Any]], args: Args, *, default_limit: int, maximum: int) -> dict[str, Any]:
    """Cursor pagination; a cursor names the first message of the next page, like Slack's ``next_ts:``."""
    start = 0
    cursor = args.text("cursor")
    if cursor:
        try:
            ts = base64.b64decode(cursor, validate=True).decode().removeprefix("next_ts:")
        except (binascii.Error, UnicodeDecodeError):
            raise SlackError("invalid_cursor") from None
        positions = [index for index, message in enumerate(items) if message["ts"] == ts]
        if not positions:
            raise SlackError("invalid_cursor")
        start = positions[0]
    limit = args.number("limit", default=default_limit, maximum=maximum)
    page, rest = items[start : start + limit], items[start + limit :]
    if not args.flag("include_all_metadata"):
        for message in page:
            message.pop("metadata", None)
    next_cursor = base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode() if rest else ""
    return {"messages": page, "has_more": bool(rest), "response_metadata": {"next_cursor": next_cursor}}
