"""Stream mode: X's Activity stream (emulated, over real HTTP) → the stream client → Redis → a real RQ worker →
Slack. Every mention reaches Slack once, whether the stream, the backfill after a reconnect or the reconciling
poll brings it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from birdhouse.errors import XUnavailable
from birdhouse.settings import Settings
from birdhouse.store.activity import StreamMemory
from birdhouse.store.capabilities import FOLLOW_EVENTS, Capabilities
from birdhouse.xclient import XClient
from tests.conftest import Stack
from tests.helpers import eventually, reconfigured, streaming, tweet_ids, worked_until
from workers.mentions import POLL
from workers.scheduler import next_due

KEEPALIVE = 0.2  # the emulator frees a closed stream's slot at its next keep-alive: short, so reconnects find it


@pytest.fixture
def streamed(stack: Stack) -> Iterator[Stack]:
    stack.x.activity.streams.keepalive_seconds = KEEPALIVE
    system = reconfigured(stack, BIRDHOUSE_INGEST="stream", BIRDHOUSE_STREAM_SILENCE="5")
    yield system
    system.close()


def _author(stack: Stack, username: str = "erin") -> dict:
    return stack.x.add_user(username, name=username.capitalize(), followers_count=250)


def _mention_subscriptions(stack: Stack) -> list[dict]:
    return [s for s in stack.x.activity_state()["subscriptions"] if s["event_type"] == "post.mention.create"]


def test_a_streamed_mention_becomes_one_card_without_polling(streamed: Stack):
    mentions_path = f"/2/users/{streamed.x.brand['id']}/mentions"
    with streaming(streamed):
        eventually(lambda: streamed.x.activity.streams.open_count() == 1)
        post = streamed.x.post(_author(streamed)["id"], "@acme my order 77 never arrived")

        worked_until(streamed, lambda: len(streamed.cards()) == 1)

    assert tweet_ids(streamed) == [post["id"]]
    assert streamed.x.count_requests("GET", mentions_path) == 0
    streamed.poll_mentions()  # the reconciling poll reads it again, and cards nothing
    assert tweet_ids(streamed) == [post["id"]]
    assert streamed.x.count_requests("GET", mentions_path) == 1


def test_the_reconciling_poll_stays_on_slowly_in_stream_mode(streamed: Stack, stack: Stack):
    assert POLL.interval(streamed.settings) == 900.0
    assert POLL.interval(stack.settings) == 60.0


def test_two_starts_find_the_subscription_again(streamed: Stack):
    for _ in range(2):
        with streaming(streamed):
            eventually(lambda: streamed.x.activity.streams.open_count() == 1)
        eventually(lambda: streamed.x.activity.streams.open_count() == 0)

    assert len(_mention_subscriptions(streamed)) == 1
    assert streamed.x.activity.streams.connections_made == 2


def test_only_one_worker_holds_the_stream(streamed: Stack):
    with streaming(streamed) as first, streaming(streamed) as second:
        eventually(lambda: streamed.x.activity.streams.open_count() == 1)
        post = streamed.x.post(_author(streamed)["id"], "@acme where is my parcel?")
        worked_until(streamed, lambda: len(streamed.cards()) == 1)

        assert (first.connection_attempts, second.connection_attempts) in ((1, 0), (0, 1))
    assert tweet_ids(streamed) == [post["id"]]
    assert streamed.x.activity.streams.connections_made == 1


@pytest.mark.parametrize("abrupt", [True, False], ids=["network drop", "X's operational disconnect"])
def test_a_stream_dropped_mid_burst_loses_nothing_and_duplicates_nothing(streamed: Stack, abrupt: bool):
    streamed.slack.disable_rate_limits()  # Slack's pace is not what this is about
    authors = [_author(streamed, f"burst{i}") for i in range(12)]
    with streaming(streamed) as client:
        eventually(lambda: streamed.x.activity.streams.open_count() == 1)
        posts = [streamed.x.post(author["id"], f"@acme order {i} is late") for i, author in enumerate(authors[:6])]
        streamed.x.activity.streams.disconnect(abrupt=abrupt)
        # Posted while the stream is down (or reconnecting): only the backfill can bring these.
        posts += [streamed.x.post(author["id"], f"@acme order {i} is late") for i, author in
                  enumerate(authors[6:], start=6)]

        worked_until(streamed, lambda: len(streamed.cards()) >= len(posts))
        assert client.connection_attempts == 2
    streamed.poll_mentions()  # and the reconciling poll, which reads them all again

    assert sorted(tweet_ids(streamed), key=int) == [post["id"] for post in posts]
    backfills = [r.query.get("backfill_minutes") for r in streamed.x.requests if r.path == "/2/activity/stream"]
    assert backfills == [None, ["1"]]  # the first connection asks for nothing, the reconnect for the gap


def test_a_gap_longer_than_the_backfill_brings_the_poll_forward(streamed: Stack):
    StreamMemory(streamed.redis).heard(streamed.ctx.clock() - 3600)  # down for an hour: more than X keeps
    with streaming(streamed):
        eventually(lambda: streamed.x.activity.streams.open_count() == 1)
        assert next_due(streamed.redis, POLL.name) <= streamed.ctx.clock()
    backfills = [r.query.get("backfill_minutes") for r in streamed.x.requests if r.path == "/2/activity/stream"]
    assert backfills == [["5"]]


def test_follow_events_are_off_on_self_serve_and_mentions_still_stream(streamed: Stack):
    with streaming(streamed):
        eventually(lambda: streamed.x.activity.streams.open_count() == 1)
    assert [s["event_type"] for s in streamed.x.activity_state()["subscriptions"]] == ["post.mention.create"]
    assert Capabilities(streamed.redis).missing_reason(FOLLOW_EVENTS) is not None


def test_a_silent_stream_is_taken_for_dead(stack: Stack):
    """A connection that stops sending (no keep-alive) ends the stream within the silence setting."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def answer_then_fall_silent() -> None:
        connection, _ = listener.accept()
        held.append(connection)
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"2\r\n\r\n\r\n")

    threading.Thread(target=answer_then_fall_silent, daemon=True).start()
    settings = Settings.load(environ={**stack.environment,
                                      "X_API_URL": f"http://127.0.0.1:{listener.getsockname()[1]}"}, dotenv=None)
    lines = XClient(settings).stream(backfill_minutes=0, silence_seconds=0.2)
    assert next(lines) == b""  # the keep-alive
    with pytest.raises(XUnavailable, match="silent"):
        next(lines)
    for connection in held:
        connection.close()
    listener.close()
