"""The Slack Web API at the edge: every write Birdhouse makes to Slack goes through ``SlackClient``.

It paces itself: before each call it takes a token from a bucket kept in Redis (``store.slack_pace``), one per
Slack limit (chat.postMessage per channel; every other method per tier, workspace-wide), so all workers and
processes together stay under Slack's limits and wait before Slack would say 429, not after. A 429 that still
comes is waited out for its Retry-After, and slows that bucket for a while.

Slack's failures leave here as Birdhouse's own errors (``birdhouse.errors``): ``SlackError`` for a refusal,
``SlackUnavailable`` for no answer or a 5xx, ``SlackBlocked`` for a refusal of the channel or the token rather
than of the message. Nothing else is retried here: a chat.postMessage whose answer was
lost may have posted, and only the caller knows how to check.
"""

from __future__ import annotations

import http.client
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from birdhouse.errors import BLOCKED, SlackBlocked, SlackError, SlackRateLimited, SlackUnavailable
from birdhouse.settings import Settings
from birdhouse.store.slack_pace import SlackPace

TIMEOUT_SECONDS = 15
RATE_LIMITED_TRIES = 5  # 429s in a row on one call before giving up on it
# Errors Slack answers with HTTP 200 that, by its method references, may follow a call that partly happened.
UNFINISHED = frozenset({"internal_error", "fatal_error", "request_timeout", "service_unavailable"})

# Slack's published limits (docs.slack.dev/apis/web-api/rate-limits; tiers as in specs/slack-methods).
POSTS_PER_CHANNEL_PER_SECOND = 1.0
POST_BURST = 5
# Birdhouse keeps one call of each burst in hand: its clock and Slack's are never exactly together, and a
# token taken a hair early is a 429 (which costs far more than the call it saved).
BURST_MARGIN = 1
TIER_PER_MINUTE = {"t2": 20, "t3": 50, "t4": 100}  # the tiers of the methods Birdhouse calls
METHOD_TIERS = {
    "chat.update": "t3", "chat.postEphemeral": "t4", "chat.getPermalink": "t4",
    "views.open": "t4", "views.update": "t4", "views.publish": "t4",
    "conversations.history": "t3", "conversations.replies": "t3",
    "usergroups.users.list": "t2", "conversations.info": "t3", "auth.test": "t4",
}


@dataclass(frozen=True)
class Pace:
    """One bucket: its name, its refill in calls per second and its size (the burst Slack tolerates)."""

    limit: str
    rate: float
    capacity: float


def pace_of(method: str, channel: str | None, multiple: float) -> Pace:
    """The bucket a call draws from; ``multiple`` scales Slack's limits (``BIRDHOUSE_SLACK_PACE``)."""
    if method == "chat.postMessage":
        return Pace(f"{method}:{channel}", POSTS_PER_CHANNEL_PER_SECOND * multiple, POST_BURST - BURST_MARGIN)
    per_minute = TIER_PER_MINUTE[METHOD_TIERS[method]]
    # "Enforced loosely": a minute's worth of calls may come at once, refilled continuously.
    return Pace(method, per_minute / 60 * multiple, per_minute - BURST_MARGIN)


def web_client(settings: Settings, logger: logging.Logger | None = None, *,
               retry_rate_limits: bool = True) -> WebClient:
    """slack_sdk as configured: for Bolt's own calls (auth.test), which may wait out a 429 as slack_sdk does,
    and inside ``SlackClient`` (``retry_rate_limits=False``), through which every write of Birdhouse goes."""
    retries = [RateLimitErrorRetryHandler(max_retry_count=RATE_LIMITED_TRIES)] if retry_rate_limits else []
    return WebClient(logger=logger, token=settings.slack_bot_token, base_url=settings.slack_api_url,
                     timeout=TIMEOUT_SECONDS, retry_handlers=retries)


def retry_after_of(headers: dict[str, Any]) -> float:
    """Seconds a 429 asks to wait (slack_sdk gives header values as lists after an HTTP error)."""
    value = headers.get("retry-after") or headers.get("Retry-After") or "1"
    return float(value[0] if isinstance(value, list) else value)


class SlackClient:
    def __init__(self, settings: Settings, connection: redis.Redis | None, *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, logger: logging.Logger | None = None) -> None:
        self.settings = settings
        self.pace = SlackPace(connection) if connection is not None else None  # None: unpaced
        self.clock = clock
        self.sleep = sleep
        # No retry handlers: slack_sdk's default retries a dropped connection, which may post a message twice.
        self.web = web_client(settings, logger, retry_rate_limits=False)

    # -- writes ------------------------------------------------------------------------------------------
    def post_message(self, channel: str, *, text: str, blocks: list[dict[str, Any]] | None = None,
                     thread_ts: str | None = None, metadata: dict[str, Any] | None = None,
                     reply_broadcast: bool = False, turn_taken: bool = False) -> str:
        """Post a message; its ts. ``turn_taken``: the caller took this post's token (``take_turn``)."""
        return self._call("chat.postMessage", channel, lambda: self.web.chat_postMessage(
            channel=channel, text=text, blocks=blocks, thread_ts=thread_ts, metadata=metadata,
            reply_broadcast=reply_broadcast, unfurl_links=False, unfurl_media=False), turn_taken=turn_taken)["ts"]

    def update_message(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> None:
        self._call("chat.update", channel, lambda: self.web.chat_update(channel=channel, ts=ts, text=text,
                                                                        blocks=blocks))

    def post_ephemeral(self, channel: str, user: str, text: str) -> None:
        self._call("chat.postEphemeral", channel, lambda: self.web.chat_postEphemeral(channel=channel, user=user,
                                                                                      text=text))

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._call("views.open", None, lambda: self.web.views_open(trigger_id=trigger_id, view=view))

    def update_view(self, view_id: str, view_hash: str, view: dict[str, Any]) -> None:
        self._call("views.update", None, lambda: self.web.views_update(view_id=view_id, hash=view_hash, view=view))

    def publish_view(self, user_id: str, view: dict[str, Any]) -> None:
        self._call("views.publish", None, lambda: self.web.views_publish(user_id=user_id, view=view))

    # -- reads -------------------------------------------------------------------------------------------
    def history_page(self, channel: str, *, oldest: str, cursor: str | None,
                     thread_ts: str | None = None) -> dict[str, Any]:
        """One page of a channel's messages (or of a thread's, with ``thread_ts``), metadata included."""
        if thread_ts is None:
            return self._call("conversations.history", channel, lambda: self.web.conversations_history(
                channel=channel, oldest=oldest, limit=200, include_all_metadata=True, cursor=cursor)).data
        return self._call("conversations.replies", channel, lambda: self.web.conversations_replies(
            channel=channel, ts=thread_ts, oldest=oldest, limit=200, include_all_metadata=True, cursor=cursor)).data

    def permalink(self, channel: str, ts: str) -> str:
        return self._call("chat.getPermalink", channel,
                          lambda: self.web.chat_getPermalink(channel=channel, message_ts=ts))["permalink"]

    def auth_test(self) -> dict[str, Any]:
        return self._call("auth.test", None, self.web.auth_test).data

    def channel_info(self, channel: str) -> dict[str, Any]:
        return self._call("conversations.info", channel, lambda: self.web.conversations_info(channel=channel))["channel"]

    def usergroup_members(self, usergroup: str) -> list[str]:
        return self._call("usergroups.users.list", None,
                          lambda: self.web.usergroups_users_list(usergroup=usergroup))["users"]

    # -- pacing ------------------------------------------------------------------------------------------
    def take_turn(self, method: str, channel: str | None = None) -> None:
        """Sleep until a call to ``method`` may go, and take its token: a drain then picks the most urgent
        message at the moment it can be posted, not before a wait, and posts it with ``turn_taken``."""
        pace = pace_of(method, channel, self.settings.slack_pace)
        while self.pace is not None and (wait := self.pace.take(pace.limit, self.clock(), pace.rate, pace.capacity)) > 0:
            self.sleep(wait)

    def give_back_turn(self, method: str, channel: str | None = None) -> None:
        """A turn taken with ``take_turn`` and then not used (nothing was left to post)."""
        pace = pace_of(method, channel, self.settings.slack_pace)
        if self.pace is not None:
            self.pace.give_back(pace.limit, pace.capacity)

    def _call(self, method: str, channel: str | None, call: Callable[[], Any], *, turn_taken: bool = False) -> Any:
        pace = pace_of(method, channel, self.settings.slack_pace)
        retry_after = 0.0
        for attempt in range(RATE_LIMITED_TRIES):
            if not (turn_taken and attempt == 0):
                self.take_turn(method, channel)
            try:
                return call()
            except SlackApiError as exc:
                response = exc.response
                if response.status_code == 429:
                    retry_after = retry_after_of(response.headers)
                    if self.pace is None:
                        self.sleep(retry_after)
                    else:
                        self.pace.slow_down(pace.limit, self.clock(), retry_after, pace.rate)
                    continue
                if response.status_code >= 500:
                    raise SlackUnavailable(method, f"HTTP {response.status_code}") from exc
                error = response.get("error") if isinstance(response.data, dict) else None
                if error is None or error in UNFINISHED:  # no Slack answer (a proxy's 4xx, say), or maybe done
                    raise SlackUnavailable(method, error or f"HTTP {response.status_code}") from exc
                if error in BLOCKED:
                    raise SlackBlocked(method, error, channel) from exc
                raise SlackError(method, error) from exc
            except (OSError, http.client.HTTPException, ValueError) as exc:  # no answer, or not Slack's
                raise SlackUnavailable(method, str(exc) or type(exc).__name__) from exc
        raise SlackRateLimited(method, retry_after)
