"""The X emulator's answers checked against X's own OpenAPI document (2.166), so it cannot drift into fiction.

Every answer is validated against the schema the document declares for that operation and status
(problem bodies against the schema their ``type`` maps to), and served objects may carry no property
the document does not define.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import requests
import tweepy
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from emulators.x import XEmulator, fields
from emulators.x.routes import V2
from tests.emulators.conftest import tweepy_client

DOC_URI = "urn:x-api-v2.166"


class Spec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        self._registry = Registry().with_resource(DOC_URI, resource)

    def component(self, name: str) -> dict[str, Any]:
        return self.doc["components"]["schemas"][name]

    def validate(self, schema: dict[str, Any], instance: Any) -> None:
        root = {"$ref": DOC_URI + schema["$ref"]} if "$ref" in schema else schema
        jsonschema.Draft202012Validator(root, registry=self._registry).validate(instance)

    def conforms(self, method: str, path: str, response: requests.Response) -> dict[str, Any]:
        """Validates ``response`` as an answer of operation ``method path``; returns its body."""
        responses = self.doc["paths"][path][method.lower()]["responses"]
        declared = responses.get(str(response.status_code)) or responses["default"]
        media_type = response.headers["Content-Type"].split(";")[0]
        assert media_type in declared["content"], f"{media_type} is not declared for {response.status_code}"
        body = response.json()
        self.validate(declared["content"][media_type]["schema"], body)
        if media_type == "application/problem+json":
            mapping = self.component("Problem")["discriminator"]["mapping"]
            self.validate({"$ref": mapping[body["type"]]}, body)
        return body


@pytest.fixture(scope="module")
def spec(x_openapi: dict[str, Any]) -> Spec:
    return Spec(x_openapi)


@pytest.fixture
def raw_client(x: XEmulator, x_url: str) -> tweepy.Client:
    client = tweepy_client(x, x_url)
    client.return_type = requests.Response
    return client


def answer(call) -> requests.Response:  # type: ignore[no-untyped-def]
    """The HTTP answer of a tweepy call, whether tweepy returned it or raised it."""
    try:
        return call()
    except tweepy.HTTPException as exc:
        return exc.response


@pytest.fixture
def world(x: XEmulator) -> dict[str, str]:
    carol = x.add_user("carol", description="Fan of @birdhouse #birds https://carol.example", url="https://c.example",
                       location="Oslo")["id"]
    brand_post = x.post(x.brand["id"], "Hello world")["id"]
    mention = x.post(carol, "@birdhouse Q&A <now> https://example.com #help")["id"]
    x.post(carol, "yes!", in_reply_to_tweet_id=brand_post)
    x.add_follower(carol)
    return {"carol": carol, "mention": mention, "brand_post": brand_post}


ALL_USER_FIELDS = sorted(fields.USER_FIELDS)
ALL_TWEET_FIELDS = sorted(fields.TWEET_FIELDS)


def test_the_emulated_endpoints_exist_in_the_document(spec):
    for endpoint in V2(None, None, self_serve=True).endpoints():  # type: ignore[arg-type]
        assert endpoint.method.lower() in spec.doc["paths"][endpoint.pattern], endpoint.pattern


def test_the_validator_rejects_fiction(spec):
    with pytest.raises(jsonschema.ValidationError):
        spec.validate({"$ref": "#/components/schemas/Get2UsersIdMentionsResponse"},
                      {"data": [{"id": 1, "text": "ids are strings on X"}], "meta": {"result_count": 1}})


def _list_parameters(spec: Spec, path: str) -> dict[str, set[str]]:
    found = {}
    for parameter in spec.doc["paths"][path]["get"]["parameters"]:
        if "$ref" in parameter:
            parameter = spec.doc["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter["schema"].get("type") == "array" and "enum" in parameter["schema"]["items"]:
            found[parameter["name"]] = set(parameter["schema"]["items"]["enum"])
    return found


def test_field_vocabularies_are_the_documents(spec):
    post_lists, user_lists = _list_parameters(spec, "/2/users/{id}/mentions"), _list_parameters(spec, "/2/users/{id}")
    assert post_lists == {"tweet.fields": fields.TWEET_FIELDS, "user.fields": fields.USER_FIELDS,
                          "expansions": fields.TWEET_EXPANSIONS, "media.fields": fields.MEDIA_FIELDS,
                          "poll.fields": fields.POLL_FIELDS, "place.fields": fields.PLACE_FIELDS}
    assert user_lists == {"user.fields": fields.USER_FIELDS, "expansions": fields.USER_EXPANSIONS,
                          "tweet.fields": fields.TWEET_FIELDS}


def test_user_lookups(x, raw_client, spec, world):
    def me() -> requests.Response:
        return raw_client.get_me(user_auth=True, user_fields=ALL_USER_FIELDS)

    spec.conforms("GET", "/2/users/me", me())
    body = spec.conforms("GET", "/2/users/{id}", raw_client.get_user(id=world["carol"], user_fields=ALL_USER_FIELDS))
    assert set(body["data"]) <= set(spec.component("User")["properties"])
    assert body["data"]["entities"]["description"]["mentions"][0]["username"] == "birdhouse"
    spec.conforms("GET", "/2/users/{id}", raw_client.get_user(id="1"))
    spec.conforms("GET", "/2/users", raw_client.get_users(ids=[world["carol"], "1"]))
    spec.conforms("GET", "/2/users/by/username/{username}", raw_client.get_user(username="nobody"))
    spec.conforms("GET", "/2/users/by/username/{username}", raw_client.get_user(username="carol"))


def test_mentions_pages(x, raw_client, spec, world):
    brand = x.brand["id"]
    full = raw_client.get_users_mentions(
        brand, max_results=5, tweet_fields=ALL_TWEET_FIELDS, user_fields=ALL_USER_FIELDS,
        expansions=["author_id", "referenced_tweets.id", "in_reply_to_user_id", "entities.mentions.username",
                    "referenced_tweets.id.author_id"])
    body = spec.conforms("GET", "/2/users/{id}/mentions", full)
    for tweet in body["data"] + body["includes"]["tweets"]:
        assert set(tweet) <= set(spec.component("Tweet")["properties"])
    assert set(body["meta"]) <= set(spec.component("Get2UsersIdMentionsResponse")["properties"]["meta"]["properties"])
    for i in range(6):
        x.post(world["carol"], f"@birdhouse again {i}")
    first = raw_client.get_users_mentions(brand, max_results=5).json()
    second = raw_client.get_users_mentions(brand, max_results=5, pagination_token=first["meta"]["next_token"])
    assert "previous_token" in spec.conforms("GET", "/2/users/{id}/mentions", second)["meta"]
    spec.conforms("GET", "/2/users/{id}/mentions", raw_client.get_users_mentions(brand, since_id=2**62))
    spec.conforms("GET", "/2/users/{id}/mentions", raw_client.get_users_mentions("1"))


def test_followers_and_post_lookup(x, raw_client, spec, world):
    body = spec.conforms("GET", "/2/users/{id}/followers",
                         raw_client.get_users_followers(x.brand["id"], max_results=1, user_fields=ALL_USER_FIELDS))
    assert body["meta"]["result_count"] == 1
    spec.conforms("GET", "/2/tweets/{id}", raw_client.get_tweet(world["mention"], tweet_fields=ALL_TWEET_FIELDS,
                                                               expansions=["author_id"]))
    spec.conforms("GET", "/2/tweets/{id}", raw_client.get_tweet("1"))


def test_writes(x, raw_client, spec, world):
    created = raw_client.create_tweet(text="Thanks & welcome", in_reply_to_tweet_id=world["mention"])
    assert created.status_code == 201
    spec.conforms("POST", "/2/tweets", created)
    vip = x.create_list("VIPs")
    spec.conforms("POST", "/2/lists/{id}/members", raw_client.add_list_member(vip, world["carol"]))
    spec.conforms("POST", "/2/lists/{id}/members", raw_client.add_list_member(vip, "1"))


def test_enterprise_likes_and_follows(clock, serve, spec):
    x = XEmulator(access="enterprise", clock=clock)
    carol = x.add_user("carol")["id"]
    post = x.post(carol, "@birdhouse hi")["id"]
    client = tweepy_client(x, serve(x))
    client.return_type = requests.Response
    spec.conforms("POST", "/2/users/{id}/likes", client.like(post))
    spec.conforms("POST", "/2/users/{id}/likes", client.like("1"))
    spec.conforms("POST", "/2/users/{id}/following", client.follow_user(carol))
    spec.conforms("POST", "/2/users/{id}/following", client.follow_user("1"))


@pytest.mark.parametrize("case", ["not-enrolled", "unsupported-auth", "unauthorized", "invalid", "duplicate",
                                  "too-many", "reply-restricted"])
def test_problem_bodies(x, x_url, raw_client, spec, world, case):
    brand = x.brand["id"]
    if case == "not-enrolled":
        method, path, response = "POST", "/2/users/{id}/likes", answer(lambda: raw_client.like(world["mention"]))
    elif case == "unsupported-auth":
        method, path, response = "GET", "/2/users/me", answer(lambda: raw_client.get_me(user_auth=False))
    elif case == "unauthorized":
        stranger = tweepy_client(x, x_url, bearer_token="nope")
        method, path, response = "GET", "/2/users/{id}", answer(lambda: stranger.get_user(id=brand))
    elif case == "invalid":
        method, path = "GET", "/2/users/{id}/mentions"
        response = answer(lambda: raw_client.get_users_mentions(brand, max_results=500, user_fields=["nope"]))
        assert len(response.json()["errors"]) == 2
    elif case == "duplicate":
        raw_client.create_tweet(text="Same old")
        method, path, response = "POST", "/2/tweets", answer(lambda: raw_client.create_tweet(text="Same old"))
    elif case == "too-many":
        x.set_rate_limit("users", 0)
        method, path, response = "GET", "/2/users/{id}", answer(lambda: raw_client.get_user(id=brand))
    else:
        stranger_post = x.post(world["carol"], "unrelated")["id"]
        method, path = "POST", "/2/tweets"
        response = answer(lambda: raw_client.create_tweet(text="hi", in_reply_to_tweet_id=stranger_post))
    assert response.status_code >= 400
    spec.conforms(method, path, response)
