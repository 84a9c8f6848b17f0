"""Errors Birdhouse raises on purpose. Each says what happened in words an operator can act on."""

from __future__ import annotations


class BirdhouseError(Exception):
    """Base of every error Birdhouse raises on purpose."""


class ConfigError(BirdhouseError):
    """The configuration is unusable. ``problems`` lists each thing to fix, naming the variable to set."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Configuration problems:\n" + "\n".join(f"  - {problem}" for problem in problems))


class RedisUnavailable(BirdhouseError):
    """No Redis could be reached or started."""


# --- X ------------------------------------------------------------------------------------------------


class XError(BirdhouseError):
    """X answered with an error, or could not be reached. ``status`` is 0 when there was no answer."""

    def __init__(self, message: str, *, status: int = 0, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class XUnavailable(XError):
    """X did not answer (timeout, dropped connection) or answered 5xx: safe to try a read again later."""


class XRateLimited(XError):
    """X answered 429. ``reset_at`` (epoch seconds) is when the window reopens."""

    def __init__(self, message: str, *, reset_at: float) -> None:
        super().__init__(message, status=429)
        self.reset_at = reset_at


class XUnauthorized(XError):
    """The credentials were refused (401): nothing will work until they are fixed."""


class XNotEnrolled(XError):
    """The account's access level does not include this endpoint (403 client-not-enrolled / client-forbidden)."""


class XForbidden(XError):
    """X refused this particular action (403): duplicate text, reply not allowed, suspended author..."""


class XDuplicate(XForbidden):
    """X refused a post that repeats one of the brand's earlier posts word for word."""


class XReplyNotAllowed(XForbidden):
    """X does not let the brand reply to this post (a self-serve app may only answer posts that mention or
    quote it)."""


class XNotVisible(XForbidden):
    """The post or its author is deleted, suspended or protected: X answers 403, not 404."""


class XNotFound(XError):
    """The post or user does not exist any more (or is not visible to the brand)."""


class XInvalidRequest(XError):
    """X rejected the request's parameters (400): a bug on our side, or text X will not take."""


# --- Slack --------------------------------------------------------------------------------------------


class SlackError(BirdhouseError):
    """Slack refused a call (``ok: false``). ``error`` is Slack's code: ``channel_not_found``, ``invalid_blocks``..."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"Slack {method}: {error}")
        self.method = method
        self.error = error


class SlackUnavailable(SlackError):
    """Slack did not answer (timeout, dropped connection) or answered 5xx: a post may or may not have happened."""


class SlackBlocked(SlackError):
    """Slack refused for a reason no message can change: the bot is not in the channel, the channel is archived
    or gone, the token is revoked or lacks a scope. Every message to the channel is refused alike until someone
    acts, so what waits for it keeps waiting: nothing was posted. ``channel``: the channel called (None for a
    call without one)."""

    def __init__(self, method: str, error: str, channel: str | None) -> None:
        super().__init__(method, error)
        self.channel = channel


class SlackRateLimited(SlackError):
    """Slack kept answering 429 after every wait it asked for. ``retry_after`` is its last word, in seconds."""

    def __init__(self, method: str, retry_after: float) -> None:
        super().__init__(method, "ratelimited")
        self.retry_after = retry_after


# Slack did not answer (what was asked may have happened) or kept answering 429: worth asking again, later.
SLACK_TRY_AGAIN = (SlackUnavailable, SlackRateLimited)

# Slack's errors that refuse the channel or the token, not the message (specs/slack-methods, and the errors
# common to every method): until someone acts, the next message would be refused alike (``SlackBlocked``).
# With what an operator does about each, for the log and the App Home (``unblocking``).
TOKEN_REFUSALS = frozenset({"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired",
                            "not_allowed_token_type", "two_factor_setup_required"})
_TOKEN_FIX = "Slack no longer takes the bot token: reinstall the app and set SLACK_BOT_TOKEN"
_FIXES = {
    "not_in_channel": "invite the app to the channel (/invite @Birdhouse)",
    "is_archived": "unarchive the channel",
    "channel_not_found": "the channel is gone, or private without the app: invite the app, or restore it",
    "missing_scope": "the app lacks a scope: update it from app-manifest.yml and reinstall it",
    "message_limit_exceeded": "the workspace has reached its plan's message limit: it passes, or an admin "
                              "upgrades the plan",
}
_OTHER_FIX = "a workspace setting or an admin keeps the app out: run `birdhouse check`"
BLOCKED = frozenset({
    *TOKEN_REFUSALS, *_FIXES, "no_permission", "ekm_access_denied", "app_access_restricted", "restricted_action",
    "restricted_action_read_only_channel", "restricted_action_thread_only_channel", "team_access_not_granted",
    "org_login_required", "access_denied", "enterprise_is_restricted",
})


def unblocking(error: str) -> str:
    """What to do about a ``SlackBlocked`` refusal with Slack's ``error``."""
    return _TOKEN_FIX if error in TOKEN_REFUSALS else _FIXES.get(error, _OTHER_FIX)


# Slack's errors that refuse a message for what it shows, or a thread reply for its thread (specs/slack-methods):
# a plainer card, or one outside the thread, is taken.
CONTENT_REFUSALS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_blocks_too_long", "msg_too_long",
                              "too_many_attachments", "attachment_payload_limit_exceeded"})
THREAD_REFUSALS = frozenset({"restricted_action_thread_locked", "cannot_reply_to_message", "thread_not_found",
                             "restricted_action_non_threadable_channel"})
