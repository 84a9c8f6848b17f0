"""The things Birdhouse keeps: who posted (Author), what they posted (Mention), who followed the brand
(Follower), which kind of card shows each (CardKind), and who on the team did something when (Mark).

Built from X API v2 objects once, stored as JSON in Redis, read back by both the workers and the Slack app,
so nothing is ever fetched from X twice.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

class CardKind(StrEnum):
    """The kinds of card Birdhouse posts; each card is named by its kind and its subject's id."""

    MENTION = "mention"  # subject: the post's id
    FOLLOWER = "follower"  # subject: the follower's X user id


REACH_BANDS: tuple[tuple[int, str], ...] = ((1_000_000, "1M+"), (100_000, "100k+"), (10_000, "10k+"), (2_000, "2k+"))


def reach_band(followers_count: int) -> str:
    """The follower badge people recognise: 2k+, 10k+, 100k+, 1M+, or 'under 2k'."""
    for threshold, label in REACH_BANDS:
        if followers_count >= threshold:
            return label
    return "under 2k"


@dataclass(frozen=True)
class Author:
    id: str
    username: str
    name: str
    verified: bool = False
    verified_type: str = "none"  # "blue" | "business" | "government" | "none"
    followers_count: int = 0
    following_count: int = 0
    tweet_count: int = 0
    listed_count: int = 0
    created_at: str | None = None
    description: str = ""
    profile_image_url: str | None = None
    url: str | None = None
    location: str | None = None

    @classmethod
    def from_api(cls, user: dict[str, Any]) -> Author:
        metrics = user.get("public_metrics") or {}
        return cls(
            id=str(user["id"]),
            username=user["username"],
            name=user.get("name") or user["username"],
            verified=bool(user.get("verified")),
            verified_type=user.get("verified_type") or ("blue" if user.get("verified") else "none"),
            followers_count=int(metrics.get("followers_count", 0)),
            following_count=int(metrics.get("following_count", 0)),
            tweet_count=int(metrics.get("tweet_count", 0)),
            listed_count=int(metrics.get("listed_count", 0)),
            created_at=user.get("created_at"),
            description=user.get("description") or "",
            profile_image_url=user.get("profile_image_url"),
            url=user.get("url"),
            location=user.get("location"),
        )

    @property
    def profile_url(self) -> str:
        return f"https://x.com/{self.username}"

    @property
    def reach(self) -> str:
        return reach_band(self.followers_count)


@dataclass(frozen=True)
class Mark:
    """Who did something (a Slack user id), and when (epoch seconds)."""

    user: str
    at: float


@dataclass(frozen=True)
class Mention:
    id: str
    text: str  # as the author wrote it: X's HTML escaping undone once, here
    author: Author
    created_at: str  # ISO 8601, as X sends it
    conversation_id: str | None = None
    replied_to_id: str | None = None  # the post this one answers, when it is a reply
    lang: str | None = None
    triage: dict[str, Any] = field(default_factory=dict)  # workers.triage.Triage.to_dict()

    @classmethod
    def from_api(cls, post: dict[str, Any], author: dict[str, Any]) -> Mention:
        replied_to = next(
            (ref["id"] for ref in post.get("referenced_tweets") or () if ref.get("type") == "replied_to"), None
        )
        return cls(
            id=str(post["id"]),
            text=html.unescape(post["text"]),
            author=Author.from_api(author),
            created_at=post["created_at"],
            conversation_id=post.get("conversation_id"),
            replied_to_id=replied_to,
            lang=post.get("lang"),
        )

    @property
    def url(self) -> str:
        return f"https://x.com/{self.author.username}/status/{self.id}"

    @property
    def posted_at(self) -> float:
        """When it was posted, in epoch seconds."""
        return epoch_seconds(self.created_at)

    def to_dict(self) -> dict[str, Any]:
        # Plainly, not asdict: its deep copy was a tenth of a poll; the result is only ever serialised.
        return {**vars(self), "author": dict(vars(self.author))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(**{**data, "author": Author(**data["author"])})


@dataclass(frozen=True)
class Follower:
    """A new follower as Birdhouse assessed them when they came."""

    author: Author
    notability: dict[str, Any]  # workers.notability.Notability.to_dict()
    at: float  # when Birdhouse saw them first (epoch seconds)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Follower:
        # Followers kept before this model (they expire within CARD_RETENTION_SECONDS) hold the X user as read.
        author = Author(**data["author"]) if "author" in data else Author.from_api(data["user"])
        return cls(author, data["notability"], data["at"])


def epoch_seconds(created_at: str) -> float:
    """An X timestamp (``2026-12-02T10:00:00.000Z``) in epoch seconds."""
    return datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp()
