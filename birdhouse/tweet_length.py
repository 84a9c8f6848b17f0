"""Post length as X counts it: 280 weighted characters, URLs 23 each, most emoji and CJK 2 each.

twitter-text is X's own counting library; the reply modal shows this number and the reply is refused
before it reaches X when it is over, so a person learns it while the text is still in front of them.
"""

from __future__ import annotations

from twitter_text import parse_tweet

MAX_WEIGHTED_LENGTH = 280


def weighted_length(text: str) -> int:
    return parse_tweet(text).weightedLength


def reply_problem(text: str) -> str | None:
    """Why X would refuse this reply text, in words for the person typing it; None when it is fine."""
    if not text.strip():
        return "Write a reply first: X does not post empty text."
    length = weighted_length(text)
    if length > MAX_WEIGHTED_LENGTH:
        return (f"Too long for X: {length}/{MAX_WEIGHTED_LENGTH} (links count 23, most emoji and CJK "
                f"characters 2). Shorten it by {length - MAX_WEIGHTED_LENGTH}.")
    return None
