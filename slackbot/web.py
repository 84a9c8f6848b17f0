"""``birdhouse web``: Slack's requests at ``POST /slack/events``, and ``GET /healthz`` for load balancers.

Bolt verifies each request's signature (bad or older than five minutes: 401, nothing runs). Waitress serves
the WSGI app with a thread pool, so one slow listener does not hold up the others.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import redis
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

EVENTS_PATH = "/slack/events"
log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]


class WebApp:
    """The WSGI application: Slack's endpoint and a health check, nothing else."""

    def __init__(self, app: App, connection: redis.Redis) -> None:
        self.slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self.connection = connection

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == EVENTS_PATH:
            try:
                return self.slack(environ, start_response)
            except ValueError as exc:  # a body that is not the JSON or form Slack sends: nothing ran
                log.warning("refused a malformed request to %s: %s", EVENTS_PATH, exc)
                return _json(start_response, "400 Bad Request", {"error": "malformed request body"})
        if path == "/healthz" and method == "GET":
            return self._health(start_response)
        return _json(start_response, "404 Not Found", {"error": "not found"})

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            self.connection.ping()
        except redis.RedisError as exc:
            return _json(start_response, "503 Service Unavailable", {"ok": False, "redis": str(exc)})
        return _json(start_response, "200 OK", {"ok": True})


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def server(app: App, connection: redis.Redis, host: str, port: int, threads: int = 8) -> Any:
    """A waitress server, not yet running: ``.run()`` serves, ``.close()`` stops, ``.effective_port`` tells."""
    return create_server(WebApp(app, connection), host=host, port=port, threads=threads, ident="birdhouse")
