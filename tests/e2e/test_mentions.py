"""Mentions reach Slack: X emulator → tweepy → poller (RQ) → Redis → card job → slack_sdk → Slack emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from birdhouse.store.usage import utc_day
from emulators.http import Fault
from tests.conftest import Stack
from tests.helpers import eventually, forbid_sleeping, section
from workers.drain import UNANSWERED_IN_A_ROW
from workers.mentions import fetch_new_mentions


def _author(stack: Stack, username: str = "dana", **metrics: int) -> dict:
    return stack.x.add_user(username, name=username.capitalize(), followers_count=metrics.get("followers", 120))


def _texts(stack: Stack) -> list[str]:
    return [message["text"] for message in stack.cards()]


def test_a_mention_becomes_one_card_with_author_text_labels_and_link(stack: Stack):
    author = stack.x.add_user("dana", name="Dana Scully", followers_count=15_000, verified=True,
                              verified_type="blue")
    post = stack.x.post(author["id"], "@acme my order never arrived and nobody answers. Where is it?")

    stack.poll_mentions()

    [card] = stack.cards()
    blocks = json.dumps(card["blocks"])
    assert "*Dana Scully*" in blocks and "<https://x.com/dana|@dana>" in blocks
    assert "10k+ followers" in blocks and "verified" in blocks
    assert ">@acme my order never arrived and nobody answers. Where is it?" in blocks
    assert f"<https://x.com/dana/status/{post['id']}|View on X>" in blocks
    assert "Complaint" in blocks
    assert card["metadata"]["event_payload"] == {"tweet_id": post["id"]}


def test_untrusted_text_is_escaped_exactly_once_and_pings_nobody(stack: Stack):
    author = _author(stack)
    stack.x.post(author["id"], "@acme <!channel> & <@U1> look at this")

    stack.poll_mentions()

    [card] = stack.cards()
    post_text = next(block["text"]["text"] for block in card["blocks"] if block.get("block_id") == "post")
    assert post_text == ">@acme &lt;!channel&gt; &amp; &lt;@U1&gt; look at this"
    assert "<!channel>" not in json.dumps(card) and "&amp;amp;" not in json.dumps(card)


def test_repolling_and_overlap_post_nothing_twice(stack: Stack):
    author = _author(stack)
    for n in range(3):
        stack.x.post(author["id"], f"@acme question {n}: do you ship to Norway?")
    stack.poll_mentions()
    stack.poll_mentions()
    stack.x.post(author["id"], "@acme one more: and to Iceland?")
    stack.poll_mentions()
    stack.poll_mentions()

    texts = _texts(stack)
    assert len(texts) == 4 and len(set(texts)) == 4
    assert "Iceland" in texts[-1]  # cards read in the order people posted


def test_the_first_run_shows_the_newest_few_not_a_flood_of_history(stack: Stack):
    author = _author(stack)
    posts = [stack.x.post(author["id"], f"@acme old news {n}") for n in range(60)]
    stack.slack.disable_rate_limits()

    stack.poll_mentions()

    # The newest 20 (in the outbox's order: most urgent first), and no more read or carded.
    assert sorted(card["metadata"]["event_payload"]["tweet_id"] for card in stack.cards()) == sorted(
        post["id"] for post in posts[-20:])
    assert stack.x.items_read("mentions") == 20


def test_a_backlog_larger_than_a_page_arrives_whole_and_in_order(stack: Stack):
    stack.poll_mentions()  # Birdhouse starts watching a quiet account
    author = _author(stack)
    posts = [stack.x.post(author["id"], f"@acme thanks for the great service, number {n}!") for n in range(130)]
    stack.slack.disable_rate_limits()
    mentions_path = f"/2/users/{stack.x.brand['id']}/mentions"
    requests_before = stack.x.count_requests("GET", mentions_path)

    stack.poll_mentions()

    cards = stack.cards()
    assert [card["metadata"]["event_payload"]["tweet_id"] for card in cards] == [post["id"] for post in posts]
    assert stack.x.count_requests("GET", mentions_path) - requests_before == 2


def test_steady_state_polls_cost_one_request_and_no_items(stack: Stack):
    author = _author(stack)
    stack.x.post(author["id"], "@acme hello there")
    stack.poll_mentions()
    later = time.time() + 60  # past the overlap window, where posts have settled
    stack.ctx.clock = lambda: later
    stack.poll_mentions()
    mentions_path = f"/2/users/{stack.x.brand['id']}/mentions"
    requests_before = stack.x.count_requests("GET", mentions_path)
    reads_before = stack.x.items_read("mentions")

    stack.poll_mentions()

    assert stack.x.count_requests("GET", mentions_path) == requests_before + 1
    assert stack.x.items_read("mentions") == reads_before  # nothing re-read once outside the overlap window
    assert stack.x.count_requests("GET", "/2/users/me") == 1  # the brand id is asked for once, then kept


def test_overlap_re_reads_are_counted_but_billed_once_a_day(stack: Stack):
    """X bills an item once per UTC day: the stats must show the re-reads of the overlap as free."""
    author = _author(stack)
    for n in range(3):
        stack.x.post(author["id"], f"@acme is gate {n} open?")
    stack.poll_mentions()
    stack.poll_mentions()  # within the overlap window: the same three are read again

    usage = stack.ctx.usage.day(utc_day(stack.ctx.clock()))
    assert usage["mentions:items"] == stack.x.items_read("mentions") == 6
    assert usage["mentions:billed"] == 3


def test_slack_rate_limit_is_waited_out_and_the_card_posted_once(stack: Stack):
    author = _author(stack)
    stack.x.post(author["id"], "@acme is the app down?")
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=2, status=429,
                             body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"}))

    stack.poll_mentions()

    assert len(stack.cards()) == 1
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 3


def test_x_rate_limit_reschedules_the_poll_instead_of_sleeping(stack: Stack, monkeypatch: pytest.MonkeyPatch):
    author = _author(stack)
    stack.x.post(author["id"], "@acme hi")
    stack.x.set_rate_limit("mentions", 1)
    stack.poll_mentions()  # uses the only call in the window
    stack.x.post(author["id"], "@acme hi again")

    monkeypatch.setattr(time, "sleep", forbid_sleeping)
    stack.poll_mentions()
    monkeypatch.undo()

    assert len(stack.cards()) == 1
    due = stack.redis.zscore("bh:schedule", "poll-mentions")
    assert due > time.time() + 800  # the next poll waits for X's window to reset (15 minutes)


def test_a_worker_killed_mid_post_leaves_exactly_one_card_taken_over_within_seconds(stack: Stack, tmp_path):
    author = _author(stack)
    post = stack.x.post(author["id"], "@acme my card must arrive once")
    behind = stack.x.post(author["id"], "@acme and mine after it")
    fetch_new_mentions(stack.ctx)  # stores the mentions and puts their cards in the channel's outbox
    # Slack takes 1.5 s to answer; the worker dies after sending, before it can record the card.
    stack.slack.inject(Fault("/api/chat.postMessage", "latency", seconds=1.5))
    worker = worker_process(stack, tmp_path)
    try:
        eventually(lambda: stack.redis.exists(f"bh:posting:birdhouse_mention:{post['id']}"))
        eventually(lambda: not stack.slack.faults())  # the post reached Slack, which is taking its time
    finally:
        kill_with_children(worker)
    eventually(lambda: len(stack.cards()) == 1)  # Slack did post it
    assert stack.ctx.mentions.card(post["id"]) is None  # ...but nobody recorded it

    # Another worker takes the channel over when the dead drain's lease expires: seconds, not RQ's clean-up.
    survivor = worker_process(stack, tmp_path)
    try:
        eventually(lambda: stack.ctx.mentions.card(behind["id"]))
    finally:
        survivor.terminate()
        survivor.wait()

    assert len(stack.cards()) == 2
    assert stack.ctx.mentions.card(post["id"]).ts == stack.cards()[0]["ts"]  # found in the history, not re-posted
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 2


def test_a_card_slack_did_not_take_is_posted_by_a_later_drain_once(stack: Stack):
    author = _author(stack)
    stack.x.post(author["id"], "@acme hello")
    stack.slack.inject(Fault("/api/chat.postMessage", "drop", times=UNANSWERED_IN_A_ROW))
    stack.poll_mentions()  # Slack never answers: the card stays in the outbox
    assert stack.cards() == []

    stack.poll_mentions()

    assert len(stack.cards()) == 1
    assert stack.ctx.mentions.unposted() == []


def test_a_card_slack_refuses_even_plain_reaches_the_channel_at_once_as_text(stack: Stack):
    author = _author(stack)
    post = stack.x.post(author["id"], "@acme my order <never> arrived")
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=2, status=200,
                             body={"ok": False, "error": "invalid_blocks"}))

    stack.poll_mentions()  # refused as composed, then with only its text and buttons, then posted as text

    [card] = stack.cards()
    assert "blocks" not in card and card["text"].startswith("Complaint from @dana: @acme my order &lt;never&gt; arrived")
    assert "Slack refused this card as Birdhouse composed it (invalid_blocks)" in card["text"]
    assert stack.ctx.mentions.card(post["id"]).ts == card["ts"] and stack.ctx.mentions.unposted() == []
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 3


def test_a_card_refused_for_what_slack_cannot_be_shown_plainer_waits_as_it_was(stack: Stack):
    author = _author(stack)
    post = stack.x.post(author["id"], "@acme hello")
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=200,
                             body={"ok": False, "error": "metadata_too_large"}))
    stack.poll_mentions()  # refused, not for its layout: handed back by the next poll as it was
    assert stack.cards() == [] and stack.ctx.mentions.unposted() == [post["id"]]

    stack.poll_mentions()
    [card] = stack.cards()
    assert section(card, "post") and "Slack refused" not in json.dumps(card)  # the whole card, as composed


def worker_process(stack: Stack, folder) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "birdhouse", "worker", "--no-scheduler"],
                            env={**os.environ, **stack.environment}, cwd=folder, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_with_children(process: subprocess.Popen) -> None:
    """SIGKILL a worker and its work horse (RQ puts the horse in a session of its own), as a dying machine would."""
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
    for pid in [process.pid, *map(int, children)]:
        os.kill(pid, signal.SIGKILL)
    process.wait()


