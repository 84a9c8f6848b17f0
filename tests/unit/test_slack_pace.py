"""The shared token bucket (``birdhouse.store.slack_pace``) and how the Slack adapter reads Slack's limits.
Time is passed in: nothing here waits."""

from __future__ import annotations

import pytest
import redis

from birdhouse.slackclient import BURST_MARGIN, POST_BURST, pace_of, retry_after_of
from birdhouse.store.slack_pace import SLOW_FACTOR, SLOW_SECONDS, SlackPace

T0 = 1_800_000_000.0


def test_a_burst_goes_at_once_then_one_a_second(redis_conn: redis.Redis):
    pace = SlackPace(redis_conn)
    assert [pace.take("chat.postMessage:C1", T0, 1.0, 5) for _ in range(5)] == [0.0] * 5
    assert pace.take("chat.postMessage:C1", T0, 1.0, 5) == pytest.approx(1.0)
    assert pace.take("chat.postMessage:C1", T0 + 0.5, 1.0, 5) == pytest.approx(0.5)
    assert pace.take("chat.postMessage:C1", T0 + 1.0, 1.0, 5) == 0.0


def test_each_channel_has_its_own_bucket(redis_conn: redis.Redis):
    pace = SlackPace(redis_conn)
    for _ in range(5):
        pace.take("chat.postMessage:C1", T0, 1.0, 5)
    assert pace.take("chat.postMessage:C1", T0, 1.0, 5) > 0
    assert pace.take("chat.postMessage:C2", T0, 1.0, 5) == 0.0


def test_the_bucket_never_holds_more_than_its_burst(redis_conn: redis.Redis):
    pace = SlackPace(redis_conn)
    pace.take("b", T0, 1.0, 2)
    assert [pace.take("b", T0 + 3600, 1.0, 2) for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]


def test_a_clock_behind_the_bucket_gets_no_tokens_from_the_past(redis_conn: redis.Redis):
    pace = SlackPace(redis_conn)
    pace.take("b", T0, 1.0, 1)
    assert pace.take("b", T0 - 10, 1.0, 1) == pytest.approx(1.0)


def test_a_429_waits_its_retry_after_then_the_bucket_refills_slower(redis_conn: redis.Redis):
    pace = SlackPace(redis_conn)
    pace.slow_down("b", T0, retry_after=3, rate=1.0)
    assert pace.take("b", T0, 1.0, 5) == pytest.approx(3.0)
    assert pace.take("b", T0 + 3, 1.0, 5) == 0.0
    assert pace.take("b", T0 + 3, 1.0, 5) == pytest.approx(1 / SLOW_FACTOR)  # slowed
    later = T0 + 3 + SLOW_SECONDS
    assert pace.take("b", later, 1.0, 5) == 0.0
    pace.take("b", later, 1.0, 5), pace.take("b", later, 1.0, 5), pace.take("b", later, 1.0, 5)
    pace.take("b", later, 1.0, 5)
    assert pace.take("b", later, 1.0, 5) == pytest.approx(1.0)  # back to its rate


def test_post_message_is_paced_per_channel_and_other_methods_per_tier():
    post = pace_of("chat.postMessage", "C1", 1.0)
    assert (post.limit, post.rate, post.capacity) == ("chat.postMessage:C1", 1.0, POST_BURST - BURST_MARGIN)
    update = pace_of("chat.update", "C1", 1.0)
    assert (update.limit, update.rate, update.capacity) == ("chat.update", pytest.approx(50 / 60), 50 - BURST_MARGIN)
    assert pace_of("chat.postMessage", "C1", 50.0).rate == 50.0


def test_retry_after_is_read_however_slack_sdk_hands_the_header():
    assert retry_after_of({"retry-after": ["7"]}) == 7.0
    assert retry_after_of({"Retry-After": "2"}) == 2.0
    assert retry_after_of({}) == 1.0


def test_a_token_taken_and_not_spent_goes_back_but_never_above_the_burst(redis_conn: redis.Redis):
    pace = SlackPace(redis_conn)
    assert pace.take("b", T0, 1.0, 2) == 0.0 and pace.take("b", T0, 1.0, 2) == 0.0
    pace.give_back("b", 2)  # the drain found nothing left to post
    assert pace.take("b", T0, 1.0, 2) == 0.0
    pace.give_back("b", 2), pace.give_back("b", 2), pace.give_back("b", 2)
    assert [pace.take("b", T0, 1.0, 2) for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]
