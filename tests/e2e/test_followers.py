"""New followers reach Slack: X emulator → tweepy → follower poll (RQ) → Redis → card and digest jobs →
slack_sdk → Slack emulator, and the cards' buttons → Bolt over HTTP → action job → X."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from birdhouse import jobs
from birdhouse.settings import Settings
from birdhouse.store import EventLog
from birdhouse.store.events import EventKind
from birdhouse.store.outbox import Outbox
from emulators.http import Serving
from emulators.slack import SlackEmulator
from emulators.x import XEmulator
from tests.conftest import ALICE, BOB, FOLLOWERS, MALLORY, MENTIONS, Stack, emulated_environment
from tests.helpers import FakeClock, buttons, drained_by_two_workers_at_once, eventually, streaming, worked_until
from workers.backlog import Band
from workers.followers import post_digests
from workers.scheduler import next_due

FOLLOWERS_PATH = "/2/users/{}/followers"
HOUR = 3600.0


@pytest.fixture
def build(slack_emulator: SlackEmulator, redis_conn: redis.Redis, redis_url: str) -> Iterator[Callable[..., Stack]]:
    """A stack over an X emulator at the given access level, with extra settings; its clock is controllable."""
    made: list[tuple[Stack, Serving]] = []

    def make(access: str = "self-serve", vip_list: bool = False, **extra: str) -> Stack:
        x = XEmulator(brand_username="acme", access=access)
        serving = Serving(x)
        x.url = serving.start()
        if vip_list:
            extra["BIRDHOUSE_VIP_LIST_ID"] = x.create_list("VIPs")
        environment = {**emulated_environment(x, slack_emulator, redis_url), "BIRDHOUSE_DIGEST_PERIOD": "hourly",
                       "BIRDHOUSE_FOLLOWER_KEYWORDS": "coffee", **extra}
        system = Stack(x, slack_emulator, Settings.load(environ=environment, dotenv=None), redis_conn, environment)
        system.ctx.clock = FakeClock(time.time())
        made.append((system, serving))
        return system

    yield make
    for system, serving in made:
        system.close()
        serving.stop()


def ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def notable(stack: Stack, username: str = "roastery", **profile) -> dict:
    return stack.x.add_user(username, **{
        "name": "Blue Bottle <!channel>", "followers_count": 48_000, "following_count": 300, "tweet_count": 3_000,
        "created_at": ago(6 * 366), "description": "Coffee roasters. <b>Fresh</b> & local <!here>", **profile})


def ordinary(stack: Stack, username: str = "sam", **profile) -> dict:
    return stack.x.add_user(username, **{
        "name": username.capitalize(), "followers_count": 150, "following_count": 200, "tweet_count": 150,
        "created_at": ago(700), "description": "Runner, reader.", **profile})


def bot(stack: Stack, username: str = "deals83910274") -> dict:
    return stack.x.add_user(username, name="Win big", followers_count=3, following_count=4_800, tweet_count=0,
                            created_at=ago(5), description="https://spam.example/win", default_profile_image=True)


def follow(stack: Stack, *users: dict) -> None:
    for user in users:
        stack.x.add_follower(user["id"])


def poll(stack: Stack) -> None:
    jobs.run_periodic(stack.redis, jobs.Job.POLL_FOLLOWERS)
    stack.work()


def digest(stack: Stack) -> None:
    jobs.run_periodic(stack.redis, jobs.Job.POST_DIGESTS)
    stack.work()


def follower_requests(stack: Stack) -> int:
    return stack.x.count_requests("GET", FOLLOWERS_PATH.format(stack.x.brand["id"]))


def cards(stack: Stack) -> list[dict]:
    return [m for m in stack.slack.messages(FOLLOWERS) if m["metadata"]["event_type"] == "birdhouse_follower"]


def digests(stack: Stack) -> list[dict]:
    return [m for m in stack.slack.messages(FOLLOWERS) if m["metadata"]["event_type"] == "birdhouse_follower_digest"]


def block(message: dict, block_id: str) -> dict:
    return next(b for b in message["blocks"] if b.get("block_id") == block_id)


def seeded(stack: Stack, existing: int = 0) -> None:
    """The first run, over ``existing`` followers already there."""
    follow(stack, *(ordinary(stack, f"old{n}") for n in range(existing)))
    poll(stack)


# -- detection ---------------------------------------------------------------------------------------
def test_the_first_run_over_an_existing_audience_posts_nothing(build):
    stack = build()
    follow(stack, notable(stack), bot(stack), *(ordinary(stack, f"fan{n}") for n in range(40)))

    poll(stack)
    poll(stack)
    stack.ctx.clock.now += 2 * HOUR
    digest(stack)

    assert stack.slack.messages(FOLLOWERS) == []
    assert follower_requests(stack) == 2


def test_steady_state_reads_one_small_page_per_poll(build):
    stack = build()
    seeded(stack, existing=60)
    reads_after_seed = stack.x.items_read("followers")

    for _ in range(3):
        poll(stack)
    follow(stack, ordinary(stack, "newcomer"))
    poll(stack)

    assert follower_requests(stack) == 1 + 4
    assert stack.x.items_read("followers") - reads_after_seed == 4 * 20
    assert next_due(stack.redis, "poll-followers") == pytest.approx(stack.ctx.clock.now + 300, abs=1)


def test_a_burst_larger_than_a_page_is_read_whole(build):
    stack = build()
    seeded(stack, existing=5)
    follow(stack, *(ordinary(stack, f"wave{n}") for n in range(30)))

    poll(stack)
    stack.ctx.clock.now += HOUR
    digest(stack)

    assert follower_requests(stack) == 1 + 2  # 20 all new, so a second page (of up to 100) reached the known
    [message] = digests(stack)
    assert "*30 new followers*" in block(message, "counts")["text"]["text"]


def test_an_unfollow_and_refollow_is_not_new_and_new_followers_below_them_are_found(build):
    stack = build()
    regular = ordinary(stack, "regular")
    follow(stack, regular)
    seeded(stack, existing=10)
    fresh = notable(stack)
    follow(stack, fresh)
    stack.x.remove_follower(regular["id"])
    stack.x.add_follower(regular["id"])  # now at the top of the list, above the new follower

    poll(stack)
    stack.x.remove_follower(fresh["id"])
    stack.x.add_follower(fresh["id"])
    poll(stack)

    [card] = cards(stack)
    assert card["metadata"]["event_payload"] == {"user_id": fresh["id"]}


# -- cards and the digest ----------------------------------------------------------------------------
def test_a_notable_follower_gets_one_card_saying_who_and_why(build):
    stack = build()
    seeded(stack, existing=3)
    fan = notable(stack)
    follow(stack, fan)

    poll(stack)
    poll(stack)

    [card] = cards(stack)
    who = block(card, "who")["text"]["text"]
    assert "*Blue Bottle &lt;!channel&gt;*" in who and "<https://x.com/roastery|@roastery>" in who
    assert "10k+ followers" in who
    assert block(card, "bio")["text"]["text"] == ">Coffee roasters. &lt;b&gt;Fresh&lt;/b&gt; &amp; local &lt;!here&gt;"
    assert "3,000 posts" in block(card, "activity")["elements"][0]["text"]
    why = block(card, "why")["text"]["text"]
    assert why.startswith("*Why notable:* 10k+ followers (48,000)")
    assert "bio mentions 'coffee'" in why and "on X for 6 years" in why
    assert set(buttons(card)) == {"follower.follow_back", "follower.dismiss"}  # no VIP list configured
    assert "<!channel>" not in json.dumps(card) and "<!here>" not in json.dumps(card)


def test_ordinary_followers_are_in_the_digest_only_and_bots_are_filtered(build):
    stack = build()
    seeded(stack, existing=3)
    follow(stack, ordinary(stack, "sam"), bot(stack), ordinary(stack, "kim", tweet_count=2_000), notable(stack))

    poll(stack)
    digest(stack)  # the hour is not over: nothing yet
    assert digests(stack) == []
    stack.ctx.clock.now += HOUR
    digest(stack)
    digest(stack)

    assert len(cards(stack)) == 1
    [message] = digests(stack)
    assert block(message, "counts")["text"]["text"] == (
        "*4 new followers* · 1 notable (each has its card) · 2 others · 1 likely bot filtered out")
    top = block(message, "top")["text"]["text"]
    assert top.index("@kim") < top.index("@sam")  # best first: kim posts ~20 a week
    assert "Win big" not in json.dumps(message) and "Blue Bottle" not in top


def test_a_quiet_period_posts_no_digest(build):
    stack = build()
    seeded(stack, existing=3)
    poll(stack)
    stack.ctx.clock.now += 3 * HOUR
    digest(stack)
    assert stack.slack.messages(FOLLOWERS) == []


def test_the_digest_waits_in_the_followers_channel_and_is_posted_once_however_often_it_is_queued(build):
    stack = build()
    seeded(stack, existing=3)
    follow(stack, ordinary(stack, "sam"), ordinary(stack, "kim"))
    poll(stack)
    stack.ctx.clock.now += HOUR
    period = int(stack.ctx.clock() // stack.ctx.settings.digest_period) - 1

    assert [post_digests()["queued"] for _ in range(2)] == [[period], [period]]  # two digest jobs, no drain yet
    assert Outbox(stack.redis).head(FOLLOWERS, 10) == [(f"followers:{period}", Band.FOLLOWER)]
    drained_by_two_workers_at_once(stack)

    [message] = digests(stack)
    assert "*2 new followers*" in block(message, "counts")["text"]["text"]
    assert post_digests()["queued"] == []  # posted: the next digest job has nothing left to queue


# -- buttons -----------------------------------------------------------------------------------------
def carded(stack: Stack, **profile) -> tuple[dict, dict]:
    seeded(stack)
    fan = notable(stack, **profile)
    follow(stack, fan)
    poll(stack)
    stack.serve_app()
    [card] = cards(stack)
    return fan, card


def test_follow_back_through_the_api_updates_the_card_and_counts_once(build):
    stack = build(access="enterprise")
    fan, card = carded(stack)

    stack.slack.click(ALICE, FOLLOWERS, card["ts"], "follower.follow_back", value=fan["id"])
    stack.slack.click(ALICE, FOLLOWERS, card["ts"], "follower.follow_back", value=fan["id"])  # a double click
    stack.slack.click(BOB, FOLLOWERS, card["ts"], "follower.follow_back", value=fan["id"])  # a second person
    stack.work()

    assert fan["id"] in stack.x.following
    updated = stack.slack.message(FOLLOWERS, card["ts"])
    assert "Followed back by <@U0ALICE>" in block(updated, "outcome")["elements"][0]["text"]
    assert "follower.follow_back" not in buttons(updated)
    [event] = EventLog(stack.redis).between(0, time.time() + 10, {EventKind.FOLLOW_BACK})
    assert (event.user, event.result, event.data) == (ALICE, "ok", {"x_user_id": fan["id"],
                                                                    "source": "follower_card"})


def test_one_follow_per_person_whichever_card_it_is_pressed_on(build):
    stack = build(access="enterprise")
    fan, card = carded(stack)
    stack.x.post(fan["id"], "@acme do you roast to order?")
    stack.poll_mentions()
    [mention_card] = stack.slack.messages(MENTIONS)

    stack.slack.click(ALICE, FOLLOWERS, card["ts"], "follower.follow_back", value=fan["id"])
    stack.work()
    stack.slack.click(BOB, MENTIONS, mention_card["ts"], "mention.follow_back")
    stack.work()

    assert stack.x.count_requests("POST", f"/2/users/{stack.x.brand['id']}/following") == 1
    assert len(EventLog(stack.redis).between(0, time.time() + 10, {EventKind.FOLLOW_BACK})) == 1
    follower_card = json.dumps(stack.slack.message(FOLLOWERS, card["ts"]))
    assert "Followed back by <@U0ALICE>" in follower_card
    assert "Followed back by <@U0ALICE>" in json.dumps(stack.slack.message(MENTIONS, mention_card["ts"]))
    assert [note["text"] for note in stack.slack.ephemerals(MENTIONS, BOB)] == ["<@U0ALICE> already did that."]


def test_follow_back_without_api_access_offers_the_web_intent_and_says_why(build):
    stack = build(access="self-serve")
    fan, card = carded(stack)

    stack.slack.click(ALICE, FOLLOWERS, card["ts"], "follower.follow_back", value=fan["id"])
    stack.work()

    assert stack.x.following == set()
    updated = stack.slack.message(FOLLOWERS, card["ts"])
    link = buttons(updated)["follower.follow_back.on_x"]
    assert link["url"] == f"https://x.com/intent/follow?user_id={fan['id']}"
    assert "403 client-not-enrolled" in block(updated, "outcome")["elements"][0]["text"]
    [event] = EventLog(stack.redis).between(0, time.time() + 10, {EventKind.FOLLOW_BACK})
    assert (event.user, event.result) == (ALICE, "not_enrolled")

    # Known now: the next card offers the link from the start, with no call to X.
    follow(stack, notable(stack, "another"))
    poll(stack)
    later = cards(stack)[-1]
    assert "follower.follow_back.on_x" in buttons(later) and "follower.follow_back" not in buttons(later)
    assert "403 client-not-enrolled" in block(later, "outcome")["elements"][0]["text"]


def test_only_the_team_can_press_and_dismiss_collapses_the_card(build):
    stack = build()
    fan, card = carded(stack)

    stack.slack.click(MALLORY, FOLLOWERS, card["ts"], "follower.dismiss", value=fan["id"])
    stack.work()
    assert stack.slack.message(FOLLOWERS, card["ts"])["blocks"] == card["blocks"]
    assert eventually(lambda: stack.slack.ephemerals(FOLLOWERS, MALLORY))  # told after the ack
    assert "Only the social team" in stack.slack.ephemerals(FOLLOWERS, MALLORY)[0]["text"]

    stack.slack.click(BOB, FOLLOWERS, card["ts"], "follower.dismiss", value=fan["id"])
    stack.work()
    updated = stack.slack.message(FOLLOWERS, card["ts"])
    assert [b["block_id"] for b in updated["blocks"]] == ["who", "outcome"]
    assert "Dismissed by <@U0BOB>" in json.dumps(updated)


def test_add_to_vip_list_adds_them_to_the_configured_list(build):
    stack = build(vip_list=True)
    list_id = stack.settings.vip_list_id
    fan, card = carded(stack)
    assert set(buttons(card)) == {"follower.follow_back", "follower.vip", "follower.dismiss"}

    stack.slack.click(ALICE, FOLLOWERS, card["ts"], "follower.vip", value=fan["id"])
    stack.work()

    assert stack.x.list_members(list_id) == [fan["id"]]
    updated = stack.slack.message(FOLLOWERS, card["ts"])
    assert "Added to the VIP list by <@U0ALICE>" in json.dumps(updated)
    assert "follower.vip" not in buttons(updated)


# -- access level ------------------------------------------------------------------------------------
def test_without_follower_lookup_it_says_so_once_and_mentions_keep_flowing(build, caplog):
    stack = build()
    stack.x.forbid("followers")
    author = ordinary(stack, "dana")
    stack.x.post(author["id"], "@acme where is my order?")

    with caplog.at_level(logging.WARNING, logger="workers.polling"):
        poll(stack)
        poll(stack)
    stack.poll_mentions()

    warnings = [r.getMessage() for r in caplog.records if r.name == "workers.polling"]
    assert len(warnings) == 1 and "does not include follower lookup" in warnings[0]
    assert next_due(stack.redis, "poll-followers") == pytest.approx(stack.ctx.clock.now + 6 * HOUR, abs=1)
    assert len(stack.slack.messages(MENTIONS)) == 1


# -- follow.follow events (stream mode, where the access level has them) ---------------------------------
def test_a_follow_event_brings_a_notable_follower_in_real_time_once(build):
    stack = build("enterprise", BIRDHOUSE_INGEST="stream")
    stack.x.activity.streams.keepalive_seconds = 0.2
    seeded(stack, existing=3)
    with streaming(stack):
        eventually(lambda: stack.x.activity.streams.open_count() == 1)
        assert {s["event_type"] for s in stack.x.activity_state()["subscriptions"]} == {"post.mention.create",
                                                                                       "follow.follow"}
        before = follower_requests(stack)
        follow(stack, notable(stack))

        [card] = worked_until(stack, lambda: cards(stack))
    assert follower_requests(stack) == before  # the event brought it, no read of the follower list
    assert "<https://x.com/roastery|@roastery>" in block(card, "who")["text"]["text"]
    poll(stack)  # the follower poll finds the same follower, and announces nobody
    assert len(cards(stack)) == 1
