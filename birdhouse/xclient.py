"""The X API at the edge: tweepy, pointed at ``X_API_URL``, with timeouts, rate limits and clear errors.

tweepy hard-codes https://api.twitter.com, so a requests adapter mounted for that prefix rewrites each URL
to ``X_API_URL`` (the real API, a proxy, or the emulator) and adds the timeout tweepy never sets.
tweepy is never asked to wait on rate limits: a worker that sleeps holds a queue hostage. A 429 becomes
``XRateLimited`` with the reset time, and the caller reschedules.
The Activity API's calls go through tweepy's plain ``request`` with the bearer token (they are app-only); its
stream, which tweepy cannot read as it comes, through tweepy's requests session itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from birdhouse import errors
from birdhouse.settings import Settings
from birdhouse.store.ratelimits import RateLimit

log = logging.getLogger(__name__)

TWEEPY_BASE = "https://api.twitter.com/"
CONNECT_TIMEOUT, READ_TIMEOUT = 3.05, 15.0

POST_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id", "referenced_tweets", "lang",
               "entities"]
USER_FIELDS = ["created_at", "description", "public_metrics", "verified", "verified_type", "profile_image_url",
               "url", "location", "protected"]

# Called after every answer from X: (endpoint name, rate limit if X sent one, ids of the items it sent, requests
# made: 0 for an event arriving on a stream already open).
Observer = Callable[[str, RateLimit | None, list[str], int], None]
STREAM_PATH = "2/activity/stream"
# tweepy's answers to each status, so that a stream's refusal reads like any other call's.
_HTTP_ERRORS: dict[int, type[tweepy.HTTPException]] = {400: tweepy.BadRequest, 401: tweepy.Unauthorized,
                                                      403: tweepy.Forbidden, 404: tweepy.NotFound,
                                                      429: tweepy.TooManyRequests}


class _RedirectingAdapter(HTTPAdapter):
    def __init__(self, base_url: str) -> None:
        super().__init__(max_retries=0)  # retries are the queue's job: a retried POST could post twice
        self.base_url = base_url.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = self.base_url + request.url[len(TWEEPY_BASE):]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (CONNECT_TIMEOUT, READ_TIMEOUT)
        return super().send(request, **kwargs)


@dataclass(frozen=True)
class Page:
    """One page of a timeline or user list, as X sent it (newest first)."""

    items: list[dict[str, Any]]
    users: dict[str, dict[str, Any]]  # includes.users by id
    next_token: str | None


class XClient:
    def __init__(self, settings: Settings, observer: Observer | None = None) -> None:
        self._client = tweepy.Client(
            bearer_token=settings.x_bearer_token,
            consumer_key=settings.x_api_key,
            consumer_secret=settings.x_api_secret,
            access_token=settings.x_access_token,
            access_token_secret=settings.x_access_token_secret,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        self._client.session.mount(TWEEPY_BASE, _RedirectingAdapter(settings.x_api_url))
        self._observer = observer
        self._bearer_token = settings.x_bearer_token

    # -- reads ---------------------------------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        body = self._call("users_me", self._client.get_me, user_fields=USER_FIELDS)
        return body["data"]

    def user(self, user_id: str) -> dict[str, Any]:
        body = self._call("users", self._client.get_user, id=user_id, user_fields=USER_FIELDS)
        if "data" not in body:
            raise errors.XNotFound(f"X has no user {user_id}", status=404)
        return body["data"]

    def mentions(self, user_id: str, *, since_id: str | None = None, start_time: datetime | None = None,
                 pagination_token: str | None = None, max_results: int = 100) -> Page:
        body = self._call(
            "mentions", self._client.get_users_mentions, id=user_id, since_id=since_id, start_time=start_time,
            pagination_token=pagination_token, max_results=max_results, tweet_fields=POST_FIELDS,
            user_fields=USER_FIELDS, expansions=["author_id"], user_auth=True,
        )
        return _page(body)

    def followers(self, user_id: str, *, pagination_token: str | None = None, max_results: int = 100) -> Page:
        body = self._call(
            "followers", self._client.get_users_followers, id=user_id, pagination_token=pagination_token,
            max_results=max_results, user_fields=USER_FIELDS, user_auth=True,
        )
        return _page(body)

    # -- writes (never retried here: X may have acted before the answer was lost) ---------------------
    def reply(self, text: str, in_reply_to_post_id: str) -> dict[str, Any]:
        body = self._call("create_post", self._client.create_tweet, text=text,
                          in_reply_to_tweet_id=in_reply_to_post_id)
        return body["data"]

    def like(self, brand_id: str, post_id: str) -> None:
        # tweepy's like() asks users/me for the id on every call; passing ours saves a read.
        self._call("likes", self._client.request, "POST", f"/2/users/{brand_id}/likes",
                   json={"tweet_id": post_id}, user_auth=True)

    def follow(self, brand_id: str, user_id: str) -> None:
        self._call("follows", self._client.request, "POST", f"/2/users/{brand_id}/following",
                   json={"target_user_id": user_id}, user_auth=True)

    def add_list_member(self, list_id: str, user_id: str) -> None:
        self._call("list_members", self._client.add_list_member, id=list_id, user_id=user_id)

    # -- the Activity API: app-only, with the bearer token ------------------------------------------------
    def subscriptions(self) -> list[dict[str, Any]]:
        body = self._call("activity_subscriptions", self._client.request, "GET", "/2/activity/subscriptions",
                          params={"max_results": 1000}, counts_items=False)
        return body.get("data", [])

    def subscribe(self, event_type: str, filter: dict[str, str], webhook_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"event_type": event_type, "filter": filter}
        if webhook_id is not None:
            body["webhook_id"] = webhook_id
        answer = self._call("activity_subscriptions", self._client.request, "POST", "/2/activity/subscriptions",
                            json=body, counts_items=False)
        return answer["data"]["subscription"]

    def move_subscription(self, subscription_id: str, webhook_id: str | None) -> None:
        """Send a subscription's events to ``webhook_id`` (None: to the stream)."""
        self._call("activity_subscriptions", self._client.request, "PUT",
                   f"/2/activity/subscriptions/{subscription_id}", json={"webhook_id": webhook_id},
                   counts_items=False)

    def webhooks(self) -> list[dict[str, Any]]:
        return self._call("webhooks", self._client.request, "GET", "/2/webhooks", counts_items=False).get("data", [])

    def create_webhook(self, url: str) -> dict[str, Any]:
        """Register ``url``; X first sends it a CRC challenge, which the app must be up to answer."""
        return self._call("webhooks", self._client.request, "POST", "/2/webhooks", json={"url": url},
                          counts_items=False)

    def recheck_webhook(self, webhook_id: str) -> None:
        """Ask X for a new CRC challenge: a webhook marked invalid gets deliveries again once it passes."""
        self._call("webhooks", self._client.request, "PUT", f"/2/webhooks/{webhook_id}", counts_items=False)

    def stream(self, *, backfill_minutes: int, silence_seconds: float) -> Iterator[bytes]:
        """The lines of ``/2/activity/stream`` as they come (a blank one is a keep-alive). Raises XUnavailable
        when the connection drops, or stays silent for ``silence_seconds``; ends when X ends the response."""
        response = self._call_raw("activity_stream", self._open_stream, backfill_minutes, silence_seconds)
        self._observe("activity_stream", response, [])
        try:
            for line in response.iter_lines(chunk_size=None):
                if line.strip() and self._observer is not None:
                    self._observer("activity_stream", None, [_event_item(line)], 0)
                yield line
        except requests.RequestException as exc:
            raise errors.XUnavailable(f"the Activity stream dropped or fell silent ({type(exc).__name__})") from exc
        finally:
            response.close()

    def _open_stream(self, backfill_minutes: int, silence_seconds: float) -> requests.Response:
        params = {"backfill_minutes": backfill_minutes} if backfill_minutes else None
        response = self._client.session.get(TWEEPY_BASE + STREAM_PATH, params=params, stream=True,
                                            # never reused: the stream ends with its connection
                                            headers={"Authorization": f"Bearer {self._bearer_token}",
                                                     "Connection": "close"},
                                            timeout=(CONNECT_TIMEOUT, silence_seconds))
        if response.status_code != 200:  # tweepy's error reads X's problem details from the body
            error = _HTTP_ERRORS.get(response.status_code, tweepy.TwitterServerError
                                     if response.status_code >= 500 else tweepy.HTTPException)
            raise error(response)
        return response

    # -- the one place tweepy is called --------------------------------------------------------------
    def _call(self, endpoint: str, method: Callable[..., Any], *args: Any, counts_items: bool = True,
              **kwargs: Any) -> dict[str, Any]:
        """``method``'s answer as JSON; ``counts_items=False`` for answers that are settings, not paid reads."""
        response = self._call_raw(endpoint, method, *args, **kwargs)
        body = response.json() if response.content else {}
        data = body.get("data")
        items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        self._observe(endpoint, response, [str(item.get("id", "")) for item in items] if counts_items else [])
        return body

    def _call_raw(self, endpoint: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> requests.Response:
        try:
            return method(*args, **kwargs)
        except tweepy.TooManyRequests as exc:
            self._observe(endpoint, exc.response, [])
            limit = RateLimit.from_headers(exc.response.headers)
            raise errors.XRateLimited(f"X rate limit reached for {endpoint}",
                                      reset_at=limit.reset_at if limit else 0.0) from exc
        except tweepy.HTTPException as exc:
            self._observe(endpoint, exc.response, [])
            raise _mapped(endpoint, exc) from exc
        except requests.RequestException as exc:
            raise errors.XUnavailable(_unanswered(endpoint, exc)) from exc

    def _observe(self, endpoint: str, response: requests.Response, item_ids: list[str]) -> None:
        if self._observer is not None:
            self._observer(endpoint, RateLimit.from_headers(response.headers), item_ids, 1)


def _event_item(line: bytes) -> str:
    """The id an event is billed by: its post's, or its event uuid (follows)."""
    try:
        data = json.loads(line).get("data") or {}
    except (ValueError, AttributeError):
        return ""
    return str((data.get("payload") or {}).get("id") or data.get("event_uuid") or "")


def _unanswered(endpoint: str, exc: requests.RequestException) -> str:
    """Where Birdhouse knocked and what to look at: the URL (no query: it can hold ids), never a header."""
    url = (exc.request.url or "").split("?", 1)[0] if exc.request is not None else "X"
    if isinstance(exc, requests.Timeout):
        hint = f"no answer within {READ_TIMEOUT:g} s; X may be slow or a firewall drops the traffic"
    elif isinstance(exc, requests.ConnectionError):
        hint = "could not connect: is X_API_URL right, and may this machine reach it (proxy, firewall)?"
    else:
        hint = "the answer was cut off or unreadable"
    return f"X did not answer {endpoint} at {url} ({type(exc).__name__}): {hint}"


def _page(body: dict[str, Any]) -> Page:
    meta = body.get("meta", {})
    users = {user["id"]: user for user in body.get("includes", {}).get("users", [])}
    return Page(items=body.get("data", []), users=users, next_token=meta.get("next_token"))


def _problem(exc: tweepy.HTTPException) -> tuple[str, str | None]:
    """X's own words for an error, and its machine-readable reason when it gave one."""
    try:
        body = exc.response.json()
    except ValueError:
        return exc.response.reason or str(exc.response.status_code), None
    detail = body.get("detail") or "; ".join(exc.api_messages) or body.get("title") or str(exc.response.status_code)
    reason = body.get("reason") or (body.get("type") or "").rsplit("/", 1)[-1] or None
    return detail, reason


def _forbidden(endpoint: str, detail: str) -> type[errors.XForbidden]:
    """Which refusal a plain 403 is: X tells them apart only in its words."""
    lowered = detail.lower()
    if "duplicate" in lowered:
        return errors.XDuplicate
    if "not allowed" in lowered and endpoint == "create_post":
        return errors.XReplyNotAllowed
    if "deleted or not visible" in lowered:
        return errors.XNotVisible
    return errors.XForbidden


def _mapped(endpoint: str, exc: tweepy.HTTPException) -> errors.XError:
    status = exc.response.status_code
    detail, reason = _problem(exc)
    if isinstance(exc, tweepy.Unauthorized):
        return errors.XUnauthorized(f"X refused the credentials ({detail}): check X_API_KEY, X_API_SECRET, "
                                    "X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET", status=status, reason=reason)
    if isinstance(exc, tweepy.Forbidden):
        if reason in ("client-not-enrolled", "client-forbidden"):
            return errors.XNotEnrolled(f"The X access level does not include {endpoint}: {detail}",
                                       status=status, reason=reason)
        return _forbidden(endpoint, detail)(detail, status=status, reason=reason)
    if isinstance(exc, tweepy.NotFound):
        return errors.XNotFound(detail, status=status, reason=reason)
    if isinstance(exc, tweepy.BadRequest):
        return errors.XInvalidRequest(detail, status=status, reason=reason)
    if isinstance(exc, tweepy.TwitterServerError):
        return errors.XUnavailable(f"X failed on {endpoint} ({status}): {detail}", status=status, reason=reason)
    return errors.XError(f"X answered {status} on {endpoint}: {detail}", status=status, reason=reason)
