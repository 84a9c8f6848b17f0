"""The workspace page, served by the Slack emulator under ``/_workspace/``.

What a visitor does on the page goes through the emulator's own interactions (``click``, ``submit_view``,
``slash_command``, ``open_home``): the app receives the same signed request Slack would send, from the
visitor (``?as=U…``, by default the page's visitor). Live updates are a long poll: ``/_workspace/changes``
answers as soon as a message, or something only the visitor sees (a modal, the Home tab, an ephemeral
message), has changed since the revision the page last saw, with that part of the page rendered afresh.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulators.http import Request, Response
from emulators.slack.emulator import SlackEmulator
from emulators.slack.errors import SlackError
from emulators.slack.interactions import AppResponse
from emulators.slack.web import blocks, document
from emulators.slack.web.mrkdwn import Directory
from emulators.slack.web.teammates import TeammatesSwitch

STATIC = Path(__file__).with_name("static")
CONTENT_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
LONG_POLL_SECONDS = 20.0  # an idle page asks again this often; well under browsers' and proxies' timeouts
KEPT_CHANGES = 2000  # a page further behind than this reloads
HISTORY = 100  # top-level messages a channel shows on load, newest last


@dataclass(frozen=True)
class Change:
    revision: int
    event: str | None = None  # posted, updated or deleted...
    channel: str | None = None  # ...a message here...
    ts: str | None = None
    root: str | None = None  # ...in this thread, when it is a reply
    user: str | None = None  # or what only this user sees changed


class ChangeLog:
    def __init__(self) -> None:
        self._changes: deque[Change] = deque(maxlen=KEPT_CHANGES)
        self._revision = 0
        self._changed = threading.Condition()

    @property
    def revision(self) -> int:
        with self._changed:
            return self._revision

    def add(self, **change: Any) -> None:
        with self._changed:
            self._revision += 1
            self._changes.append(Change(self._revision, **change))
            self._changed.notify_all()

    def wait(self, after: int, timeout: float) -> tuple[int, list[Change] | None]:
        """(revision, changes after ``after``), as soon as there are any or ``timeout`` passes; None for the
        changes when some of them are no longer kept."""
        with self._changed:
            self._changed.wait_for(lambda: self._revision > after, timeout)
            if self._changes and self._changes[0].revision > after + 1:
                return self._revision, None
            return self._revision, [change for change in self._changes if change.revision > after]


class WorkspacePage:
    def __init__(self, slack: SlackEmulator, *, visitor: str, teammates: TeammatesSwitch | None = None) -> None:
        self.slack = slack
        self.visitor = visitor
        self.teammates = teammates
        self.changes = ChangeLog()
        slack.on_message(self._message_changed)
        slack.on_surface_change(lambda user: self.changes.add(user=user))
        routes: list[tuple[str, str, Callable[[Request], Response]]] = [
            ("GET", "/", lambda request: Response(302, b"", {"Location": document.PREFIX + "/"})),
            ("GET", "/_workspace/", self._page),
            ("GET", "/_workspace/static/{name}", self._static),
            ("GET", "/_workspace/changes", self._changes),
            ("GET", "/_workspace/thread", self._thread),
            ("POST", "/_workspace/act", self._act),
            ("POST", "/_workspace/submit", self._submit),
            ("POST", "/_workspace/close", self._close),
            ("POST", "/_workspace/command", self._command),
            ("POST", "/_workspace/home", self._open_home),
            ("POST", "/_workspace/teammates", self._turn_teammates),
        ]
        for method, path, handler in routes:
            slack.route(method, path, handler)

    @property
    def url(self) -> str:
        return f"{self.slack.url}{document.PREFIX}/"

    def _message_changed(self, event: str, channel: str, message: dict[str, Any]) -> None:
        root = message.get("thread_ts")
        self.changes.add(event=event, channel=channel, ts=message["ts"], root=root if root != message["ts"] else None)

    # -- reading the workspace ---------------------------------------------------------------------
    @property
    def _ws(self):
        return self.slack.workspace

    def _directory(self) -> Directory:
        with self._ws.lock:
            return Directory(users={uid: user["name"] for uid, user in self._ws.users.items()},
                             channels={cid: channel.name for cid, channel in self._ws.channels.items()})

    def _sidebar(self, user: str, directory: Directory) -> document.Sidebar:
        return document.Sidebar(self._ws.team_domain, user, directory.users.get(user, user),
                                list(directory.channels.items()),
                                None if self.teammates is None else self.teammates.on)

    def _user(self, request: Request, body: dict[str, Any] | None = None) -> str:
        user = (body or {}).get("as") or request.arg("as") or self.visitor
        if user not in self._ws.users:
            raise ValueError(f"no user {user!r} in this workspace")
        return user

    def _message_html(self, channel: str, message: dict[str, Any], directory: Directory, *, in_thread=False) -> str:
        return blocks.message_html(message, directory, bot_user_id=self._ws.bot_user_id, channel=channel,
                                   in_thread=in_thread)

    def _ephemerals(self, user: str, channel: str, directory: Directory) -> list[tuple[str, str]]:
        return [(e["message_ts"], blocks.ephemeral_html(e, directory, bot_user_id=self._ws.bot_user_id))
                for e in self.slack.ephemerals(channel, user)]

    def _modal(self, user: str, directory: Directory) -> str:
        with self._ws.lock:
            stack = self._ws.modal_stacks.get(user) or []
            top = stack[-1] if stack else None
        view = self.slack.views.get(top) if top else None
        return blocks.modal_html(view, directory) if view else ""

    def _home(self, user: str, directory: Directory) -> str:
        return blocks.home_html(self.slack.home(user), directory)

    # -- pages -------------------------------------------------------------------------------------
    def _page(self, request: Request) -> Response:
        try:
            user = self._user(request)
        except ValueError as exc:
            return Response(400, {"error": str(exc)})
        revision = self.changes.revision  # before reading: a change made meanwhile is sent again, not lost
        directory = self._directory()
        side = self._sidebar(user, directory)
        modal = self._modal(user, directory)
        if request.arg("tab") == "home":
            app_name = directory.users.get(self._ws.bot_user_id, "app")
            page = document.home_page(side, app_name, self._home(user, directory), revision=revision, modal=modal)
        else:
            channel = request.arg("channel") or next(iter(directory.channels), "")
            if channel not in directory.channels:
                return Response(404, {"error": f"no channel {channel!r}"})
            shown = [(m["ts"], self._message_html(channel, m, directory))
                     for m in self.slack.messages(channel)[-HISTORY:]]
            shown += self._ephemerals(user, channel, directory)
            page = document.channel_page(side, channel, directory.channels[channel],
                                         [html for _, html in sorted(shown, key=lambda item: float(item[0]))],
                                         revision=revision, modal=modal)
        return Response(200, page.encode(), {"Content-Type": "text/html; charset=utf-8",
                                             "Content-Security-Policy": document.CONTENT_SECURITY_POLICY,
                                             "Cache-Control": "no-store"})

    def _static(self, request: Request) -> Response:
        path = STATIC / request.params["name"]
        if path.suffix not in CONTENT_TYPES or not path.is_file():
            return Response(404, {"error": "not_found"})
        return Response(200, path.read_bytes(), {"Content-Type": CONTENT_TYPES[path.suffix],
                                                 "Cache-Control": "no-cache"})

    def _thread(self, request: Request) -> Response:
        channel, ts = request.arg("channel") or "", request.arg("ts") or ""
        directory = self._directory()
        try:
            parent, *replies = self._ws.thread(channel, ts)
        except SlackError as exc:
            return Response(404, {"error": str(exc)})
        html = document.thread_pane(directory.channels.get(channel, channel),
                                    self._message_html(channel, parent, directory, in_thread=True),
                                    [self._message_html(channel, r, directory, in_thread=True) for r in replies],
                                    parent["ts"])
        return Response(200, {"html": html})

    def _changes(self, request: Request) -> Response:
        """What changed after ``after``, rendered for a page showing ``channel`` to ``as``."""
        try:
            user, after = self._user(request), int(request.arg("after") or "0")
        except ValueError as exc:
            return Response(400, {"error": str(exc)})
        channel = request.arg("channel")
        revision, changes = self.changes.wait(after, LONG_POLL_SECONDS)
        if changes is None:
            return Response(200, {"revision": revision, "reload": True})
        directory = self._directory()
        touched: dict[str, None] = {}  # message ts in the channel shown, in order, once each
        unread: set[str] = set()
        surfaces = False
        for change in changes:
            if change.user is not None:
                surfaces = surfaces or change.user == user
            elif change.channel == channel:
                touched.update({change.ts: None, **({change.root: None} if change.root else {})})
            elif change.event == "posted" and change.root is None:
                unread.add(change.channel)
        answer: dict[str, Any] = {"revision": revision, "messages": [self._changed_message(channel, ts, directory)
                                                                     for ts in touched],
                                  "unread": sorted(unread)}
        if surfaces:
            answer["surfaces"] = {
                "modal": self._modal(user, directory),
                "home": self._home(user, directory),
                "ephemerals": [{"ts": ts, "html": html} for ts, html in
                               (self._ephemerals(user, channel, directory) if channel else [])],
            }
        return Response(200, answer)

    def _changed_message(self, channel: str, ts: str, directory: Directory) -> dict[str, Any]:
        """The message as it is now: its channel rendering when it shows in the channel, its thread rendering
        when it is in a thread; no html at all when it was deleted."""
        try:
            message = self.slack.message(channel, ts)
        except SlackError:
            return {"ts": ts, "deleted": True}
        root = message.get("thread_ts")
        reply = root is not None and root != ts
        in_channel = not reply or message.get("subtype") == "thread_broadcast"
        return {"ts": ts, "root": root if reply else None,
                "html": self._message_html(channel, message, directory) if in_channel else None,
                "thread_html": self._message_html(channel, message, directory, in_thread=True) if root else None}

    # -- acting as the visitor ---------------------------------------------------------------------
    def _act(self, request: Request) -> Response:
        def press(user: str, body: dict[str, Any]) -> AppResponse:
            surface, action_id, block_id = body["surface"], body["action_id"], body.get("block_id")
            value = body.get("value")
            if surface == "message":
                return self.slack.click(user, body["channel"], body["ts"], action_id, value=value, block_id=block_id)
            if surface == "ephemeral":
                return self.slack.click_ephemeral(user, body["ts"], action_id, value=value, block_id=block_id)
            if surface == "view":
                return self.slack.click_view(user, body["view_id"], action_id, value=value, block_id=block_id)
            raise ValueError(f"no surface {surface!r}")

        return self._as_visitor(request, press)

    def _submit(self, request: Request) -> Response:
        return self._as_visitor(request, lambda user, body: self.slack.submit_view(user, body["view_id"],
                                                                                   body.get("values") or {}))

    def _close(self, request: Request) -> Response:
        def close(user: str, body: dict[str, Any]) -> dict[str, Any]:
            with self._ws.lock:
                if self._ws.view_owner.get(body["view_id"]) != user:
                    raise ValueError("that modal is not open for you")
                self._ws.close_modal(body["view_id"])
            return {"closed": True}

        return self._as_visitor(request, close)

    def _command(self, request: Request) -> Response:
        def command(user: str, body: dict[str, Any]) -> AppResponse:
            name, _, text = str(body.get("text", "")).strip().partition(" ")
            if not name.startswith("/") or len(name) < 2:
                raise ValueError("only slash commands can be sent from here, e.g. /birdhouse stats")
            return self.slack.slash_command(user, name, text.strip(), body["channel"])

        return self._as_visitor(request, command)

    def _open_home(self, request: Request) -> Response:
        return self._as_visitor(request, lambda user, body: self.slack.open_home(user))

    def _turn_teammates(self, request: Request) -> Response:
        if self.teammates is None:
            return Response(404, {"error": "no scripted teammates here"})
        self.teammates.turn(bool((request.json() or {}).get("on")))
        return Response(200, {"on": self.teammates.on})

    def _as_visitor(self, request: Request, operation: Callable[[str, dict[str, Any]], Any]) -> Response:
        """Run ``operation(user, body)``; the app's answer comes back as its status (0: no answer in time)."""
        try:
            body = request.json() or {}
            result = operation(self._user(request, body), body)
        except (KeyError, ValueError, SlackError, RuntimeError) as exc:
            return Response(400, {"error": str(exc) or type(exc).__name__})
        if isinstance(result, AppResponse):
            return Response(200, {"status": result.status})
        return Response(200, result)
