"""A burst of mentions (issue 12): urgent cards first at Slack's pace, the rest folded into digests, every mention
a card or a digest line exactly once. Slack's pace is TEST_PACE times the real one (``make bench`` runs it at
the real pace and prints the times); nothing here is timed."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from birdhouse.dashboard import blocked_channels
from birdhouse.errors import SlackBlocked, SlackError, SlackRateLimited, SlackUnavailable
from birdhouse.redis_server import PrivateRedis, connect
from birdhouse.slackclient import POST_BURST, RATE_LIMITED_TRIES
from birdhouse.settings import Settings
from birdhouse.store.outbox import Digests
from birdhouse.store.posts import PostAttempts
from emulators.http import Fault
from emulators.slack import SlackEmulator
from emulators.x import XEmulator
from slackbot.views.mention_digest import CARD_ACTION
from tests.blocktext import block_texts
from tests.conftest import ALICE, MENTIONS, Stack, emulated_environment
from tests.helpers import FakeClock, eventually, reconfigured
from workers.backlog import Band, mention_band
from workers.context import Context
from workers.drain import BLOCKED_RETRY_SECONDS, DIGEST_EVENT, UNANSWERED_IN_A_ROW, drain_channel
from workers.mentions import fetch_new_mentions
from workers.posting import attempt_name
from workers.runner import POSTERS

URGENT_AT = {100 + 3 * k: ("complaint" if k % 2 else "question") for k in range(30)}  # behind 100 others


def post_burst(stack: Stack, total: int = 200) -> list[str]:
    """``total`` mentions from eight people, 30 of them urgent and arriving late; their ids, oldest first."""
    stack.poll_mentions()  # Birdhouse starts watching a quiet account
    authors = [stack.x.add_user(f"fan{n}", name=f"Fan {n}", followers_count=150) for n in range(8)]
    texts = {"complaint": "@acme my order {n} never arrived and nobody answers. This is terrible",
             "question": "@acme do you ship order {n} to Norway?",
             "praise": "@acme thanks for the great service, number {n}!",
             "rest": "@acme lol {letters}"}  # no figure: a learned model may read "24" as "24 hours"
    ids = []
    for n in range(total):
        kind = URGENT_AT.get(n) or ("praise" if n % 2 else "rest")
        letters = "".join("qzxjvkbmhc"[int(digit)] for digit in str(n))
        ids.append(stack.x.post(authors[n % len(authors)]["id"], texts[kind].format(n=n, letters=letters))["id"])
    return ids


class Posted:
    """Every message Birdhouse posts to the mentions channel, in the order Slack took them."""

    def __init__(self, slack: SlackEmulator) -> None:
        self.messages: list[dict] = []
        slack.on_message(lambda event, channel, message: self.messages.append(message)
                               if event == "posted" and channel == MENTIONS else None)

    def carded(self) -> list[str]:
        return [payload["tweet_id"] for message in self.messages
                if "tweet_id" in (payload := (message.get("metadata") or {}).get("event_payload") or {})]

    def digest_lines(self) -> list[str]:
        return [block["block_id"].removeprefix("line-") for message in self.digests() for block in message["blocks"]
                if block.get("block_id", "").startswith("line-")]

    def digests(self) -> list[dict]:
        return [message for message in self.messages
                if "digest_id" in ((message.get("metadata") or {}).get("event_payload") or {})]


def under_pressure(stack: Stack, seconds: float) -> None:
    """Fold what Slack cannot post within ``seconds`` (BIRDHOUSE_DIGEST_AFTER)."""
    stack.ctx.settings = dataclasses.replace(stack.ctx.settings, digest_after=seconds)


def test_a_burst_posts_every_urgent_card_first_and_accounts_for_every_mention_once(stack: Stack):
    posted = Posted(stack.slack)
    ids = post_burst(stack)
    under_pressure(stack, 1.0)  # at TEST_PACE, about 55 messages

    stack.poll_mentions()

    bands = {mention_id: mention_band(stack.ctx.mentions.get(mention_id).triage) for mention_id in ids}
    urgent = {mention_id for mention_id, band in bands.items() if band <= Band.QUESTION}
    assert len(urgent) == 30
    # The order: a band posted only once every more urgent one is out (a digest in its own band).
    posted_bands = [bands[payload["tweet_id"]] if "tweet_id" in payload else Band.DIGEST
                    for message in posted.messages
                    for payload in [(message.get("metadata") or {}).get("event_payload") or {}]]
    assert posted_bands == sorted(posted_bands)
    assert set(posted.carded()[:30]) == urgent
    # The accounting: each mention exactly one card or exactly one line of one digest.
    accounted = Counter(posted.carded() + posted.digest_lines())
    assert set(accounted) == set(ids) and set(accounted.values()) == {1}
    assert posted.digests() and not urgent & set(posted.digest_lines())
    digests = Digests(stack.redis)
    for mention_id in ids:
        assert (stack.ctx.mentions.card(mention_id) is None) != (digests.digest_of(mention_id) is None)
    assert stack.ctx.mentions.unposted() == []
    # Birdhouse paces itself; two clocks a hair apart may still meet a 429 or two (the issue allows 5).
    assert len([request for request in stack.slack.requests if request.status == 429]) <= 5


def test_show_card_on_a_digest_line_posts_that_mention_as_a_card_once(stack: Stack):
    posted = Posted(stack.slack)
    post_burst(stack, total=120)
    under_pressure(stack, 0.5)
    stack.poll_mentions()
    stack.serve_app()
    digest = posted.digests()[0]
    line = posted.digest_lines()[0]
    assert stack.ctx.mentions.card(line) is None

    for _ in range(2):  # a double click
        answer = stack.slack.click(ALICE, MENTIONS, digest["ts"], CARD_ACTION, value=line)
        assert answer.status == 200, answer.text
    stack.work()

    card = eventually(lambda: stack.ctx.mentions.card(line))
    assert posted.carded().count(line) == 1
    assert stack.slack.message(MENTIONS, card.ts)["metadata"]["event_payload"] == {"tweet_id": line}


# -- faults ------------------------------------------------------------------------------------------------
def test_a_redis_restart_mid_burst_leaves_the_same_workers_running_and_every_mention_carded_once(
        x_emulator: XEmulator, slack_emulator: SlackEmulator, tmp_path: Path):
    pace = 5  # slow enough that Redis goes away while cards are still waiting
    slack_emulator.set_rate_limit("chat.postMessage", per_channel_per_second=pace, burst=POST_BURST)
    posted = Posted(slack_emulator)
    server = PrivateRedis(tmp_path / "redis")  # appendonly, as `birdhouse check` asks
    url = server.start()
    environment = {**emulated_environment(x_emulator, slack_emulator, url), "BIRDHOUSE_POLL_INTERVAL": "1",
                   "BIRDHOUSE_SLACK_PACE": str(pace)}
    connection = connect(url)
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    fetch_new_mentions(Context(Settings.load(environ=environment, dotenv=None), connection))  # the watch begins
    workers = [subprocess.Popen([sys.executable, "-m", "birdhouse", "worker"], env={**os.environ, **environment},
                                cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log.open("w")) for log in logs]
    try:
        author = x_emulator.add_user("dana", name="Dana", followers_count=100)
        ids = [x_emulator.post(author["id"], f"@acme do you ship parcel {n} to Norway?")["id"] for n in range(20)]
        eventually(lambda: len(posted.carded()) >= POST_BURST)  # the rest wait at Slack's pace: 3 s of cards

        server.stop()
        # Each worker meets the outage (RQ waiting for a job, or our loops) before Redis comes back.
        eventually(lambda: all(re.search("could not connect to Redis|Redis went away|Redis is away", log.read_text())
                               for log in logs))
        server.start()

        eventually(lambda: set(posted.carded()) >= set(ids))
        assert [worker.poll() for worker in workers] == [None, None]  # the same processes, still running
        assert sorted(posted.carded()) == sorted(ids)  # each exactly once
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait()
        server.stop()


def test_slack_storms_of_429_and_5xx_lose_nothing_and_post_nothing_twice(stack: Stack):
    posted = Posted(stack.slack)
    ids = post_burst(stack, total=40)
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=4, status=429,
                             body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"}))
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=UNANSWERED_IN_A_ROW, status=503,
                             body="upstream connect error"))
    stack.slack.inject(Fault("/api/chat.postMessage", "drop", times=2))

    eventually(lambda: stack.poll_mentions() or set(posted.carded()) >= set(ids))  # each poll hands back the rest

    assert sorted(posted.carded()) == sorted(ids)  # every mention, each once
    assert all(stack.ctx.mentions.card(mention_id) for mention_id in ids)


def accounted_once(posted: Posted, ids: list[str]) -> bool:
    """Every mention is a card or a line of a digest, and none is both or twice."""
    accounted = Counter(posted.carded() + posted.digest_lines())
    assert set(accounted.values()) <= {1}, [mention for mention, times in accounted.items() if times > 1]
    return set(accounted) == set(ids)


@pytest.mark.parametrize("answer", [
    pytest.param(Fault("/api/chat.postMessage", "status", times=RATE_LIMITED_TRIES, status=429,
                       body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "0"}),
                 id="429-past-every-wait"),
    pytest.param(Fault("/api/chat.postMessage", "status", times=1, status=200,
                       body={"ok": False, "error": "invalid_blocks"}), id="refused"),
])
def test_a_digest_slack_does_not_take_loses_none_of_its_lines(stack: Stack, answer: Fault,
                                                              caplog: pytest.LogCaptureFixture):
    posted = Posted(stack.slack)
    ids = post_burst(stack, total=40)  # none urgent: the first message posted is a digest
    under_pressure(stack, 0.0)
    stack.slack.inject(answer)

    eventually(lambda: stack.poll_mentions() or accounted_once(posted, ids))  # each poll hands back the unposted

    assert not stack.slack.faults()
    [not_taken] = [record.args[0] for record in caplog.records if record.name == "workers.drain"][:1]
    assert not_taken.startswith("digest:")  # what Slack did not take was a digest, most urgent of what waited
    assert stack.ctx.mentions.unposted() == []
    refused = [key.decode().split(":")[2] for key in stack.redis.keys("bh:mention:*:refused_digest")]
    assert set(refused) <= set(posted.carded())  # a refused digest's lines come back as cards, not folded again
    assert bool(refused) == (answer.body["error"] != "ratelimited")


def test_a_card_slack_may_have_posted_is_not_folded_into_a_digest_when_pressure_comes(stack: Stack):
    posted = Posted(stack.slack)
    ids = post_burst(stack, total=40)
    # Slack posts the first card and its answer is lost; the history that would show it fails too, until the
    # drain leaves it for its next round.
    stack.slack.inject(Fault("/api/chat.postMessage", "lose_answer"))
    stack.slack.inject(Fault("/api/conversations.history", "status", times=UNANSWERED_IN_A_ROW, status=503))
    stack.poll_mentions()
    [attempted] = [name.removeprefix("bh:posting:birdhouse_mention:")
                   for name in map(bytes.decode, stack.redis.keys("bh:posting:birdhouse_mention:*"))]

    under_pressure(stack, 0.0)  # then the backlog is more than Slack can post in time
    eventually(lambda: stack.poll_mentions() or accounted_once(posted, ids))

    assert attempted in posted.carded() and attempted not in posted.digest_lines()  # once: the card Slack had
    assert posted.digests() and not stack.slack.faults()


@pytest.mark.parametrize("refusal", [
    pytest.param((SlackEmulator.remove_app, SlackEmulator.invite_app, "not_in_channel", "invite the app"),
                 id="app-removed"),
    pytest.param((SlackEmulator.archive, SlackEmulator.unarchive, "is_archived", "unarchive the channel"),
                 id="archived"),
])
def test_a_channel_slack_refuses_keeps_every_mention_waiting_and_costs_one_call_a_while(stack: Stack, refusal):
    close, reopen, error, fix = refusal
    clock = FakeClock(time.time())
    stack.use_clock(clock)
    posted = Posted(stack.slack)
    stack.poll_mentions()  # Birdhouse starts watching a quiet account
    fan = stack.x.add_user("fan", name="Fan", followers_count=150)
    close(stack.slack, MENTIONS)
    ids = [stack.x.post(fan["id"], text)["id"] for text in (
        "@acme lol qzx", "@acme thanks for the great service!", "@acme my order never arrived. This is terrible",
        "@acme do you ship to Norway?")]

    stack.poll_mentions()
    stack.poll_mentions()  # handed back: the channel waits, and Slack is not asked again meanwhile
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 1 and posted.messages == []
    [blocked] = blocked_channels(stack.redis)
    assert (blocked.channel, blocked.error, blocked.waiting) == (MENTIONS, error, len(ids))
    assert sorted(stack.ctx.mentions.unposted()) == sorted(ids)
    stack.serve_app()
    stack.slack.open_home(ALICE)  # the team is told why, first thing on the App Home
    home = block_texts(eventually(lambda: stack.slack.home(ALICE))["blocks"][:1])
    assert f"refused every message in <#{MENTIONS}>" in home and f"(`{error}`): 4 messages waiting" in home
    assert f"To fix: {fix}" in home

    clock.advance(BLOCKED_RETRY_SECONDS)
    stack.poll_mentions()  # tried again with the most urgent: still refused
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 2 and posted.messages == []

    reopen(stack.slack, MENTIONS)
    clock.advance(BLOCKED_RETRY_SECONDS)
    stack.poll_mentions()
    bands = [mention_band(stack.ctx.mentions.get(mention_id).triage) for mention_id in posted.carded()]
    assert sorted(posted.carded()) == sorted(ids) and bands == sorted(bands)  # once each, most urgent first
    assert blocked_channels(stack.redis) == [] and stack.ctx.mentions.unposted() == []


def test_nothing_is_folded_while_slack_refuses_the_channel_and_each_mention_is_accounted_for_once_after(
        stack: Stack):
    clock = FakeClock(time.time())
    stack.use_clock(clock)
    posted = Posted(stack.slack)
    stack.poll_mentions()  # Birdhouse starts watching a quiet account
    stack.slack.remove_app(MENTIONS)
    under_pressure(stack, 0.0)  # anything waiting is more than Slack can post in time
    fan = stack.x.add_user("late_fan", name="Late Fan", followers_count=150)
    ids = [stack.x.post(fan["id"], "@acme my order never arrived. This is terrible")["id"]]
    stack.poll_mentions()  # refused: the channel is blocked
    ids += [stack.x.post(fan["id"], f"@acme lol {letter}{letter}")["id"] for letter in "qzxjvkbmhc"]
    clock.advance(BLOCKED_RETRY_SECONDS)
    stack.poll_mentions()  # tried again, refused again
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 2
    assert sorted(stack.ctx.mentions.unposted()) == sorted(ids) and not posted.digests()  # waiting, none folded

    stack.slack.invite_app(MENTIONS)
    clock.advance(BLOCKED_RETRY_SECONDS)
    eventually(lambda: stack.poll_mentions() or accounted_once(posted, posted.carded() + posted.digest_lines())
               and set(ids) <= set(posted.carded() + posted.digest_lines()))
    assert posted.carded()[0] == ids[0]  # the complaint first, as a card; then what waited, folded
    assert posted.digests() and stack.ctx.mentions.unposted() == []


def test_what_waited_in_a_channel_the_settings_no_longer_name_goes_to_the_new_channel_once(stack: Stack):
    clock = FakeClock(time.time())
    stack.use_clock(clock)
    stack.poll_mentions()  # Birdhouse starts watching a quiet account
    fan = stack.x.add_user("fan", name="Fan", followers_count=150)
    stack.slack.archive(MENTIONS)  # the old channel is archived, with mentions waiting for it
    urgent = [stack.x.post(fan["id"], text)["id"] for text in (
        "@acme my order never arrived. This is terrible", "@acme do you ship to Norway?")]
    rest = [stack.x.post(fan["id"], text)["id"] for text in ("@acme lol qzx", "@acme thanks for the great service!")]
    stack.poll_mentions()
    # What its drain had folded into a digest before, and had tried to post when Slack did not answer.
    Digests(stack.redis).fold(MENTIONS, "d1", rest, Band.DIGEST, clock(), stack.ctx.mentions.UNPOSTED)
    PostAttempts(stack.redis).note(attempt_name(DIGEST_EVENT, "d1"), clock())

    stack.slack.add_channel("C0WARROOM", "social-war-room")
    system = reconfigured(stack, BIRDHOUSE_MENTIONS_CHANNEL="C0WARROOM")
    system.use_clock(clock)
    system.poll_mentions()
    assert tweet_ids_in(system, "C0WARROOM") == urgent  # the cards, most urgent first
    # The digest may be in the old channel's history: it stays until a look there finds it is not.
    assert [m for m in system.cards("C0WARROOM") if "digest_id" in m["metadata"]["event_payload"]] == []
    clock.advance(BLOCKED_RETRY_SECONDS)
    system.poll_mentions()  # not in the archived channel, which refuses it: nothing can be there
    clock.advance(BLOCKED_RETRY_SECONDS)
    system.poll_mentions()

    [digest] = [m for m in system.cards("C0WARROOM") if "digest_id" in m["metadata"]["event_payload"]]
    assert sorted(block_id.removeprefix("line-") for block in digest["blocks"]
                  if (block_id := block.get("block_id", "")).startswith("line-")) == sorted(rest)
    assert tweet_ids_in(system, "C0WARROOM") == urgent and system.cards(MENTIONS) == []
    assert blocked_channels(system.redis) == [] and system.ctx.mentions.unposted() == []


def test_the_drain_of_a_channel_the_settings_no_longer_name_hands_its_cards_over_and_posts_none(stack: Stack):
    stack.poll_mentions()  # Birdhouse starts watching a quiet account
    fan = stack.x.add_user("fan", name="Fan", followers_count=150)
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=UNANSWERED_IN_A_ROW, status=503))
    ids = [stack.x.post(fan["id"], text)["id"] for text in ("@acme do you ship to Norway?", "@acme lol qzx")]
    stack.poll_mentions()  # Slack does not answer: both wait in the old channel's outbox
    stack.slack.add_channel("C0WARROOM", "social-war-room")
    system = reconfigured(stack, BIRDHOUSE_MENTIONS_CHANNEL="C0WARROOM")

    drain_channel(system.ctx, MENTIONS, POSTERS)  # an old outbox's drain would post them under the wrong lease
    assert system.cards("C0WARROOM") == [] and system.cards(MENTIONS) == []
    system.poll_mentions()
    assert sorted(tweet_ids_in(system, "C0WARROOM")) == sorted(ids) and system.cards(MENTIONS) == []


def tweet_ids_in(stack: Stack, channel: str) -> list[str]:
    return [payload["tweet_id"] for message in stack.cards(channel)
            if "tweet_id" in (payload := message["metadata"]["event_payload"])]


def test_the_slack_adapter_turns_slacks_failures_into_birdhouses_errors(stack: Stack):
    slack = stack.ctx.slack
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=503, body="upstream connect error"))
    with pytest.raises(SlackUnavailable):
        slack.post_message(MENTIONS, text="hello")
    with pytest.raises(SlackError) as refused:
        slack.post_message("C0NOWHERE", text="hello")
    assert refused.value.error == "channel_not_found" and isinstance(refused.value, SlackBlocked)
    # A 4xx without Slack's answer in it (a proxy's, say) is no answer: the post may have happened.
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=408, body="Request Timeout"))
    with pytest.raises(SlackUnavailable):
        slack.post_message(MENTIONS, text="hello")
    # Slack's "it may have partly happened" answers, with HTTP 200, are no answer: the caller must look, not assume.
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=200,
                             body={"ok": False, "error": "internal_error"}))
    with pytest.raises(SlackUnavailable):
        slack.post_message(MENTIONS, text="hello")
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=RATE_LIMITED_TRIES, status=429,
                             body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "0"}))
    with pytest.raises(SlackRateLimited):
        slack.post_message(MENTIONS, text="hello")
    assert slack.post_message(MENTIONS, text="hello")  # and then it goes
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 5 + RATE_LIMITED_TRIES
