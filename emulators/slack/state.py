"""The emulated workspace: users, channels, messages, ephemerals, views, trigger_ids and response_urls.

Stored objects are shaped as Slack's own (message objects, view objects), so API answers are copies of
them. One re-entrant lock guards everything; readers get deep copies so no caller holds live state.
Domain failures raise ``SlackError`` with the code Slack answers; which method may answer which code is
checked one level up, in ``api.py``.
"""

from __future__ import annotations

import copy
import itertools
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulators.slack.errors import SlackError

TRIGGER_TTL = 3.0  # seconds a trigger_id may be exchanged, once
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5
MODAL_STACK_DEPTH = 3  # views.push: "Currently the limit is 3."

TRIGGER_ID = re.compile(r"^\d+\.\d+\.[0-9a-f]+$")

MessageListener = Callable[[str, str, dict[str, Any]], None]  # (event: posted|updated|deleted, channel, message)
SurfaceListener = Callable[[str], None]  # (user_id) whose modals, Home tab or ephemeral messages changed


@dataclass
class Channel:
    id: str
    name: str
    created: int
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # ts -> message, top-level and replies
    app_is_member: bool = True  # without chat:write.public, the app posts and reads only where it was invited
    archived: bool = False  # read-only: its history stays, nothing more is posted


@dataclass
class Trigger:
    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class ResponseURL:
    channel: str
    user_id: str
    message_ts: str | None  # the message the interaction came from; None for slash commands
    issued_at: float
    posts: list[dict[str, Any]] = field(default_factory=list)


class Workspace:
    def __init__(
        self, *, team_id: str, team_domain: str, bot_user_id: str, bot_id: str, app_id: str, clock: Callable[[], float]
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.channels: dict[str, Channel] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.view_errors: dict[str, dict[str, str]] = {}  # what the app's response_action "errors" showed
        self.view_owner: dict[str, str] = {}  # view_id -> user_id it is shown to
        self.modal_stacks: dict[str, list[str]] = {}  # user_id -> open modal view ids, root first
        self.homes: dict[str, str] = {}  # user_id -> home view id
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseURL] = {}
        self.listeners: list[MessageListener] = []
        self.surface_listeners: list[SurfaceListener] = []
        self._last_ts = 0.0
        self._ids = itertools.count(1)

    # -- ids -------------------------------------------------------------------------------------
    def next_ts(self) -> str:
        """Slack timestamps are unique message ids: epoch seconds with six decimals, strictly increasing."""
        with self.lock:
            self._last_ts = max(self.clock(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    # -- directory -------------------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, *, real_name: str | None = None, is_bot: bool = False) -> None:
        real_name = real_name or name
        with self.lock:
            self.users[user_id] = {
                "id": user_id,
                "team_id": self.team_id,
                "name": name,
                "deleted": False,
                "real_name": real_name,
                "tz": "UTC",
                "tz_label": "Coordinated Universal Time",
                "tz_offset": 0,
                "is_admin": False,
                "is_owner": False,
                "is_bot": is_bot,
                "is_app_user": False,
                "updated": int(self.clock()),
                "profile": {
                    "real_name": real_name,
                    "display_name": name,
                    "real_name_normalized": real_name,
                    "display_name_normalized": name,
                    "team": self.team_id,
                },
            }

    def user(self, user_id: str) -> dict[str, Any]:
        with self.lock:
            if user_id not in self.users:
                raise SlackError("user_not_found")
            return copy.deepcopy(self.users[user_id])

    def add_channel(self, channel_id: str, name: str) -> None:
        with self.lock:
            self.channels[channel_id] = Channel(channel_id, name, int(self.clock()))

    def channel(self, channel: str, *, by_name: bool = False) -> Channel:
        """By id; chat.postMessage and chat.postEphemeral also take a name, with or without ``#``."""
        with self.lock:
            if channel in self.channels:
                return self.channels[channel]
            if by_name:
                for candidate in self.channels.values():
                    if candidate.name == channel.removeprefix("#"):
                        return candidate
        raise SlackError("channel_not_found")

    def set_app_member(self, channel_id: str, member: bool) -> None:
        with self.lock:
            self.channel(channel_id).app_is_member = member

    def set_archived(self, channel_id: str, archived: bool) -> None:
        with self.lock:
            self.channel(channel_id).archived = archived

    def app_channel(self, channel_id: str, *, by_name: bool = False, posting: bool = True) -> Channel:
        """A channel the app itself posts to (or, not ``posting``, reads): ``not_in_channel`` when the app is not
        a member, ``is_archived`` for a post to an archived channel."""
        channel = self.channel(channel_id, by_name=by_name)
        if not channel.app_is_member:
            raise SlackError("not_in_channel")
        if posting and channel.archived:
            raise SlackError("is_archived")
        return channel

    def conversation(self, channel_id: str) -> dict[str, Any]:
        channel = self.channel(channel_id)
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "is_channel": True,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": False,
            "is_archived": channel.archived,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_member": channel.app_is_member,
            "created": channel.created,
            "creator": self.bot_user_id,
            "context_team_id": self.team_id,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }

    # -- messages --------------------------------------------------------------------------------
    def on_message(self, listener: MessageListener) -> None:
        with self.lock:
            self.listeners.append(listener)

    def _notify(self, event: str, channel: str, message: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(event, channel, copy.deepcopy(message))

    def on_surface_change(self, listener: SurfaceListener) -> None:
        with self.lock:
            self.surface_listeners.append(listener)

    def _notify_surface(self, user_id: str) -> None:
        for listener in list(self.surface_listeners):
            listener(user_id)

    def find(self, channel_id: str, ts: str) -> dict[str, Any]:
        """The live message (callers hold the lock)."""
        message = self.channel(channel_id).messages.get(ts)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def post(
        self,
        channel_id: str,
        *,
        user: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        metadata: dict[str, Any] | None = None,
        thread_ts: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        broadcast: bool = False,
    ) -> dict[str, Any]:
        with self.lock:
            channel = self.channel(channel_id)
            ts = self.next_ts()
            message: dict[str, Any] = {"type": "message", "ts": ts, "user": user, "text": text, "team": self.team_id}
            if user == self.bot_user_id:
                message.update(bot_id=self.bot_id, app_id=self.app_id)
            if blocks:
                message["blocks"] = with_block_ids(blocks)
            if attachments:
                message["attachments"] = attachments
            if metadata:
                message["metadata"] = metadata
            if thread_ts is not None:
                self._thread_reply(channel, message, thread_ts)
                if broadcast:  # "Also send to channel": one message, in the thread and in the channel
                    message["subtype"] = "thread_broadcast"
            channel.messages[ts] = message
            self._notify("posted", channel_id, message)
            return copy.deepcopy(message)

    def _thread_reply(self, channel: Channel, reply: dict[str, Any], thread_ts: str) -> None:
        # A reply to a reply joins the parent's thread, as in Slack.
        parent = channel.messages.get(thread_ts, {})
        reply["thread_ts"] = root_ts = parent.get("thread_ts", thread_ts)
        root = channel.messages.get(root_ts)
        if root is None:
            return  # Slack accepts an unknown thread_ts and files the reply under it, where no one sees it.
        reply["parent_user_id"] = root["user"]
        root["thread_ts"] = root["ts"]
        root["reply_count"] = root.get("reply_count", 0) + 1
        users = root.setdefault("reply_users", [])
        if reply["user"] not in users:
            users.append(reply["user"])
        root["reply_users_count"] = len(users)
        root["latest_reply"] = reply["ts"]

    def update(self, channel_id: str, ts: str, changes: dict[str, Any], *, editor: str) -> dict[str, Any]:
        """``changes`` maps fields to new values; a value of None removes the field."""
        with self.lock:
            message = self.find(channel_id, ts)
            if message["user"] != editor:
                raise SlackError("cant_update_message")
            for key, value in changes.items():
                if value is None:
                    message.pop(key, None)
                else:
                    message[key] = with_block_ids(value) if key == "blocks" else value
            message["edited"] = {"user": editor, "ts": self.next_ts()}
            self._notify("updated", channel_id, message)
            return copy.deepcopy(message)

    def delete(self, channel_id: str, ts: str, *, deleter: str | None) -> None:
        """``deleter`` None: a workspace admin, who may delete anyone's message."""
        with self.lock:
            channel = self.channel(channel_id)
            message = self.find(channel_id, ts)
            if deleter is not None and message["user"] != deleter:
                raise SlackError("cant_delete_message")
            del channel.messages[ts]
            root_ts = message.get("thread_ts")
            if root_ts and root_ts != ts and root_ts in channel.messages:
                root = channel.messages[root_ts]
                replies = [m for m in channel.messages.values() if m.get("thread_ts") == root_ts and m["ts"] != root_ts]
                root["reply_count"] = len(replies)
                root["latest_reply"] = replies[-1]["ts"] if replies else root_ts
            self._notify("deleted", channel_id, message)

    def top_level(self, channel_id: str) -> list[dict[str, Any]]:
        """What the channel shows, oldest first (deep-copied): messages that are not thread replies, and thread
        replies also sent to the channel."""
        with self.lock:
            messages = self.channel(channel_id).messages.values()
            return [copy.deepcopy(m) for m in messages
                    if m.get("thread_ts", m["ts"]) == m["ts"] or m.get("subtype") == "thread_broadcast"]

    def thread(self, channel_id: str, ts: str) -> list[dict[str, Any]]:
        """Parent then replies, oldest first; ``ts`` may be the parent's or any reply's."""
        with self.lock:
            channel = self.channel(channel_id)
            message = channel.messages.get(ts)
            if message is None:
                raise SlackError("thread_not_found")
            root_ts = message.get("thread_ts", ts)
            return [
                copy.deepcopy(m)
                for m in channel.messages.values()
                if m["ts"] == root_ts or m.get("thread_ts") == root_ts
            ]

    def react(self, channel_id: str, ts: str, name: str, user: str) -> None:
        with self.lock:
            message = self.find(channel_id, ts)
            reactions = message.setdefault("reactions", [])
            reaction = next((r for r in reactions if r["name"] == name), None)
            if reaction is None:
                reaction = {"name": name, "users": [], "count": 0}
                reactions.append(reaction)
            if user in reaction["users"]:
                raise SlackError("already_reacted")
            reaction["users"].append(user)
            reaction["count"] += 1

    def add_ephemeral(self, channel_id: str, user: str, fields: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            ephemeral = {"channel": channel_id, "user": user, "message_ts": self.next_ts(), **fields}
            self.ephemerals.append(ephemeral)
            self._notify_surface(user)
            return copy.deepcopy(ephemeral)

    # -- views -----------------------------------------------------------------------------------
    def store_view(
        self,
        payload: dict[str, Any],
        *,
        user_id: str,
        view_id: str | None = None,
        previous_view_id: str | None = None,
        root_view_id: str | None = None,
    ) -> dict[str, Any]:
        """Create a view (no ``view_id``) or replace one's content, as Slack echoes it back."""
        with self.lock:
            view_id = view_id or self.new_id("V")
            old = self.views.get(view_id, {})
            view = {
                "id": view_id,
                "team_id": self.team_id,
                "type": payload["type"],
                "title": payload.get("title"),
                "submit": payload.get("submit"),
                "close": payload.get("close"),
                "blocks": with_block_ids(payload["blocks"]),
                "private_metadata": payload.get("private_metadata", ""),
                "callback_id": payload.get("callback_id", ""),
                "external_id": payload.get("external_id", ""),
                "state": {"values": {}},
                "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
                "clear_on_close": bool(payload.get("clear_on_close", False)),
                "notify_on_close": bool(payload.get("notify_on_close", False)),
                "root_view_id": root_view_id or old.get("root_view_id") or view_id,
                "previous_view_id": previous_view_id or old.get("previous_view_id"),
                "app_id": self.app_id,
                "app_installed_team_id": self.team_id,
                "bot_id": self.bot_id,
            }
            self.views[view_id] = view
            self.view_owner[view_id] = user_id
            self.view_errors.pop(view_id, None)
            self._notify_surface(user_id)
            return copy.deepcopy(view)

    def find_view(self, *, view_id: str | None = None, external_id: str | None = None) -> dict[str, Any]:
        with self.lock:
            for view in self.views.values():
                if (view_id and view["id"] == view_id) or (external_id and view["external_id"] == external_id):
                    return view
        raise SlackError("not_found")

    def check_external_id(self, external_id: str | None, *, replacing: str | None = None) -> None:
        with self.lock:
            if external_id and any(
                v["external_id"] == external_id and v["id"] != replacing for v in self.views.values()
            ):
                raise SlackError("duplicate_external_id")

    def open_modal(self, payload: dict[str, Any], user_id: str) -> dict[str, Any]:
        with self.lock:
            self.close_modals(user_id)
            view = self.store_view(payload, user_id=user_id)
            self.modal_stacks[user_id] = [view["id"]]
            return view

    def push_modal(self, payload: dict[str, Any], user_id: str) -> dict[str, Any]:
        with self.lock:
            stack = self.modal_stacks.get(user_id)
            if not stack:
                raise SlackError("not_found")
            if len(stack) >= MODAL_STACK_DEPTH:
                raise SlackError("push_limit_reached")
            view = self.store_view(payload, user_id=user_id, previous_view_id=stack[-1], root_view_id=stack[0])
            stack.append(view["id"])
            return view

    def close_modal(self, view_id: str) -> None:
        """The top modal goes away (a plain ack of view_submission), revealing the one below."""
        with self.lock:
            user_id = self.view_owner.get(view_id, "")
            stack = self.modal_stacks.get(user_id, [])
            if view_id in stack:
                stack.remove(view_id)
            self._forget_view(view_id)

    def close_modals(self, user_id: str) -> None:
        with self.lock:
            for view_id in self.modal_stacks.pop(user_id, []):
                self._forget_view(view_id)

    def _forget_view(self, view_id: str) -> None:
        self.views.pop(view_id, None)
        owner = self.view_owner.pop(view_id, None)
        self.view_errors.pop(view_id, None)
        if owner is not None:
            self._notify_surface(owner)

    def show_view_errors(self, view_id: str, errors: dict[str, str]) -> None:
        """The app answered ``response_action: errors``: they show under the inputs they name."""
        with self.lock:
            self.view_errors[view_id] = dict(errors)
            self._notify_surface(self.view_owner.get(view_id, ""))

    def publish_home(self, payload: dict[str, Any], user_id: str) -> dict[str, Any]:
        with self.lock:
            view = self.store_view(payload, user_id=user_id, view_id=self.homes.get(user_id))
            self.homes[user_id] = view["id"]
            return view

    def views_snapshot(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            snapshot = copy.deepcopy(self.views)
            for view_id, errors in self.view_errors.items():
                snapshot[view_id]["errors"] = dict(errors)
            return snapshot

    # -- trigger_ids and response_urls -----------------------------------------------------------
    def issue_trigger(self, user_id: str) -> str:
        with self.lock:
            now = self.clock()
            trigger_id = f"{int(now)}.{next(self._ids)}.{secrets.token_hex(16)}"
            self.triggers[trigger_id] = Trigger(user_id, now)
            return trigger_id

    def exchange_trigger(self, trigger_id: str) -> Trigger:
        with self.lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None or not TRIGGER_ID.match(trigger_id):
                raise SlackError("invalid_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            if self.clock() - trigger.issued_at > TRIGGER_TTL:
                raise SlackError("expired_trigger_id")
            trigger.used = True
            return trigger

    def issue_response_url(self, channel: str, user_id: str, message_ts: str | None) -> str:
        with self.lock:
            url_id = secrets.token_hex(12)
            self.response_urls[url_id] = ResponseURL(channel, user_id, message_ts, self.clock())
            return url_id


def with_block_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slack gives every block without a block_id one of its own, and echoes it back from then on."""
    return [block if "block_id" in block else {**block, "block_id": secrets.token_urlsafe(4)[:5]} for block in blocks]
