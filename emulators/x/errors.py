"""X's error bodies, word for word, and the exception that carries one out of a handler.

X answers failures in two shapes: RFC 7807 problem details at the top level (401, 403, 429, and 400
"Invalid Request", which adds an ``errors`` list), and "partial errors" inside a 200 answer for ids that
do not resolve. Clients branch on ``type``, ``title``, ``reason`` and ``detail``, so these strings are
copied from what the real service sends, not paraphrased.
"""

from __future__ import annotations

from typing import Any

from emulators.http import Response

PROBLEMS = "https://api.twitter.com/2/problems/"
PROBLEM_JSON = {"Content-Type": "application/problem+json"}


class XError(Exception):
    """Raised anywhere below a handler; the pipeline turns it into the answer as it is."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('title')}")
        self.status = status
        self.body = body

    def response(self) -> Response:
        return Response(self.status, self.body, dict(PROBLEM_JSON))


def _blank(status: int, title: str, detail: str) -> XError:
    return XError(status, {"title": title, "type": "about:blank", "status": status, "detail": detail})


def unauthorized() -> XError:
    return _blank(401, "Unauthorized", "Unauthorized")


def too_many_requests() -> XError:
    return _blank(429, "Too Many Requests", "Too Many Requests")


def forbidden(detail: str) -> XError:
    """The plain 403 X uses for content rules (duplicates, length, reply restrictions)."""
    return _blank(403, "Forbidden", detail)


def unsupported_authentication() -> XError:
    return XError(403, {
        "title": "Unsupported Authentication",
        "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  "
                  "Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
        "type": PROBLEMS + "unsupported-authentication",
        "status": 403,
    })


def app_only_endpoint() -> XError:
    """A user token on an endpoint that takes only the app's bearer token (the streams, subscription edits)."""
    return XError(403, {
        "title": "Unsupported Authentication",
        "detail": "Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  "
                  "Supported authentication types are [OAuth 2.0 Application-Only].",
        "type": PROBLEMS + "unsupported-authentication",
        "status": 403,
    })


def too_many_connections() -> XError:
    """A second stream connection while one is open: X's streams allow one per app."""
    return XError(429, {
        "title": "ConnectionException",
        "detail": "This stream is currently at the maximum allowed connection limit.",
        "connection_issue": "TooManyConnections",
        "type": PROBLEMS + "streaming-connection",
    })


def client_not_enrolled(client_id: str) -> XError:
    """What an app gets for an endpoint its access level does not include (no ``status`` key, as X)."""
    return XError(403, {
        "client_id": client_id,
        "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
                  "from a Twitter developer App that is attached to a Project. You can create a project via "
                  "the developer portal.",
        "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
        "title": "Client Forbidden",
        "required_enrollment": "Appropriate Level of API Access",
        "reason": "client-not-enrolled",
        "type": PROBLEMS + "client-forbidden",
    })


def invalid_request(errors: list[dict[str, Any]]) -> XError:
    """``errors`` items are ``{"parameters": {name: [value]}, "message": ...}`` or just ``{"message": ...}``."""
    return XError(400, {
        "errors": errors,
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": PROBLEMS + "invalid-request",
    })


def invalid_parameter(name: str, value: str, message: str) -> dict[str, Any]:
    return {"parameters": {name: [value]}, "message": message}


def not_found(resource_type: str, parameter: str, value: str) -> dict[str, Any]:
    """One partial error: X answers 200 with these in ``errors`` for ids that resolve to nothing."""
    return {
        "value": value,
        "detail": f"Could not find {resource_type} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": value,
        "type": PROBLEMS + "resource-not-found",
    }
