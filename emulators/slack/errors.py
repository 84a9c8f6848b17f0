"""How the emulated Slack says no.

Every method answers ``{"ok": false, "error": code}`` with HTTP 200, except ``ratelimited`` (429). Codes a
method may answer are its own (the ``errors`` of its reference JSON) plus the errors Slack documents as
common to every method, listed below. ``api.py`` refuses to emit anything else, so the emulator cannot
drift into errors Slack never sends.
"""

from __future__ import annotations

from typing import Any

# Slack's "common errors", as listed on every method's reference page (docs.slack.dev/reference/methods).
COMMON_ERRORS = frozenset(
    {
        "access_denied",
        "accesslimited",
        "account_inactive",
        "deprecated_endpoint",
        "ekm_access_denied",
        "enterprise_is_restricted",
        "fatal_error",
        "internal_error",
        "invalid_arg_name",
        "invalid_arguments",
        "invalid_array_arg",
        "invalid_auth",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "is_bot",
        "method_deprecated",
        "missing_post_type",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "not_authed",
        "org_login_required",
        "ratelimited",
        "request_timeout",
        "service_unavailable",
        "team_access_not_granted",
        "team_added_to_org",
        "token_expired",
        "token_revoked",
        "two_factor_setup_required",
    }
)


class SlackError(Exception):
    """An ``ok: false`` answer. ``messages`` become ``response_metadata.messages`` as ``[ERROR] ...``."""

    def __init__(
        self,
        code: str,
        *,
        messages: list[str] | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        detailed: bool = False,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.messages = messages or []
        self.status = status
        self.headers = headers or {}
        # invalid_blocks also repeats the bare messages under "errors", as Slack does.
        self.detailed = detailed

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.code}
        if self.detailed:
            body["errors"] = list(self.messages)
        if self.messages:
            body["response_metadata"] = {"messages": [f"[ERROR] {message}" for message in self.messages]}
        return body


def missing_argument(name: str) -> SlackError:
    return SlackError("invalid_arguments", messages=[f"missing required field: {name}"])


def invalid_argument(name: str, why: str = "invalid value") -> SlackError:
    return SlackError("invalid_arguments", messages=[f"{why} [json-pointer:/{name}]"])
