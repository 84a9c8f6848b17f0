"""Buttons that act on X, aware of what the account's access level allows.

When X has said the access level does not include liking or following through the API (403
client-not-enrolled), the button becomes a link to the x.com web intent, which works for any account: the
person finishes the action on x.com in one click. New-follower cards use the same builders.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

BUTTON_TEXT_LIMIT = 75
ON_X_SUFFIX = ".on_x"  # action_id of the link variant: Slack still sends a block_action, which is only acked


def intent_like_url(post_id: str) -> str:
    return "https://x.com/intent/like?" + urlencode({"tweet_id": post_id})


def intent_follow_url(user_id: str) -> str:
    return "https://x.com/intent/follow?" + urlencode({"user_id": user_id})


def button(text: str, action_id: str, value: str, *, style: str | None = None,
           url: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "value": value,
                               "text": {"type": "plain_text", "text": text[:BUTTON_TEXT_LIMIT], "emoji": True}}
    if style:
        element["style"] = style
    if url:
        element["url"] = url
    return element


def like_button(post_id: str, api_available: bool, *, action_id: str, value: str) -> dict[str, Any]:
    if api_available:
        return button(":heart: Like", action_id, value)
    return button(":heart: Like on x.com", action_id + ON_X_SUFFIX, value, url=intent_like_url(post_id))


def follow_back_button(user_id: str, username: str, api_available: bool, *, action_id: str,
                       value: str) -> dict[str, Any]:
    """``username`` is an X handle ([A-Za-z0-9_]{1,15}), safe in plain_text."""
    if api_available:
        return button(f":heavy_plus_sign: Follow back @{username}", action_id, value)
    return button(f":heavy_plus_sign: Follow @{username} on x.com", action_id + ON_X_SUFFIX, value,
                  url=intent_follow_url(user_id))
