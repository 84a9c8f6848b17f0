"""``birdhouse web``: Slack's requests at ``POST /slack/events``, and ``GET /healthz`` for load balancers; in
webhook mode also X's at ``/x/webhooks`` (``GET ?crc_token=``: the CRC challenge; ``POST``: a signed event).

Bolt verifies each request's signature (bad or older than five minutes: 401, nothing runs); X's deliveries are
checked here against the consumer secret (bad or missing: 401, nothing is queued). Waitress serves
the WSGI app with a thread pool, so one slow listener does not hold up the others.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import redis
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from birdhouse import jobs
from birdhouse.activity import SIGNATURE_HEADER, signature, signed_by
from birdhouse.settings import Settings

EVENTS_PATH = "/slack/events"
X_WEBHOOK_PATH = "/x/webhooks"
SIGNATURE_MAX_AGE_SECONDS = 300  # slack_sdk's SignatureVerifier refuses older ones
log = logging.getLogger(__name__)
StartResponse = Callable[..., Any]


class WebApp:
    """The WSGI application: Slack's endpoint and a health check, nothing else.

    The signature is checked here, at the door, before anything parses the body: an unsigned request gets 401
    whatever it carries, and the log says why without repeating what it carried (user content stays out).
    """

    def __init__(self, app: App, connection: redis.Redis, signing_secret: str,
                 x_consumer_secret: str | None = None) -> None:
        self.slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self.connection = connection
        self.verifier = SignatureVerifier(signing_secret)
        self.x_consumer_secret = x_consumer_secret  # None: no webhook route (poll and stream modes)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == EVENTS_PATH:
            if method != "POST":
                return _json(start_response, "405 Method Not Allowed", {"error": "POST only"}, [("Allow", "POST")])
            return self._events(environ, start_response)
        if path == "/healthz" and method == "GET":
            return self._health(start_response)
        if path == X_WEBHOOK_PATH and self.x_consumer_secret is not None:
            if method == "GET":
                return self._crc(environ, start_response, self.x_consumer_secret)
            if method == "POST":
                return self._x_event(environ, start_response, self.x_consumer_secret)
            return _json(start_response, "405 Method Not Allowed", {"error": "GET or POST"}, [("Allow", "GET, POST")])
        return _json(start_response, "404 Not Found", {"error": "not found"})

    def _events(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        refusal = self._refusal(body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
                                environ.get("HTTP_X_SLACK_SIGNATURE", ""))
        if refusal:
            log.info("refused a request to %s: %s (%d bytes)", EVENTS_PATH, refusal, len(body))
            return _json(start_response, "401 Unauthorized", {"error": "invalid request"})
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            return self.slack(environ, start_response)
        except ValueError as exc:  # signed, but not the JSON or form Slack sends: nothing ran
            log.warning("refused a malformed request to %s: %s", EVENTS_PATH, type(exc).__name__)
            return _json(start_response, "400 Bad Request", {"error": "malformed request body"})

    def _refusal(self, body: bytes, timestamp: str, signature: str) -> str | None:
        """Why the request is not Slack's, or None when it is."""
        if not timestamp or not signature:
            return "no signature"
        try:
            age = time.time() - int(timestamp)
        except ValueError:
            return "a signature timestamp that is not a number"
        if abs(age) > SIGNATURE_MAX_AGE_SECONDS:
            return f"a signature {age:.0f} s old (Slack's are at most 5 minutes old)"
        if not self.verifier.is_valid(body, timestamp, signature):
            return "a signature that does not match (is SLACK_SIGNING_SECRET the app's?)"
        return None

    def _crc(self, environ: dict[str, Any], start_response: StartResponse, secret: str) -> Iterable[bytes]:
        token = parse_qs(environ.get("QUERY_STRING", "")).get("crc_token", [""])[0]
        if not token:
            return _json(start_response, "400 Bad Request", {"error": "crc_token is missing"})
        return _json(start_response, "200 OK", {"response_token": signature(secret, token.encode())})

    def _x_event(self, environ: dict[str, Any], start_response: StartResponse, secret: str) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        claimed = environ.get("HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"), "")
        if not signed_by(secret, body, claimed):
            log.info("refused a request to %s: %s (%d bytes)", X_WEBHOOK_PATH,
                     "a signature that does not match" if claimed else "no signature", len(body))
            return _json(start_response, "401 Unauthorized", {"error": "invalid signature"})
        try:
            event = json.loads(body)
        except ValueError:
            return _json(start_response, "400 Bad Request", {"error": "malformed request body"})
        if not isinstance(event, dict):
            return _json(start_response, "400 Bad Request", {"error": "malformed request body"})
        jobs.take_webhook_event(self.connection, event)
        return _json(start_response, "200 OK", {"ok": True})

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            self.connection.ping()
        except redis.RedisError as exc:
            return _json(start_response, "503 Service Unavailable", {"ok": False, "redis": f"away: {exc}"})
        return _json(start_response, "200 OK", {"ok": True})


def _json(start_response: StartResponse, status: str, body: dict[str, Any],
          headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
                            *(headers or [])])
    return [payload]


def server(app: App, connection: redis.Redis, signing_secret: str, host: str, port: int, threads: int = 8,
           x_consumer_secret: str | None = None) -> Any:
    """A waitress server, not yet running: ``.run()`` serves, ``.close()`` stops, ``.effective_port`` tells.
    ``x_consumer_secret`` (webhook mode) opens ``/x/webhooks``."""
    return create_server(WebApp(app, connection, signing_secret, x_consumer_secret), host=host, port=port,
                         threads=threads, ident="birdhouse")


def x_webhook_secret(settings: Settings) -> str | None:
    """What ``server`` takes to serve X's webhook: the consumer secret, in webhook mode only."""
    return settings.x_api_secret if settings.ingest == "webhook" else None
