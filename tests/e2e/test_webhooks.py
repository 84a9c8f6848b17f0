"""Webhook mode: X's CRC challenge and signed deliveries (the emulator, over real HTTP) → ``POST /x/webhooks`` on
the web app → a real RQ worker → Slack. A delivery is carded once however often it comes; one that is not
signed with the app's consumer secret gets 401 and changes nothing."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from birdhouse import jobs
from birdhouse.activity import SIGNATURE_HEADER, signature
from birdhouse.errors import XInvalidRequest
from tests.conftest import Stack
from tests.helpers import free_port, reconfigured, tweet_ids, worked_until
from workers.webhooks import find_or_create_webhook, register_webhook


@pytest.fixture
def hooked(stack: Stack) -> Iterator[Stack]:
    """Webhook mode, the web app served at the URL the settings give X."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/x/webhooks"
    system = reconfigured(stack, BIRDHOUSE_INGEST="webhook", BIRDHOUSE_WEBHOOK_URL=url)
    system.serve_app(port)
    yield system
    system.close()


def _register(stack: Stack) -> str:
    webhook_id = register_webhook(stack.ctx, threading.Event())
    assert webhook_id is not None
    return webhook_id


def _delivered(stack: Stack) -> list[int | None]:
    stack.x.activity.webhooks.wait_until_sent()
    return [delivery.status for delivery in stack.x.activity.webhooks.deliveries]


def test_registration_answers_the_crc_and_two_starts_make_one_webhook_and_one_subscription(hooked: Stack):
    first, second = _register(hooked), _register(hooked)

    assert first == second
    assert list(hooked.x.activity.webhooks.hooks) == [first]
    assert [passed for _, passed in hooked.x.activity.webhooks.crc_checks] == [True]
    [subscription] = hooked.x.activity_state()["subscriptions"]  # follow.follow: not on self-serve
    assert (subscription["event_type"], subscription["webhook_id"]) == ("post.mention.create", first)


def test_a_signed_delivery_is_carded_once_even_when_replayed_and_polled(hooked: Stack):
    webhook_id = _register(hooked)
    author = hooked.x.add_user("frank", name="Frank", followers_count=90)
    post = hooked.x.post(author["id"], "@acme the app logs me out every hour")

    assert _delivered(hooked) == [200]
    worked_until(hooked, lambda: len(hooked.cards()) == 1)
    now = datetime.now(UTC)
    replay = requests.post(f"{hooked.x.url}/2/webhooks/replay", timeout=5,
                           headers={"Authorization": f"Bearer {hooked.x.credentials.bearer_token}"},
                           json={"webhook_id": webhook_id, "from_date": (now - timedelta(minutes=5)).strftime("%Y%m%d%H%M"),
                                 "to_date": now.strftime("%Y%m%d%H%M")})
    assert replay.status_code == 200, replay.text
    assert _delivered(hooked) == [200, 200, 200]  # the event again, and the replay's end
    hooked.work()
    hooked.poll_mentions()  # the reconciling poll

    assert tweet_ids(hooked) == [post["id"]]


def test_a_delivery_missed_while_the_app_was_down_is_carded_by_the_reconciling_poll(hooked: Stack):
    _register(hooked)
    hooked.close()  # the web app goes down: X's delivery fails, and X does not retry it
    post = hooked.x.post(hooked.x.add_user("ivan")["id"], "@acme my card was charged twice")
    assert _delivered(hooked) == [0]

    hooked.poll_mentions()

    assert tweet_ids(hooked) == [post["id"]]


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.parametrize("claimed", ["", "sha256=AAAA", "the consumer secret of another app"],
                         ids=["missing", "garbage", "another secret"])
def test_a_delivery_without_the_apps_signature_gets_401_and_has_no_effect(hooked: Stack, claimed: str):
    author = hooked.x.add_user("grace")
    post = hooked.x.post(author["id"], "@acme refund me now")  # no webhook registered: X sent nothing
    body = json.dumps({"data": {"event_type": "post.mention.create", "filter": {"user_id": hooked.x.brand["id"]},
                                "payload": {**post, "author_id": author["id"]},
                                "includes": {"users": [author]}}}).encode()
    if claimed.startswith("the consumer"):
        claimed = signature("not-" + hooked.settings.x_api_secret, body)
    headers = {SIGNATURE_HEADER: claimed} if claimed else {}

    assert _post(hooked.settings.webhook_url, body, headers) == 401

    assert jobs.queue(hooked.redis).count == 0
    hooked.work()
    assert hooked.cards() == []
    # The same bytes, signed with the app's secret, are taken: the refusal was the signature alone.
    assert _post(hooked.settings.webhook_url, body, {SIGNATURE_HEADER: signature(hooked.settings.x_api_secret, body)}) == 200
    worked_until(hooked, lambda: tweet_ids(hooked) == [post["id"]])


def test_the_crc_is_answered_only_with_the_apps_secret_and_a_failed_one_registers_nothing(hooked: Stack):
    url = hooked.settings.webhook_url
    with urllib.request.urlopen(f"{url}?crc_token=abc", timeout=5) as answer:
        assert json.loads(answer.read()) == {"response_token": signature(hooked.settings.x_api_secret, b"abc")}
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(url, timeout=5)
    assert missing.value.code == 400

    # An app answering with another secret fails X's CRC: no webhook, so no delivery reaches it.
    port = free_port()
    wrong = reconfigured(hooked, BIRDHOUSE_INGEST="webhook", X_API_SECRET="not-the-apps-secret",
                         BIRDHOUSE_WEBHOOK_URL=f"http://127.0.0.1:{port}/x/webhooks")
    wrong.serve_app(port)
    try:
        with pytest.raises(XInvalidRequest):
            find_or_create_webhook(wrong.ctx, wrong.settings.webhook_url)
        assert wrong.x.activity.webhooks.hooks == {}
        wrong.x.post(wrong.x.add_user("heidi")["id"], "@acme hello?")
        assert _delivered(wrong) == []
        wrong.work()
        assert wrong.cards() == []
    finally:
        wrong.close()


def test_the_webhook_route_is_closed_outside_webhook_mode(stack: Stack):
    url = stack.serve_app()
    with pytest.raises(urllib.error.HTTPError) as closed:
        urllib.request.urlopen(f"{url}/x/webhooks?crc_token=abc", timeout=5)
    assert closed.value.code == 404
