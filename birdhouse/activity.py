"""X's Activity API events, read into what Birdhouse acts on: pure, no I/O.

An event (a line of ``/2/activity/stream``, or the body of a webhook delivery) is
``{"data": {"event_type", "filter", "payload", "includes"?}}``. ``post.mention.create`` carries the post in
``payload`` and its author in ``includes.users``; ``follow.follow`` carries ``source`` (who followed) and
``target``. Anything else (an operational disconnect, a replay's status, an event type Birdhouse did not
subscribe to) is ``Other``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
MENTION_EVENT = "post.mention.create"
FOLLOW_EVENT = "follow.follow"


@dataclass(frozen=True)
class MentionEvent:
    post: dict[str, Any]
    author: dict[str, Any] | None  # None when X left it out: asked for separately


@dataclass(frozen=True)
class FollowEvent:
    follower: dict[str, Any]


@dataclass(frozen=True)
class Other:
    what: str  # for the log: an event type or an error title, never the content


ActivityEvent = MentionEvent | FollowEvent | Other


def read_event(body: dict[str, Any], brand_id: str) -> ActivityEvent:
    """What an event means for the brand ``brand_id``: a follow of someone else by the brand is ``Other``."""
    if "errors" in body:
        return Other(str(body["errors"][0].get("title", "error")) if body["errors"] else "error")
    data = body.get("data")
    if not isinstance(data, dict):
        return Other("no data")
    kind, payload = data.get("event_type"), data.get("payload") or {}
    if kind == MENTION_EVENT and "id" in payload:
        users = {user["id"]: user for user in (data.get("includes") or {}).get("users", [])}
        return MentionEvent(payload, users.get(payload.get("author_id", "")))
    if kind == FOLLOW_EVENT and (payload.get("target") or {}).get("id") == brand_id and payload.get("source"):
        return FollowEvent(payload["source"])
    return Other(str(kind))


def read_line(raw: bytes, brand_id: str) -> ActivityEvent | None:
    """One line of the stream; None for a keep-alive (a blank line)."""
    if not raw.strip():
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        return Other("unreadable line")
    return read_event(body, brand_id) if isinstance(body, dict) else Other("not an object")


def signature(consumer_secret: str, message: bytes) -> str:
    """X's webhook signature: ``sha256=`` + base64 HMAC-SHA256 with the app's consumer secret. It signs each
    delivery's raw body, and the answer to a CRC challenge is the signature of its ``crc_token``."""
    return "sha256=" + base64.b64encode(hmac.new(consumer_secret.encode(), message, hashlib.sha256).digest()).decode()


def signed_by(consumer_secret: str, message: bytes, claimed: str) -> bool:
    return bool(claimed) and hmac.compare_digest(signature(consumer_secret, message), claimed)
