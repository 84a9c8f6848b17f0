"""SlackEmulator: the workspace, its Web API, Slack's side of interactivity, and a control surface.

Tests drive it from Python; other processes (``make demo``, benchmarks) drive the same operations over
HTTP under ``/_emulator/slack/``.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from emulators.http import Emulator, Request, Response, Serving
from emulators.slack import response_urls
from emulators.slack.api import METHODS, WebAPI
from emulators.slack.errors import SlackError
from emulators.slack.interactions import AppResponse, Interactions
from emulators.slack.ratelimit import Policy, RateLimiter
from emulators.slack.socket_mode import SocketMode
from emulators.slack.state import MessageListener, SurfaceListener, Workspace


class SlackEmulator(Emulator):
    def __init__(
        self,
        bot_token: str = "xoxb-emulator",
        signing_secret: str = "emulator-signing-secret",
        team_id: str = "T0BIRDHSE",
        bot_user_id: str = "U0BIRDBOT",
        clock: Callable[[], float] = time.time,
        *,
        team_domain: str = "birdhouse",
        bot_name: str = "birdhouse",
        app_token: str = "xapp-1-A0BIRDHSE-1-emulator",
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.signing_secret = signing_secret
        self.workspace = Workspace(
            team_id=team_id,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id="B" + bot_user_id[1:],
            app_id="A" + team_id[1:],
            clock=clock,
        )
        self.workspace.add_user(bot_user_id, bot_name, is_bot=True)
        self.limiter = RateLimiter({name: spec.tier for name, spec in METHODS.items()}, clock)
        self.app_token = app_token
        self.socket_mode = SocketMode(app_token=app_token, app_id=self.workspace.app_id)
        self.api = WebAPI(self.workspace, bot_token=bot_token, limiter=self.limiter, app_token=app_token,
                          open_connection=self.socket_mode.open_url)
        self.interactions = Interactions(self.workspace, signing_secret=signing_secret, base_url=self._base_url)
        # The emulator's own base URL, which response_urls start with. Set it (``s.url = serving.start()``)
        # or use serve(); failing both, the Host of the first request teaches it.
        self.url: str | None = None

        self.route("POST", "/api/{method}", self.api.handle)
        self.route("GET", "/api/{method}", self.api.handle)
        self.route("POST", "/_emulator/slack/response/{url_id}", self._http_response_url)
        self.route("GET", "/_emulator/slack/channels/{channel}/messages", self._http_messages)
        self.route("GET", "/_emulator/slack/ephemerals", self._http_ephemerals)
        self.route("GET", "/_emulator/slack/views", self._http_views)
        self.route("POST", "/_emulator/slack/click", self._http_click)
        self.route("POST", "/_emulator/slack/command", self._http_command)
        self.route("POST", "/_emulator/slack/submit", self._http_submit)
        self.route("POST", "/_emulator/slack/home", self._http_home)
        self.route("PUT", "/_emulator/slack/delivery", self._http_delivery)
        self.route("GET", "/_emulator/slack/socket_mode", self._http_socket_mode)
        self.route("POST", "/_emulator/slack/socket_mode/disconnect", self._http_socket_disconnect)
        self.route("POST", "/_emulator/slack/socket_mode/drop", self._http_socket_drop)
        self.route("POST", "/_emulator/slack/socket_mode/ping", self._http_socket_ping)

    def dispatch(self, request: Request) -> Response:
        if self.url is None and "host" in request.headers:
            self.url = f"http://{request.headers['host']}"
        return super().dispatch(request)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Serving:
        """Start serving on a real socket; remember the URL for response_urls. Stop with ``.stop()``."""
        serving = Serving(self, host, port)
        self.url = serving.start()
        return serving

    def close(self) -> None:
        """Stops the Socket Mode server and its connections; the HTTP side stops with its ``Serving``."""
        self.socket_mode.stop()

    # -- how Slack reaches the app -----------------------------------------------------------------
    DELIVERY_MODES = ("http", "socket_mode")

    @property
    def delivery(self) -> str:
        """"http": interactions are POSTed to request_url; "socket_mode": sent as envelopes to the app's
        Socket Mode connections."""
        return "http" if self.interactions.transport is None else "socket_mode"

    @delivery.setter
    def delivery(self, mode: str) -> None:
        if mode not in self.DELIVERY_MODES:
            raise ValueError(f"delivery must be one of {self.DELIVERY_MODES}, not {mode!r}")
        self.interactions.transport = self.socket_mode.deliver if mode == "socket_mode" else None

    def _base_url(self) -> str:
        if self.url is None:
            raise RuntimeError("SlackEmulator.url is unknown: set it or start the emulator with serve()")
        return self.url

    # -- the workspace ---------------------------------------------------------------------------
    @property
    def request_url(self) -> str | None:
        return self.interactions.request_url

    @request_url.setter
    def request_url(self, url: str | None) -> None:
        self.interactions.request_url = url

    def add_user(self, user_id: str, name: str, *, real_name: str | None = None, is_bot: bool = False) -> None:
        self.workspace.add_user(user_id, name, real_name=real_name, is_bot=is_bot)

    def add_usergroup(self, group_id: str, handle: str, user_ids: list[str]) -> None:
        """``handle`` (the @name) is kept for the record; usergroups.users.list answers by id."""
        with self.workspace.lock:
            self.workspace.usergroups[group_id] = list(user_ids)

    def add_channel(self, channel_id: str, name: str) -> None:
        self.workspace.add_channel(channel_id, name)

    def remove_app(self, channel_id: str) -> None:
        """Someone removes the app from the channel: it may neither post there nor read it (``not_in_channel``)."""
        self.workspace.set_app_member(channel_id, False)

    def invite_app(self, channel_id: str) -> None:
        self.workspace.set_app_member(channel_id, True)

    def archive(self, channel_id: str) -> None:
        """Someone archives the channel: its history stays readable, posts are refused (``is_archived``)."""
        self.workspace.set_archived(channel_id, True)

    def unarchive(self, channel_id: str) -> None:
        self.workspace.set_archived(channel_id, False)

    def delete_as_admin(self, channel: str, ts: str) -> None:
        """A workspace admin deletes a message (the bot's too); a thread whose root is gone is not found."""
        self.workspace.delete(channel, ts, deleter=None)

    def post_as_user(self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None) -> str:
        """A person writes in a channel (something the bot may not edit); answers the message ts."""
        return self.workspace.post(channel, user=user_id, text=text, thread_ts=thread_ts)["ts"]

    def on_message(self, listener: MessageListener) -> None:
        """``listener(event, channel, message)`` for every posted/updated/deleted message. Keep it quick."""
        self.workspace.on_message(listener)

    def on_surface_change(self, listener: SurfaceListener) -> None:
        """``listener(user_id)`` when a user's modals, Home tab or ephemeral messages change. Keep it quick."""
        self.workspace.on_surface_change(listener)

    # -- what Slack shows ------------------------------------------------------------------------
    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages, oldest first, with metadata."""
        return self.workspace.top_level(channel)

    def replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The replies of a thread, oldest first, without the parent."""
        return self.workspace.thread(channel, thread_ts)[1:]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        with self.workspace.lock:
            return copy.deepcopy(self.workspace.find(channel, ts))

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        with self.workspace.lock:
            return [
                copy.deepcopy(e)
                for e in self.workspace.ephemerals
                if channel in (None, e["channel"]) and user in (None, e["user"])
            ]

    @property
    def views(self) -> dict[str, dict[str, Any]]:
        """Open modals and published Home tabs by view id, with ``state`` and any ``errors`` shown."""
        return self.workspace.views_snapshot()

    def home(self, user_id: str) -> dict[str, Any] | None:
        with self.workspace.lock:
            view_id = self.workspace.homes.get(user_id)
        return self.views.get(view_id) if view_id else None

    def reactions(self, channel: str, ts: str) -> list[str]:
        return [reaction["name"] for reaction in self.message(channel, ts).get("reactions", [])]

    def response_url_posts(self, url_id: str) -> list[dict[str, Any]]:
        """Posts to a response_url; ``url_id`` is its last path segment, or the whole URL."""
        with self.workspace.lock:
            target = self.workspace.response_urls.get(url_id.rstrip("/").rsplit("/", 1)[-1])
            return copy.deepcopy(target.posts) if target else []

    # -- rate limits -----------------------------------------------------------------------------
    def set_rate_limit(
        self,
        method: str,
        per_minute: float | None = None,
        per_channel_per_second: float | None = None,
        burst: int | None = None,
    ) -> None:
        """Replace a method's limits; a limit left None is off, so ``set_rate_limit(m)`` frees ``m``."""
        self.limiter.configure(method, Policy(per_minute, per_channel_per_second, burst))

    def disable_rate_limits(self) -> None:
        self.limiter.disable()

    # -- acting as Slack toward the app ----------------------------------------------------------
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
        return self.interactions.click(user_id, channel, ts, action_id, value=value, block_id=block_id)

    def click_ephemeral(
        self, user_id: str, message_ts: str, action_id: str, *, value: str | None = None, block_id: str | None = None
    ) -> AppResponse:
        """Press an element of an ephemeral message (from ``ephemerals()``, by its ``message_ts``)."""
        return self.interactions.click_ephemeral(user_id, message_ts, action_id, value=value, block_id=block_id)

    def click_view(
        self, user_id: str, view_id: str, action_id: str, *, value: str | None = None, block_id: str | None = None
    ) -> AppResponse:
        return self.interactions.click_view(user_id, view_id, action_id, value=value, block_id=block_id)

    def submit_view(self, user_id: str, view_id: str, values: dict[str, dict[str, Any]]) -> AppResponse:
        return self.interactions.submit_view(user_id, view_id, values)

    def slash_command(self, user_id: str, command: str, text: str, channel_id: str) -> AppResponse:
        return self.interactions.slash_command(user_id, command, text, channel_id)

    def open_home(self, user_id: str) -> AppResponse:
        return self.interactions.open_home(user_id)

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
        return self.interactions.deliver(
            raw_body,
            content_type,
            timestamp=timestamp,
            signature=signature,
            retry_num=retry_num,
            retry_reason=retry_reason,
        )

    # -- control API over HTTP -------------------------------------------------------------------
    def _http_response_url(self, request: Request) -> Response:
        status, body = response_urls.post(self.workspace, request.params["url_id"], request.body)
        return Response(status, body)

    def _http_messages(self, request: Request) -> Response:
        channel, thread_ts = request.params["channel"], request.arg("thread_ts")
        return _control(lambda: {"messages": self.replies(channel, thread_ts) if thread_ts else self.messages(channel)})

    def _http_ephemerals(self, request: Request) -> Response:
        return Response(200, {"ephemerals": self.ephemerals(request.arg("channel"), request.arg("user"))})

    def _http_views(self, request: Request) -> Response:
        return Response(200, {"views": self.views})

    def _http_click(self, request: Request) -> Response:
        body = request.json() or {}
        return _control(
            lambda: self.click(
                body["user"],
                body["channel"],
                body["ts"],
                body["action_id"],
                value=body.get("value"),
                block_id=body.get("block_id"),
            )
        )

    def _http_command(self, request: Request) -> Response:
        body = request.json() or {}
        return _control(
            lambda: self.slash_command(body["user"], body["command"], body.get("text", ""), body["channel"])
        )

    def _http_submit(self, request: Request) -> Response:
        body = request.json() or {}
        return _control(lambda: self.submit_view(body["user"], body["view_id"], body.get("values", {})))

    def _http_home(self, request: Request) -> Response:
        body = request.json() or {}
        return _control(lambda: self.open_home(body["user"]))


    def _http_delivery(self, request: Request) -> Response:
        body = request.json() or {}

        def switch() -> dict[str, Any]:
            self.delivery = body["mode"]
            if "ack_timeout" in body:
                self.socket_mode.ack_timeout = float(body["ack_timeout"])
            return {"mode": self.delivery, "ack_timeout": self.socket_mode.ack_timeout}

        return _control(switch)

    def _http_socket_mode(self, request: Request) -> Response:
        return Response(200, self.socket_mode.record())

    def _http_socket_disconnect(self, request: Request) -> Response:
        body = request.json() or {}
        return _control(lambda: {"told": self.socket_mode.disconnect(body["reason"], body.get("connection"))})

    def _http_socket_drop(self, request: Request) -> Response:
        body = request.json() or {}
        return Response(200, {"dropped": self.socket_mode.drop(body.get("connection"))})

    def _http_socket_ping(self, request: Request) -> Response:
        body = request.json() or {}
        return Response(200, {"sent": self.socket_mode.ping(body.get("connection"))})


def _control(operation: Callable[[], Any]) -> Response:
    """Run a control operation; an app's answer is reported as its status and body text."""
    try:
        result = operation()
    except (KeyError, ValueError, SlackError, RuntimeError) as exc:
        return Response(400, {"error": type(exc).__name__, "detail": str(exc)})
    if isinstance(result, AppResponse):
        return Response(200, {"status": result.status, "body": result.text})
    return Response(200, result)
