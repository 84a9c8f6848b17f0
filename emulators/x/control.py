"""The X emulator's control surface over HTTP, for processes that cannot call it in-process
(the demo's traffic source, benchmarks). Same operations as the Python API, no authentication."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from emulators.http import Request, Response

if TYPE_CHECKING:
    from emulators.x.emulator import XEmulator

PREFIX = "/_emulator/x"


def register(x: XEmulator) -> None:
    def scripted(action: Callable[[Request], Response]) -> Callable[[Request], Response]:
        """Bad input is the caller's mistake: answer 400 with the reason instead of a stack trace."""
        def handle(request: Request) -> Response:
            try:
                return action(request)
            except (TypeError, ValueError, KeyError) as exc:
                return Response(400, {"error": f"{type(exc).__name__}: {exc}"})
        return handle

    def add_user(request: Request) -> Response:
        return Response(201, x.add_user(**request.json()))

    def add_post(request: Request) -> Response:
        return Response(201, x.post(**request.json()))

    def add_follower(request: Request) -> Response:
        x.add_follower(request.json()["user_id"])
        return Response(200, {"ok": True})

    def remove_follower(request: Request) -> Response:
        x.remove_follower(request.params["user_id"])
        return Response(200, {"ok": True})

    def state(request: Request) -> Response:
        return Response(200, x.state())

    def activity(request: Request) -> Response:
        return Response(200, x.activity_state())

    def configure_stream(request: Request) -> Response:
        x.activity.streams.keepalive_seconds = float(request.json()["keepalive_seconds"])
        return Response(200, {"keepalive_seconds": x.activity.streams.keepalive_seconds})

    def disconnect_stream(request: Request) -> Response:
        abrupt = bool((request.json() or {}).get("abrupt", False))
        return Response(200, {"disconnected": x.activity.streams.disconnect(abrupt=abrupt)})

    def check_webhook(request: Request) -> Response:
        return Response(200, {"valid": x.activity.webhooks.check(request.params["webhook_id"])})

    x.route("GET", f"{PREFIX}/activity", scripted(activity))
    x.route("PUT", f"{PREFIX}/stream", scripted(configure_stream))
    x.route("POST", f"{PREFIX}/stream/disconnect", scripted(disconnect_stream))
    x.route("POST", f"{PREFIX}/webhooks/{{webhook_id}}/crc", scripted(check_webhook))
    x.route("POST", f"{PREFIX}/users", scripted(add_user))
    x.route("POST", f"{PREFIX}/posts", scripted(add_post))
    x.route("POST", f"{PREFIX}/followers", scripted(add_follower))
    x.route("DELETE", f"{PREFIX}/followers/{{user_id}}", scripted(remove_follower))
    x.route("GET", f"{PREFIX}/state", scripted(state))
