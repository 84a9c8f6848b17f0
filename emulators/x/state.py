"""The emulated world: users, posts, follows, likes and lists, held in memory behind one lock.

Ids are snowflakes made from the creation time, as X's are, so ordering by id is ordering by time and
``since_id`` means what it means on X: a post back-dated into the past gets an id a poller has already
passed. Mentions are indexed by the lower-cased username they mention, so a mention timeline read costs
one sorted list, however many posts exist.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from emulators.x import text as posttext

_TWITTER_EPOCH_MS = 1288834974657
_SEQUENCE_BITS = 22


def as_datetime(value: datetime | str | None, default: float) -> datetime:
    """Accepts a datetime (naive means UTC), an ISO 8601 string (``Z`` allowed), or None for ``default``."""
    if value is None:
        return datetime.fromtimestamp(default, timezone.utc)
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


@dataclass
class User:
    id: str
    username: str
    name: str
    created_at: datetime
    description: str = ""
    verified: bool = False
    verified_type: str = "none"
    default_profile_image: bool = False
    url: str | None = None
    location: str | None = None
    protected: bool = False
    followers_count: int = 0
    following_count: int = 0
    tweet_count: int = 0
    listed_count: int = 0


@dataclass
class Post:
    id: str
    author_id: str
    text: str  # raw; escaped only when served
    created_at: datetime
    lang: str
    conversation_id: str
    in_reply_to: Post | None = None
    quoted: Post | None = None
    like_count: int = 0
    reply_count: int = 0
    quote_count: int = 0
    mentioned: frozenset[str] = frozenset()  # lower-cased usernames this post counts as mentioning


@dataclass
class BrandList:
    id: str
    name: str
    members: list[str] = field(default_factory=list)


class World:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self._user_ids_by_username: dict[str, str] = {}
        self.posts: dict[str, Post] = {}
        self._mentions: dict[str, list[int]] = {}  # lower-cased username -> ascending post ids
        self._followers: dict[str, dict[str, int]] = {}  # followee id -> {follower id: follow sequence}
        self._follow_sequence = 0
        self._id_sequence = 0
        self.likes: dict[str, set[str]] = {}  # user id -> liked post ids
        self.following: dict[str, set[str]] = {}  # user id -> followed user ids
        self.lists: dict[str, BrandList] = {}
        # Told of every new post ("post", Post) and follow ("follow", (follower, followee)), under the lock:
        # what the Activity API turns into events. Listeners must not block.
        self.listeners: list[Callable[[str, object], None]] = []

    def _tell(self, kind: str, subject: object) -> None:
        for listener in self.listeners:
            listener(kind, subject)

    def new_id(self, at: datetime) -> str:
        with self.lock:
            self._id_sequence += 1
            millis = int(at.timestamp() * 1000) - _TWITTER_EPOCH_MS
            return str((millis << _SEQUENCE_BITS) | (self._id_sequence % (1 << _SEQUENCE_BITS)))

    # -- users -------------------------------------------------------------------------------------
    def add_user(self, username: str, *, name: str | None = None, created_at: datetime | str | None = None,
                 **profile: object) -> User:
        with self.lock:
            if username.lower() in self._user_ids_by_username:
                raise ValueError(f"username {username!r} is taken")
            created = as_datetime(created_at, self.clock())
            user = User(id=self.new_id(created), username=username, name=name or username, created_at=created,
                        **profile)  # type: ignore[arg-type]
            self.users[user.id] = user
            self._user_ids_by_username[username.lower()] = user.id
            return user

    def user_by_username(self, username: str) -> User | None:
        with self.lock:
            user_id = self._user_ids_by_username.get(username.lower())
            return self.users.get(user_id) if user_id else None

    def user_ids_by_username(self) -> dict[str, str]:
        return self._user_ids_by_username

    # -- posts -------------------------------------------------------------------------------------
    def add_post(self, author_id: str, text: str, *, in_reply_to_tweet_id: str | None = None,
                 quote_tweet_id: str | None = None, created_at: datetime | str | None = None,
                 lang: str = "en") -> Post:
        with self.lock:
            author = self.users[author_id]
            parent = self.posts[in_reply_to_tweet_id] if in_reply_to_tweet_id else None
            quoted = self.posts[quote_tweet_id] if quote_tweet_id else None
            created = as_datetime(created_at, self.clock())
            post_id = self.new_id(created)
            # A reply or quote notifies the author it answers, as X prefixes or links their handle.
            mentioned = {name.lower() for name in posttext.mentioned_usernames(text)}
            mentioned |= {self.users[other.author_id].username.lower() for other in (parent, quoted) if other}
            mentioned.discard(author.username.lower())
            post = Post(id=post_id, author_id=author_id, text=text, created_at=created, lang=lang,
                        conversation_id=parent.conversation_id if parent else post_id,
                        in_reply_to=parent, quoted=quoted, mentioned=frozenset(mentioned))
            self.posts[post_id] = post
            author.tweet_count += 1
            if parent:
                parent.reply_count += 1
            if quoted:
                quoted.quote_count += 1
            for username in mentioned:
                bisect.insort(self._mentions.setdefault(username, []), int(post_id))
            self._tell("post", post)
            return post

    def mentions_of(self, user: User) -> list[Post]:
        """Newest first."""
        with self.lock:
            ids = self._mentions.get(user.username.lower(), [])
            return [self.posts[str(post_id)] for post_id in reversed(ids)]

    def is_mention_of(self, post: Post, user: User) -> bool:
        return user.username.lower() in post.mentioned

    def posts_by(self, author_id: str) -> list[Post]:
        with self.lock:
            return [post for post in self.posts.values() if post.author_id == author_id]

    # -- follows, likes, lists ---------------------------------------------------------------------
    def follow(self, follower_id: str, followee_id: str) -> bool:
        """True when this made a new follow; following twice changes nothing, as on X."""
        with self.lock:
            follower, followee = self.users[follower_id], self.users[followee_id]
            followers = self._followers.setdefault(followee_id, {})
            if follower_id in followers:
                return False
            self._follow_sequence += 1
            followers[follower_id] = self._follow_sequence
            self.following.setdefault(follower_id, set()).add(followee_id)
            follower.following_count += 1
            followee.followers_count += 1
            self._tell("follow", (follower, followee))
            return True

    def unfollow(self, follower_id: str, followee_id: str) -> None:
        with self.lock:
            if self._followers.get(followee_id, {}).pop(follower_id, None) is None:
                return
            self.following[follower_id].discard(followee_id)
            self.users[follower_id].following_count -= 1
            self.users[followee_id].followers_count -= 1

    def followers_of(self, user_id: str) -> list[tuple[int, User]]:
        """``(follow sequence, follower)``, newest follow first."""
        with self.lock:
            followers = self._followers.get(user_id, {})
            return [(seq, self.users[uid]) for uid, seq in sorted(followers.items(), key=lambda kv: -kv[1])]

    def like(self, user_id: str, post_id: str) -> None:
        with self.lock:
            liked = self.likes.setdefault(user_id, set())
            if post_id not in liked:
                liked.add(post_id)
                self.posts[post_id].like_count += 1

    def create_list(self, name: str) -> BrandList:
        with self.lock:
            brand_list = BrandList(id=self.new_id(as_datetime(None, self.clock())), name=name)
            self.lists[brand_list.id] = brand_list
            return brand_list

    def add_list_member(self, list_id: str, user_id: str) -> None:
        with self.lock:
            members = self.lists[list_id].members
            if user_id not in members:
                members.append(user_id)
                self.users[user_id].listed_count += 1
