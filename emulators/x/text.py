"""Post text as X treats it: HTML-escaping on the way out, weighted length, and entities."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_WEIGHTED_LENGTH = 280

# twitter-text v3: code points in these ranges weigh 1, everything else (CJK, emoji...) weighs 2,
# and every URL weighs 23 whatever its length, because X shortens it to a t.co link.
_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL_WEIGHT = 23

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w*[^\W\d]\w*)")


def escape(text: str) -> str:
    """X serves post text with exactly these three escaped (quotes stay as they are)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def weighted_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    length = _URL_WEIGHT * len(_URL.findall(text))
    for char in _URL.sub("", text):
        code = ord(char)
        length += 1 if any(low <= code <= high for low, high in _LIGHT_RANGES) else 2
    return length


def mentioned_usernames(text: str) -> list[str]:
    return [match.group(1) for match in _MENTION.finditer(text)]


def entities(text: str, user_ids: dict[str, str]) -> dict[str, Any]:
    """The ``entities`` object, indices in code points; ``user_ids`` maps lower-cased usernames to ids."""
    found: dict[str, list[dict[str, Any]]] = {}
    for match in _MENTION.finditer(text):
        mention = {"start": match.start(), "end": match.end(), "username": match.group(1)}
        if match.group(1).lower() in user_ids:
            mention["id"] = user_ids[match.group(1).lower()]
        found.setdefault("mentions", []).append(mention)
    for match in _HASHTAG.finditer(text):
        found.setdefault("hashtags", []).append({"start": match.start(), "end": match.end(), "tag": match.group(1)})
    for match in _URL.finditer(text):
        url = match.group(0)
        found.setdefault("urls", []).append({
            "start": match.start(),
            "end": match.end(),
            "url": url,
            "expanded_url": url,
            "display_url": re.sub(r"^https?://", "", url, flags=re.IGNORECASE),
        })
    return found
