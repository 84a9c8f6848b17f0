"""The X API v2 endpoints Birdhouse uses, over the in-memory world.

Handlers see requests that are already authenticated and within their rate limit (``emulator.py`` does
that for every endpoint alike); they validate parameters, read or change the world, and answer in the
shapes of the OpenAPI document 2.166.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulators.http import Request, Response
from emulators.x import errors, fields
from emulators.x import text as posttext
from emulators.x.pagination import Cursor, paginate
from emulators.x.params import ID_PATTERN, USERNAME_PATTERN, Query
from emulators.x.state import Post, User, World

MENTIONS_REACHABLE = 800  # X serves only the newest 800 mentions, however far back you page
_USER_PARAMS = ("user.fields", "expansions", "tweet.fields")
_TWEET_PARAMS = ("tweet.fields", "expansions", "media.fields", "poll.fields", "user.fields", "place.fields")
# Keys TweetCreateRequest allows that the emulator does not model: refused loudly rather than ignored.
_UNMODELED_POST_KEYS = ("card_uri", "community_id", "direct_message_deep_link", "edit_options", "geo", "media", "poll")
_IGNORED_POST_KEYS = ("for_super_followers_only", "made_with_ai", "nullcast", "paid_partnership", "reply_settings",
                      "share_with_followers")
_REPLY_KEYS = ("in_reply_to_tweet_id", "exclude_reply_user_ids", "auto_populate_reply_metadata")


@dataclass(frozen=True)
class Endpoint:
    method: str
    pattern: str
    key: str  # rate limit, usage counter and access switch name
    user_context_only: bool
    handler: Callable[[Request], Response]


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise errors.invalid_request([{"message": "Request body is not a valid JSON object."}])
    return body


def _refuse_unknown_keys(body: dict[str, Any], allowed: tuple[str, ...], where: str = "$") -> None:
    unknown = [key for key in body if key not in allowed]
    if unknown:
        raise errors.invalid_request([
            {"message": f"{where}.{key}: is not defined in the schema and the schema does not allow additional "
                        "properties"} for key in unknown])


def _body_id(body: dict[str, Any], name: str, where: str = "$") -> str:
    value = body.get(name)
    if value is None:
        raise errors.invalid_request([{"message": f"{where}.{name}: is missing but it is required"}])
    if not isinstance(value, str):
        raise errors.invalid_request([{"message": f"{where}.{name}: {type(value).__name__} found, string expected"}])
    if not re.fullmatch(ID_PATTERN, value):
        raise errors.invalid_request([{"message": f"{where}.{name}: does not match the regex pattern {ID_PATTERN}"}])
    return value


def _ok(body: dict[str, Any], status: int = 200) -> Response:
    return Response(status, body)


class V2:
    def __init__(self, world: World, brand: User, *, self_serve: bool) -> None:
        self.world = world
        self.brand = brand
        self.self_serve = self_serve

    def endpoints(self) -> list[Endpoint]:
        # /2/users/me first: the {id} pattern would match "me" too.
        return [
            Endpoint("GET", "/2/users/me", "me", True, self.get_me),
            Endpoint("GET", "/2/users/by/username/{username}", "users", False, self.get_user_by_username),
            Endpoint("GET", "/2/users/{id}", "users", False, self.get_user),
            Endpoint("GET", "/2/users", "users", False, self.get_users),
            Endpoint("GET", "/2/users/{id}/mentions", "mentions", False, self.get_mentions),
            Endpoint("GET", "/2/users/{id}/followers", "followers", False, self.get_followers),
            Endpoint("GET", "/2/tweets/{id}", "tweets", False, self.get_post),
            Endpoint("POST", "/2/tweets", "create_post", True, self.create_post),
            Endpoint("POST", "/2/users/{id}/likes", "likes", True, self.like),
            Endpoint("POST", "/2/users/{id}/following", "follows", True, self.follow),
            Endpoint("POST", "/2/lists/{id}/members", "list_members", True, self.add_list_member),
        ]

    # -- users -------------------------------------------------------------------------------------
    def _user_fields(self, query: Query) -> set[str]:
        query.fields("expansions", fields.USER_EXPANSIONS)  # valid, but none of them is modeled
        query.fields("tweet.fields", fields.TWEET_FIELDS)
        return query.fields("user.fields", fields.USER_FIELDS)

    def get_me(self, request: Request) -> Response:
        query = Query(request, _USER_PARAMS)
        user_fields = self._user_fields(query)
        query.check()
        return _ok({"data": fields.serve_user(self.brand, self.world, user_fields)})

    def get_user(self, request: Request) -> Response:
        query = Query(request, _USER_PARAMS)
        user_id = query.id("id")
        user_fields = self._user_fields(query)
        query.check()
        user = self.world.users.get(user_id)
        if user is None:
            return _ok({"errors": [errors.not_found("user", "id", user_id)]})
        return _ok({"data": fields.serve_user(user, self.world, user_fields)})

    def get_user_by_username(self, request: Request) -> Response:
        query = Query(request, _USER_PARAMS)
        username = query.matching("username", USERNAME_PATTERN)
        user_fields = self._user_fields(query)
        query.check()
        user = self.world.user_by_username(username)
        if user is None:
            return _ok({"errors": [errors.not_found("user", "username", username)]})
        return _ok({"data": fields.serve_user(user, self.world, user_fields)})

    def get_users(self, request: Request) -> Response:
        query = Query(request, ("ids", *_USER_PARAMS))
        ids = query.ids("ids", most=100)
        user_fields = self._user_fields(query)
        query.check()
        found = [self.world.users[user_id] for user_id in ids if user_id in self.world.users]
        missing = [errors.not_found("user", "ids", user_id) for user_id in ids if user_id not in self.world.users]
        body: dict[str, Any] = {}
        if found:
            body["data"] = [fields.serve_user(user, self.world, user_fields) for user in found]
        if missing:
            body["errors"] = missing
        return _ok(body)

    # -- timelines ---------------------------------------------------------------------------------
    def get_mentions(self, request: Request) -> Response:
        query = Query(request, ("since_id", "until_id", "max_results", "pagination_token", "start_time", "end_time",
                                *_TWEET_PARAMS))
        user_id = query.id("id")
        since_id, until_id = query.id("since_id"), query.id("until_id")
        start_time, end_time = query.time("start_time"), query.time("end_time")
        size = query.integer("max_results", 5, 100, default=10)
        cursor = query.decoded("pagination_token", Cursor.from_base36)
        tweet_fields, expansions, user_fields = self._post_fields(query)
        query.check()
        user = self.world.users.get(user_id)
        if user is None:
            return _ok({"errors": [errors.not_found("user", "id", user_id)]})
        mentions = [
            post for post in self.world.mentions_of(user)[:MENTIONS_REACHABLE]
            if (since_id is None or int(post.id) > int(since_id))
            and (until_id is None or int(post.id) < int(until_id))
            and (start_time is None or post.created_at >= start_time)
            and (end_time is None or post.created_at <= end_time)
        ]
        page = paginate(mentions, lambda post: int(post.id), size, cursor)
        if not page.items:
            return _ok({"meta": {"result_count": 0}})
        body: dict[str, Any] = {"data": [fields.serve_post(post, self.world, tweet_fields) for post in page.items]}
        includes = fields.post_includes(page.items, self.world, expansions, tweet_fields, user_fields)
        if includes:
            body["includes"] = includes
        meta = {"result_count": len(page.items), "newest_id": page.items[0].id, "oldest_id": page.items[-1].id}
        if page.next:
            meta["next_token"] = page.next.base36()
        if page.previous:
            meta["previous_token"] = page.previous.base36()
        body["meta"] = meta
        return _ok(body)

    def get_followers(self, request: Request) -> Response:
        query = Query(request, ("max_results", "pagination_token", *_USER_PARAMS))
        user_id = query.id("id")
        size = query.integer("max_results", 1, 1000, default=100)
        cursor = query.decoded("pagination_token", Cursor.from_base32)
        user_fields = self._user_fields(query)
        query.check()
        if user_id not in self.world.users:
            return _ok({"errors": [errors.not_found("user", "id", user_id)]})
        page = paginate(self.world.followers_of(user_id), lambda follow: follow[0], size, cursor)
        if not page.items:
            return _ok({"meta": {"result_count": 0}})
        meta: dict[str, Any] = {"result_count": len(page.items)}
        if page.next:
            meta["next_token"] = page.next.base32()
        if page.previous:
            meta["previous_token"] = page.previous.base32()
        return _ok({"data": [fields.serve_user(user, self.world, user_fields) for _, user in page.items],
                    "meta": meta})

    # -- posts -------------------------------------------------------------------------------------
    def _post_fields(self, query: Query) -> tuple[set[str], set[str], set[str]]:
        for unmodeled, vocabulary in (("media.fields", fields.MEDIA_FIELDS), ("poll.fields", fields.POLL_FIELDS),
                                      ("place.fields", fields.PLACE_FIELDS)):
            query.fields(unmodeled, vocabulary)
        return (query.fields("tweet.fields", fields.TWEET_FIELDS), query.fields("expansions", fields.TWEET_EXPANSIONS),
                query.fields("user.fields", fields.USER_FIELDS))

    def get_post(self, request: Request) -> Response:
        query = Query(request, _TWEET_PARAMS)
        post_id = query.id("id")
        tweet_fields, expansions, user_fields = self._post_fields(query)
        query.check()
        post = self.world.posts.get(post_id)
        if post is None:
            return _ok({"errors": [errors.not_found("tweet", "id", post_id)]})
        body: dict[str, Any] = {"data": fields.serve_post(post, self.world, tweet_fields)}
        includes = fields.post_includes([post], self.world, expansions, tweet_fields, user_fields)
        if includes:
            body["includes"] = includes
        return _ok(body)

    def create_post(self, request: Request) -> Response:
        body = _body(request)
        _refuse_unknown_keys(body, ("text", "reply", "quote_tweet_id", *_UNMODELED_POST_KEYS, *_IGNORED_POST_KEYS))
        unmodeled = [key for key in _UNMODELED_POST_KEYS if key in body]
        if unmodeled:
            raise errors.invalid_request([{"message": f"$.{key}: not supported by the X emulator"}
                                          for key in unmodeled])
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise errors.invalid_request([{"message": "$.text: is missing but it is required"}])
        parent = quoted = None
        if "reply" in body:
            reply = body["reply"] if isinstance(body["reply"], dict) else {}
            _refuse_unknown_keys(reply, _REPLY_KEYS, where="$.reply")
            parent = self._visible_post(_body_id(reply, "in_reply_to_tweet_id", where="$.reply"), "reply to")
        if "quote_tweet_id" in body:
            quoted = self._visible_post(_body_id(body, "quote_tweet_id"), "quote")
        if posttext.weighted_length(text) > posttext.MAX_WEIGHTED_LENGTH:
            raise errors.forbidden("Your Tweet text is too long. For more information on how X determines text "
                                   "length see https://github.com/twitter/twitter-text.")
        if parent and self.self_serve and not self._may_reply_to(parent):
            raise errors.forbidden("Reply to this conversation is not allowed because you have not been mentioned or "
                                   "otherwise engaged by the author of the post you are replying to.")
        if any(post.text.strip() == text.strip() for post in self.world.posts_by(self.brand.id)):
            raise errors.forbidden("You are not allowed to create a Tweet with duplicate content.")
        post = self.world.add_post(self.brand.id, text, in_reply_to_tweet_id=parent.id if parent else None,
                                   quote_tweet_id=quoted.id if quoted else None)
        return _ok({"data": {"id": post.id, "text": posttext.escape(post.text), "edit_history_tweet_ids": [post.id]}},
                   status=201)

    def _visible_post(self, post_id: str, verb: str) -> Post:
        post = self.world.posts.get(post_id)
        if post is None:
            raise errors.forbidden(f"You attempted to {verb} a Tweet that is deleted or not visible to you.")
        return post

    def _may_reply_to(self, parent: Post) -> bool:
        """Self-serve apps may answer only their own posts and posts whose author mentioned or quoted them."""
        quotes_brand = parent.quoted is not None and parent.quoted.author_id == self.brand.id
        return parent.author_id == self.brand.id or self.world.is_mention_of(parent, self.brand) or quotes_brand

    # -- actions on behalf of the brand ------------------------------------------------------------
    def _acting_as_brand(self, request: Request) -> None:
        query = Query(request, ())
        user_id = query.id("id")
        query.check()
        if user_id != self.brand.id:
            raise errors.forbidden("You are not permitted to perform this action on behalf of another user.")

    def like(self, request: Request) -> Response:
        self._acting_as_brand(request)
        post_id = _body_id(_body(request), "tweet_id")
        if post_id not in self.world.posts:
            return _ok({"data": {"liked": False}, "errors": [errors.not_found("tweet", "tweet_id", post_id)]})
        self.world.like(self.brand.id, post_id)
        return _ok({"data": {"liked": True}})

    def follow(self, request: Request) -> Response:
        self._acting_as_brand(request)
        target_id = _body_id(_body(request), "target_user_id")
        target = self.world.users.get(target_id)
        if target is None:
            return _ok({"data": {"following": False, "pending_follow": False},
                        "errors": [errors.not_found("user", "target_user_id", target_id)]})
        if target.protected:
            # A protected account approves followers itself: the request waits.
            return _ok({"data": {"following": False, "pending_follow": True}})
        self.world.follow(self.brand.id, target_id)
        return _ok({"data": {"following": True, "pending_follow": False}})

    def add_list_member(self, request: Request) -> Response:
        query = Query(request, ())
        list_id = query.id("id")
        query.check()
        user_id = _body_id(_body(request), "user_id")
        if list_id not in self.world.lists:
            return _ok({"data": {"is_member": False}, "errors": [errors.not_found("list", "id", list_id)]})
        if user_id not in self.world.users:
            return _ok({"data": {"is_member": False}, "errors": [errors.not_found("user", "user_id", user_id)]})
        self.world.add_list_member(list_id, user_id)
        return _ok({"data": {"is_member": True}})
