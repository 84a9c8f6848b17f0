"""Field selection and expansions: X returns only what was asked for, plus a few defaults.

The vocabularies are those of the OpenAPI document 2.166 (a test keeps them equal to it). A field that
is valid but that the emulator does not model is accepted and simply absent, as X omits fields that do
not apply to an object.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from emulators.x import text as posttext
from emulators.x.state import Post, User, World

USER_FIELDS = frozenset({
    "affiliation", "confirmed_email", "connection_status", "created_at", "description", "entities", "id",
    "is_identity_verified", "location", "most_recent_tweet_id", "name", "parody", "pinned_tweet_id",
    "profile_banner_url", "profile_image_url", "protected", "public_metrics", "receives_your_dm", "subscription",
    "subscription_type", "url", "username", "verified", "verified_followers_count", "verified_type", "withheld",
})
TWEET_FIELDS = frozenset({
    "article", "attachments", "author_id", "card_uri", "community_id", "context_annotations", "conversation_id",
    "created_at", "display_text_range", "edit_controls", "edit_history_tweet_ids", "entities", "geo", "id",
    "in_reply_to_user_id", "lang", "matched_media_notes", "media_metadata", "non_public_metrics",
    "note_request_suggestions", "note_tweet", "organic_metrics", "paid_partnership", "possibly_sensitive",
    "promoted_metrics", "public_metrics", "referenced_tweets", "reply_settings", "scopes", "source",
    "suggested_source_links", "suggested_source_links_with_counts", "text", "withheld",
})
MEDIA_FIELDS = frozenset({
    "alt_text", "duration_ms", "height", "media_key", "non_public_metrics", "organic_metrics", "preview_image_url",
    "promoted_metrics", "public_metrics", "type", "url", "variants", "width",
})
POLL_FIELDS = frozenset({"duration_minutes", "end_datetime", "id", "options", "voting_status"})
PLACE_FIELDS = frozenset({"contained_within", "country", "country_code", "full_name", "geo", "id", "name",
                          "place_type"})
TWEET_EXPANSIONS = frozenset({
    "article.cover_media", "article.media_entities", "attachments.media_keys", "attachments.media_source_tweet",
    "attachments.poll_ids", "author_id", "edit_history_tweet_ids", "entities.mentions.username", "geo.place_id",
    "in_reply_to_user_id", "entities.note.mentions.username", "referenced_tweets.id",
    "referenced_tweets.id.attachments.media_keys", "referenced_tweets.id.author_id",
})
USER_EXPANSIONS = frozenset({"affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id"})

DEFAULT_USER_FIELDS = ("id", "name", "username")
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")

_DEFAULT_AVATAR = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"


def timestamp(moment: datetime) -> str:
    """X's format, milliseconds included: tweepy's parser requires them."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user_object(user: User, world: World) -> dict[str, Any]:
    """Every field the emulator models for a user."""
    obj: dict[str, Any] = {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "created_at": timestamp(user.created_at),
        "description": user.description,
        "protected": user.protected,
        "verified": user.verified,
        "verified_type": user.verified_type,
        "profile_image_url": _DEFAULT_AVATAR if user.default_profile_image
        else f"https://pbs.twimg.com/profile_images/{user.id}/{user.username}_normal.jpg",
        "public_metrics": {
            "followers_count": user.followers_count,
            "following_count": user.following_count,
            "tweet_count": user.tweet_count,
            "listed_count": user.listed_count,
        },
    }
    if user.url:
        obj["url"] = user.url
    if user.location:
        obj["location"] = user.location
    entities: dict[str, Any] = {}
    if user.url:
        entities["url"] = {"urls": [{"start": 0, "end": len(user.url), "url": user.url, "expanded_url": user.url,
                                     "display_url": user.url.split("://", 1)[-1]}]}
    description = posttext.entities(user.description, world.user_ids_by_username())
    if description:
        entities["description"] = description
    if entities:
        obj["entities"] = entities
    return obj


def post_object(post: Post, world: World) -> dict[str, Any]:
    """Every field the emulator models for a post, text raw (``serve_post`` escapes it)."""
    obj: dict[str, Any] = {
        "id": post.id,
        "text": post.text,
        "edit_history_tweet_ids": [post.id],
        "author_id": post.author_id,
        "created_at": timestamp(post.created_at),
        "conversation_id": post.conversation_id,
        "lang": post.lang,
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": post.reply_count,
            "like_count": post.like_count,
            "quote_count": post.quote_count,
            "bookmark_count": 0,
            "impression_count": 0,
        },
    }
    if post.in_reply_to:
        obj["in_reply_to_user_id"] = post.in_reply_to.author_id
    referenced = [("replied_to", post.in_reply_to), ("quoted", post.quoted)]
    if any(other for _, other in referenced):
        obj["referenced_tweets"] = [{"type": kind, "id": other.id} for kind, other in referenced if other]
    found = posttext.entities(post.text, world.user_ids_by_username())
    if found:
        obj["entities"] = found
    return obj


def select(obj: dict[str, Any], requested: Iterable[str], defaults: Iterable[str]) -> dict[str, Any]:
    wanted = set(requested) | set(defaults)
    return {key: value for key, value in obj.items() if key in wanted}


def serve_user(user: User, world: World, user_fields: Iterable[str]) -> dict[str, Any]:
    return select(user_object(user, world), user_fields, DEFAULT_USER_FIELDS)


def serve_post(post: Post, world: World, tweet_fields: Iterable[str]) -> dict[str, Any]:
    served = select(post_object(post, world), tweet_fields, DEFAULT_TWEET_FIELDS)
    served["text"] = posttext.escape(post.text)
    return served


def post_includes(posts: list[Post], world: World, expansions: set[str], tweet_fields: set[str],
                  user_fields: set[str]) -> dict[str, Any]:
    """``includes`` for a page of posts; users and posts appear once each, in order of first reference."""
    users: dict[str, User] = {}
    referenced: dict[str, Post] = {}

    def add_user(user: User | None) -> None:
        if user is not None:
            users.setdefault(user.id, user)

    for post in posts:
        if "author_id" in expansions:
            add_user(world.users.get(post.author_id))
        if "in_reply_to_user_id" in expansions and post.in_reply_to:
            add_user(world.users.get(post.in_reply_to.author_id))
        if "entities.mentions.username" in expansions:
            for username in posttext.mentioned_usernames(post.text):
                add_user(world.user_by_username(username))
        for other in (post.in_reply_to, post.quoted):
            if other is None:
                continue
            if "referenced_tweets.id" in expansions:
                referenced.setdefault(other.id, other)
            if "referenced_tweets.id.author_id" in expansions:
                add_user(world.users.get(other.author_id))
    includes: dict[str, Any] = {}
    if users:
        includes["users"] = [serve_user(user, world, user_fields) for user in users.values()]
    if referenced:
        includes["tweets"] = [serve_post(post, world, tweet_fields) for post in referenced.values()]
    return includes
