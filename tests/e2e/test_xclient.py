"""The X client over real HTTP against the emulator: redirection, rate limits captured, errors mapped."""

from __future__ import annotations

import time

import pytest
import requests

from birdhouse import errors
from birdhouse.settings import Settings
from birdhouse.xclient import XClient
from emulators.http import Fault
from tests.conftest import Stack
from tests.helpers import forbid_sleeping


@pytest.fixture
def observed() -> list:
    return []


@pytest.fixture
def client(stack: Stack, observed: list) -> XClient:
    return XClient(stack.settings, observer=lambda endpoint, limit, ids, requests: observed.append((endpoint, limit, ids)))


def test_reads_reach_the_configured_base_url_and_report_rate_limits(stack: Stack, client: XClient, observed):
    me = client.me()
    assert me["username"] == "acme"
    endpoint, limit, ids = observed[-1]
    assert (endpoint, ids) == ("users_me", [me["id"]])
    assert limit.limit > 0 and limit.remaining == limit.limit - 1 and limit.reset_at > time.time()


def test_rate_limit_becomes_an_error_with_the_reset_time(stack: Stack, client: XClient, monkeypatch):
    stack.x.set_rate_limit("mentions", 1)
    brand_id = stack.x.brand["id"]
    client.mentions(brand_id)
    monkeypatch.setattr(time, "sleep", forbid_sleeping)  # no sleeping inside the client
    with pytest.raises(errors.XRateLimited) as raised:
        client.mentions(brand_id)
    monkeypatch.undo()
    assert raised.value.reset_at > time.time() + 800


def test_like_and_follow_on_a_self_serve_tier_are_not_enrolled(stack: Stack, client: XClient):
    author = stack.x.add_user("dana")
    post = stack.x.post(author["id"], "@acme hi")
    with pytest.raises(errors.XNotEnrolled) as raised:
        client.like(stack.x.brand["id"], post["id"])
    assert raised.value.reason == "client-not-enrolled" and raised.value.status == 403
    with pytest.raises(errors.XNotEnrolled):
        client.follow(stack.x.brand["id"], author["id"])


def test_a_duplicate_reply_is_forbidden_not_retried(stack: Stack, client: XClient):
    author = stack.x.add_user("dana")
    post = stack.x.post(author["id"], "@acme where is my order?")
    client.reply("@dana Sorry! DM us your order number.", post["id"])
    with pytest.raises(errors.XDuplicate, match="duplicate content"):
        client.reply("@dana Sorry! DM us your order number.", post["id"])
    assert len(stack.x.posts_by_brand) == 1


def test_wrong_credentials_say_which_variables_to_check(stack: Stack):
    settings = Settings.load(environ={**stack.environment, "X_ACCESS_TOKEN_SECRET": "wrong"}, dotenv=None)
    with pytest.raises(errors.XUnauthorized, match="X_ACCESS_TOKEN"):
        XClient(settings).me()


@pytest.mark.parametrize("fault", [Fault("/2/users/me", "status", status=503, body={"title": "Service Unavailable"}),
                                   Fault("/2/users/me", "drop")], ids=["503", "dropped"])
def test_server_errors_and_dropped_connections_are_unavailable(stack: Stack, client: XClient, fault: Fault):
    stack.x.inject(fault)
    with pytest.raises(errors.XUnavailable):
        client.me()
    assert client.me()["username"] == "acme"  # the next call goes through


def test_a_slow_x_times_out_instead_of_hanging_a_worker(stack: Stack, client: XClient, monkeypatch):
    monkeypatch.setattr("birdhouse.xclient.READ_TIMEOUT", 0.3)
    stack.x.inject(Fault("/2/users/me", "latency", seconds=1.0))
    with pytest.raises(errors.XUnavailable, match="Timeout") as raised:
        client.me()
    assert isinstance(raised.value.__cause__, requests.ReadTimeout)  # cut off at the timeout, not waited out
