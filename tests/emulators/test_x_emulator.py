"""The X emulator through real tweepy over real HTTP: what Birdhouse relies on X to do."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import requests
import tweepy

from emulators.http import Fault
from emulators.x import TrafficSource, XEmulator
from tests.emulators.conftest import T0, tweepy_client
from tests.helpers import FakeClock


def raw(client: tweepy.Client, method: str, route: str, **kwargs: object) -> requests.Response:
    """The exact bytes X-as-emulated sent, through tweepy's own request path (user context)."""
    return client.request(method, route, user_auth=True, **kwargs)


def customer(x: XEmulator, username: str = "carol", **profile: object) -> str:
    return x.add_user(username, **profile)["id"]


def mentions_of_brand(x: XEmulator, count: int, author: str | None = None) -> list[str]:
    author = author or customer(x, "fan")
    return [x.post(author, f"@birdhouse hello number {i}")["id"] for i in range(count)]


# -- users -----------------------------------------------------------------------------------------
def test_users_me_answers_the_brand_with_requested_fields_only(x, client):
    me = client.get_me(user_auth=True, user_fields=["created_at", "public_metrics"])
    assert isinstance(me.data, tweepy.User)
    assert me.data.id == int(x.brand["id"]) and me.data.username == "birdhouse"
    assert isinstance(me.data.created_at, dt.datetime)
    assert set(me.data.data) == {"id", "name", "username", "created_at", "public_metrics"}


def test_users_me_refuses_app_only_authentication(client):
    with pytest.raises(tweepy.Forbidden) as refused:
        client.get_me(user_auth=False)
    body = refused.value.response.json()
    assert body["title"] == "Unsupported Authentication"
    assert body["type"] == "https://api.twitter.com/2/problems/unsupported-authentication"
    assert "OAuth 2.0 Application-Only is forbidden" in refused.value.api_messages[0]


def test_user_lookups_and_partial_not_found_errors(x, client):
    carol = customer(x, "Carol", description="hi @birdhouse", location="Oslo")
    by_name = client.get_user(username="carol", user_fields=["location"])
    assert by_name.data.id == int(carol) and by_name.data.location == "Oslo"
    missing = client.get_user(id="123")
    assert missing.data is None
    assert missing.errors == [{
        "value": "123", "detail": "Could not find user with id: [123].", "title": "Not Found Error",
        "resource_type": "user", "parameter": "id", "resource_id": "123",
        "type": "https://api.twitter.com/2/problems/resource-not-found"}]
    both = client.get_users(ids=[carol, "456"])
    assert [user.id for user in both.data] == [int(carol)]
    assert [error["resource_id"] for error in both.errors] == ["456"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda c: c.get_user(id="abc"), "The `id` query parameter value [abc] does not match ^[0-9]{1,19}$"),
    (lambda c: c.get_user(id="1", user_fields=["shoe_size"]), "The `user.fields` query parameter value [shoe_size]"),
])
def test_invalid_parameters_are_400_invalid_request(client, call, message):
    with pytest.raises(tweepy.BadRequest) as refused:
        call(client)
    body = refused.value.response.json()
    assert body["title"] == "Invalid Request" and body["type"].endswith("/invalid-request")
    assert refused.value.api_messages[0].startswith(message)


# -- mentions --------------------------------------------------------------------------------------
def test_mentions_page_newest_first_and_follow_next_token(x, client):
    ids = mentions_of_brand(x, 12)
    brand = x.brand["id"]
    first = client.get_users_mentions(brand, max_results=5, user_auth=True)
    assert [tweet.id for tweet in first.data] == [int(i) for i in reversed(ids[-5:])]
    assert first.meta["newest_id"] == ids[-1] and first.meta["oldest_id"] == ids[-5]
    assert set(first.data[0].data) == {"id", "text", "edit_history_tweet_ids"}  # defaults only
    seen, page = [t.id for t in first.data], first
    while "next_token" in page.meta:
        page = client.get_users_mentions(brand, max_results=5, pagination_token=page.meta["next_token"])
        seen += [t.id for t in page.data]
    assert seen == [int(i) for i in reversed(ids)]
    back = client.get_users_mentions(brand, max_results=5, pagination_token=page.meta["previous_token"])
    assert [t.id for t in back.data] == [int(i) for i in reversed(ids[2:7])]


def test_mentions_since_id_and_the_exact_empty_page(x, client):
    ids = mentions_of_brand(x, 3)
    newer = client.get_users_mentions(x.brand["id"], since_id=ids[0])
    assert [t.id for t in newer.data] == [int(ids[2]), int(ids[1])]
    empty = raw(client, "GET", f"/2/users/{x.brand['id']}/mentions", params={"since_id": ids[-1]})
    assert empty.json() == {"meta": {"result_count": 0}}


def test_mentions_fields_expansions_and_escaping(x, client):
    carol = customer(x, "carol", followers_count=42)
    brand_post = x.post(x.brand["id"], "We shipped it")["id"]
    x.post(carol, "@Birdhouse Q&A <today> at 5 > 4")
    x.post(carol, "love this", in_reply_to_tweet_id=brand_post)  # a reply to the brand is a mention
    x.post(carol, "not about the brand at all")
    page = client.get_users_mentions(
        x.brand["id"], tweet_fields=["created_at", "author_id", "referenced_tweets", "entities"],
        expansions=["author_id", "referenced_tweets.id"], user_fields=["public_metrics"])
    reply, mention = page.data
    assert mention.text == "@Birdhouse Q&amp;A &lt;today&gt; at 5 &gt; 4"
    assert mention.entities["mentions"][0]["id"] == x.brand["id"]
    assert mention.created_at == dt.datetime.fromtimestamp(T0, dt.timezone.utc)
    assert reply.referenced_tweets[0].type == "replied_to" and reply.referenced_tweets[0].id == int(brand_post)
    assert [u.public_metrics["followers_count"] for u in page.includes["users"]] == [42]
    assert [t.id for t in page.includes["tweets"]] == [int(brand_post)]


@pytest.mark.parametrize("max_results", [4, 101])
def test_mentions_max_results_outside_5_to_100_is_400(x, client, max_results):
    with pytest.raises(tweepy.BadRequest) as refused:
        client.get_users_mentions(x.brand["id"], max_results=max_results)
    assert refused.value.api_errors == [{
        "parameters": {"max_results": [str(max_results)]},
        "message": f"The `max_results` query parameter value [{max_results}] is not between 5 and 100"}]


def test_mentions_time_window_and_the_800_newest_limit(x, client, clock):
    author = customer(x)
    for i in range(805):
        x.post(author, f"@birdhouse {i}", created_at=dt.datetime.fromtimestamp(T0 - 805 + i, dt.timezone.utc))
    oldest_reachable, count, token = None, 0, None
    while True:
        page = client.get_users_mentions(x.brand["id"], max_results=100, pagination_token=token,
                                         tweet_fields=["created_at"])
        count += page.meta["result_count"]
        oldest_reachable = page.data[-1]
        token = page.meta.get("next_token")
        if token is None:
            break
    assert count == 800 and oldest_reachable.text == "@birdhouse 5"
    window = client.get_users_mentions(x.brand["id"], start_time=dt.datetime.fromtimestamp(T0 - 3, dt.timezone.utc))
    assert [t.text for t in window.data] == ["@birdhouse 804", "@birdhouse 803", "@birdhouse 802"]


def test_forged_pagination_token_is_400(x, client):
    with pytest.raises(tweepy.BadRequest):
        client.get_users_mentions(x.brand["id"], pagination_token="not a token!")


# -- followers -------------------------------------------------------------------------------------
def test_followers_newest_first_with_pagination(x, client):
    followers = [customer(x, f"follower{i}") for i in range(5)]
    for user_id in followers:
        x.add_follower(user_id)
    x.remove_follower(followers[2])
    first = client.get_users_followers(x.brand["id"], max_results=2, user_fields=["created_at"])
    assert [u.id for u in first.data] == [int(followers[4]), int(followers[3])]
    rest = client.get_users_followers(x.brand["id"], max_results=1000, pagination_token=first.meta["next_token"])
    assert [u.id for u in rest.data] == [int(followers[1]), int(followers[0])]
    assert len(first.meta["next_token"]) >= 16
    assert x.brand["public_metrics"]["followers_count"] == 4


def test_followers_can_be_forbidden_for_the_access_level(x, client):
    x.forbid("followers")
    with pytest.raises(tweepy.Forbidden) as refused:
        client.get_users_followers(x.brand["id"])
    body = refused.value.response.json()
    assert body["reason"] == "client-not-enrolled" and body["title"] == "Client Forbidden"


# -- posting ---------------------------------------------------------------------------------------
def test_reply_to_a_mention(x, client):
    mention = x.post(customer(x), "@birdhouse help!")["id"]
    created = client.create_tweet(text="On it & sorry", in_reply_to_tweet_id=mention)
    assert created.data["text"] == "On it &amp; sorry"
    [post] = x.posts_by_brand
    assert post["id"] == created.data["id"] and post["text"] == "On it & sorry"
    assert post["in_reply_to_user_id"] != x.brand["id"] and post["conversation_id"] == mention


@pytest.mark.parametrize(("access", "allowed"), [("self-serve", False), ("enterprise", True)])
def test_self_serve_may_reply_only_to_those_who_engaged(clock, serve, access, allowed):
    x = XEmulator(access=access, clock=clock)
    unrelated = x.post(x.add_user("dave")["id"], "my lunch")["id"]
    client = tweepy_client(x, serve(x))
    if allowed:
        client.create_tweet(text="Hi Dave", in_reply_to_tweet_id=unrelated)
        return
    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text="Hi Dave", in_reply_to_tweet_id=unrelated)
    assert "not been mentioned or otherwise engaged" in refused.value.api_messages[0]
    assert x.posts_by_brand == []


@pytest.mark.parametrize(("text", "reply_to", "message"), [
    ("x" * 281, None, "Your Tweet text is too long."),
    ("界" * 141, None, "Your Tweet text is too long."),
    ("hello", "999", "You attempted to reply to a Tweet that is deleted or not visible to you."),
])
def test_posts_x_refuses(client, text, reply_to, message):
    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text=text, in_reply_to_tweet_id=reply_to)
    assert refused.value.api_messages[0].startswith(message)


def test_duplicate_content_is_403_and_a_long_url_counts_23(client):
    client.create_tweet(text="Thanks! " + "x" * 240 + " https://example.com/" + "a" * 100)
    with pytest.raises(tweepy.Forbidden) as refused:
        client.create_tweet(text="Thanks! " + "x" * 240 + " https://example.com/" + "a" * 100)
    assert refused.value.response.json() == {
        "title": "Forbidden", "type": "about:blank", "status": 403,
        "detail": "You are not allowed to create a Tweet with duplicate content."}


def test_post_body_is_validated_like_the_schema(client):
    with pytest.raises(tweepy.BadRequest) as refused:
        raw(client, "POST", "/2/tweets", json={"text": "hi", "colour": "blue"})
    assert "$.colour: is not defined in the schema" in refused.value.api_messages[0]


# -- likes, follows, lists -------------------------------------------------------------------------
def test_self_serve_cannot_like_or_follow(x, client):
    post = x.post(customer(x), "@birdhouse hi")["id"]
    for call in (lambda: client.like(post), lambda: client.follow_user(post)):
        with pytest.raises(tweepy.Forbidden) as refused:
            call()
        assert refused.value.response.json()["reason"] == "client-not-enrolled"
    assert x.likes == set() and x.following == set()


def test_enterprise_likes_and_follows_idempotently(clock, serve):
    x = XEmulator(access="enterprise", clock=clock)
    carol = x.add_user("carol")["id"]
    locked = x.add_user("locked", protected=True)["id"]
    post = x.post(carol, "@birdhouse hi")["id"]
    client = tweepy_client(x, serve(x))
    assert client.like(post).data == {"liked": True}
    assert client.like(post).data == {"liked": True}
    assert client.follow_user(carol).data == {"following": True, "pending_follow": False}
    assert client.follow_user(carol).data == {"following": True, "pending_follow": False}
    assert client.follow_user(locked).data == {"following": False, "pending_follow": True}
    assert x.likes == {post} and x.following == {carol}
    assert x.brand["public_metrics"]["following_count"] == 1


def test_add_list_member(x, client):
    carol = customer(x)
    vip = x.create_list("VIPs")
    assert client.add_list_member(vip, carol).data == {"is_member": True}
    assert x.list_members(vip) == [carol]


# -- auth, limits, faults --------------------------------------------------------------------------
@pytest.mark.parametrize("overrides", [{"bearer_token": "wrong"}, {"consumer_secret": "wrong"},
                                       {"access_token": "wrong"}])
def test_wrong_credentials_are_401(x, x_url, overrides):
    client = tweepy_client(x, x_url, **overrides)
    with pytest.raises(tweepy.Unauthorized) as refused:
        client.get_user(username="birdhouse", user_auth="bearer_token" not in overrides)
    assert refused.value.response.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401,
                                             "detail": "Unauthorized"}


def test_rate_limit_headers_429_and_reset(x, client, clock):
    x.set_rate_limit("mentions", 2)
    ok = raw(client, "GET", f"/2/users/{x.brand['id']}/mentions")
    assert ok.headers["x-rate-limit-limit"] == "2" and ok.headers["x-rate-limit-remaining"] == "1"
    assert ok.headers["x-rate-limit-reset"] == str(int(T0 + 900))
    client.get_users_mentions(x.brand["id"], user_auth=True)
    with pytest.raises(tweepy.TooManyRequests) as limited:
        client.get_users_mentions(x.brand["id"], user_auth=True)
    assert limited.value.response.json() == {"title": "Too Many Requests", "detail": "Too Many Requests",
                                             "type": "about:blank", "status": 429}
    assert limited.value.response.headers["x-rate-limit-remaining"] == "0"
    assert limited.value.reset_time == int(T0 + 900) and "retry-after" not in limited.value.response.headers
    client.get_users_mentions(x.brand["id"], user_auth=False)  # the app's budget is its own
    clock.advance(900)
    client.get_users_mentions(x.brand["id"], user_auth=True)


def test_fault_injection_status_drop_and_latency(x, client):
    x.inject(Fault(path="/2/users/", kind="status", status=503))
    with pytest.raises(tweepy.TwitterServerError):
        client.get_user(username="birdhouse")
    x.inject(Fault(path="/2/users/", kind="drop"))
    with pytest.raises(requests.ConnectionError):
        client.get_user(username="birdhouse")
    x.inject(Fault(path="/2/users/", kind="latency", seconds=0.3))
    started = time.monotonic()
    assert client.get_user(username="birdhouse").data.username == "birdhouse"
    assert time.monotonic() - started >= 0.3
    assert x.count_requests("GET", "/2/users/by/username/") == 3


def test_items_read_counts_what_reads_would_cost(x, client):
    mentions_of_brand(x, 7)
    client.get_users_mentions(x.brand["id"], max_results=5)
    client.get_user(username="birdhouse")
    assert x.items_read("mentions") == 5 and x.items_read("users") == 1 and x.items_read() == 6


# -- control API and traffic -----------------------------------------------------------------------
def test_traffic_over_the_control_api_reaches_the_v2_api(x, x_url, client):
    source = TrafficSource(x_url, seed=7)
    mentions = [source.mention() for _ in range(20)]
    followers = [source.follower() for _ in range(5)]
    page = client.get_users_mentions(x.brand["id"], max_results=100, expansions=["author_id"])
    assert {t.id for t in page.data} == {int(m["id"]) for m in mentions}
    assert x.state()["counts"]["followers"] == 5 == len({f["id"] for f in followers})
    requests.delete(f"{x_url}/_emulator/x/followers/{followers[0]['id']}", timeout=5).raise_for_status()
    assert requests.get(f"{x_url}/_emulator/x/state", timeout=5).json()["counts"]["followers"] == 4
    bad = requests.post(f"{x_url}/_emulator/x/posts", json={"author_id": "1", "text": "hi"}, timeout=5)
    assert bad.status_code == 400


def test_traffic_mix_is_seeded_and_covers_what_triage_must_handle():
    texts = []
    for _ in range(2):
        x = XEmulator(clock=FakeClock(T0))
        source = TrafficSource(x, seed=3)
        texts.append([source.mention()["text"] for _ in range(150)])
        kinds = [source.follower() for _ in range(40)]
    assert texts[0] == texts[1]
    joined = "\n".join(texts[0])
    for needle in ("&", "<!channel>", "<@U123>", "?"):
        assert needle in joined
    assert any(f["profile_image_url"].endswith("default_profile_normal.png") for f in kinds)
    assert any(f["verified"] for f in kinds)


def test_run_stops_on_event(x):
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    made = TrafficSource(x, seed=1).run(rate_per_minute=6000, stop_event=stop)
    assert made["mentions"] + made["followers"] > 0
    assert x.state()["counts"]["mentions"] >= made["mentions"]


def test_concurrent_writers_and_readers_see_a_consistent_world(x, client):
    """The server is threaded: traffic lands while a poller pages, and nothing is lost or torn."""
    errors: list[BaseException] = []

    def write(seed: int) -> None:
        try:
            source = TrafficSource(x, seed=seed)
            for _ in range(25):
                source.mention()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(seed,)) for seed in range(4)]
    for thread in writers:
        thread.start()
    while any(thread.is_alive() for thread in writers):
        page = client.get_users_mentions(x.brand["id"], max_results=100)
        assert page.meta["result_count"] == len(page.data or [])
    for thread in writers:
        thread.join()
    assert errors == []
    pages, token = [], None
    while True:
        page = client.get_users_mentions(x.brand["id"], max_results=100, pagination_token=token)
        pages += page.data
        token = page.meta.get("next_token")
        if not token:
            break
    assert len({t.id for t in pages}) == len(pages) == x.state()["counts"]["mentions"] == 100
