"""Acting from Slack: signed block_actions and view_submission payloads → Bolt over HTTP → Redis and RQ →
worker → X emulator → card updated for everyone in the Slack emulator. X here is self-serve (the default):
replies work; likes and follows answer 403 client-not-enrolled (see test_actions_enterprise.py for the API).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from birdhouse import jobs
from birdhouse.dashboard import blocked_channels
from birdhouse.store import EventLog
from birdhouse.store.actions import ActionLedger, action_key
from birdhouse.slackclient import RATE_LIMITED_TRIES
from emulators.http import Fault
from tests.conftest import ALICE, BOB, MALLORY, MENTIONS, SUPPORT, TEAM_GROUP, Stack
from tests.helpers import (buttons, card_for, click, current, drained_by_two_workers_at_once, eventually, events,
                           notes_to, section)
from workers.actions import escalate
from workers.mentions import fetch_new_mentions


# -- helpers ---------------------------------------------------------------------------------------------
def open_reply(stack: Stack, user: str, card: dict) -> dict:
    click(stack, user, card, "mention.reply")
    (view,) = [view for view in stack.slack.views.values() if view["callback_id"] == "mention.reply"]
    return view


def reply_values(text: str, block_id: str = "reply_text") -> dict[str, Any]:
    return {block_id: {"reply.text": text}}


def brand_replies(stack: Stack) -> list[dict]:
    return stack.x.posts_by_brand


def answered(stack: Stack, reply: str = "Sorry! Which order number?") -> tuple[dict, dict, dict]:
    """(card, X post, the brand's reply) for a mention Alice answered from its card."""
    card, post = card_for(stack)
    view = open_reply(stack, ALICE, card)
    stack.slack.submit_view(ALICE, view["id"], reply_values(reply))
    stack.work()
    [brand_reply] = brand_replies(stack)
    return card, post, brand_reply


def answered_and_done(stack: Stack) -> tuple[dict, dict, dict]:
    """(card, X post, the brand's reply) for a mention Alice answered and marked Done."""
    card, post, brand_reply = answered(stack, "Sorry! It is on its way.")
    click(stack, ALICE, card, "mention.done")
    return card, post, brand_reply


# -- reply ---------------------------------------------------------------------------------------------
def test_reply_posts_on_x_as_an_answer_and_the_card_shows_who_what_and_a_link(stack: Stack):
    card, post = card_for(stack)

    view = open_reply(stack, ALICE, card)
    assert ">@acme my order 1234 never arrived" in section(view, "post")
    answer = stack.slack.submit_view(ALICE, view["id"], reply_values("So sorry, Carol! Please DM us the order number."))
    assert answer.status == 200 and view["id"] not in stack.slack.views  # the modal closed
    stack.work()

    [reply] = brand_replies(stack)
    assert reply["text"] == "So sorry, Carol! Please DM us the order number."
    assert reply["referenced_tweets"] == [{"type": "replied_to", "id": post["id"]}]
    replies = section(current(stack, card), "replies")
    assert "<@U0ALICE> replied" in replies and ">So sorry, Carol! Please DM us the order number." in replies
    assert f"<https://x.com/i/web/status/{reply['id']}|view on X>" in replies
    [event] = events(stack, "reply")
    assert (event.user, event.mention_id, event.result) == (ALICE, post["id"], "ok")
    assert event.data["post_id"] == reply["id"] and event.data["text"] == reply["text"]


def test_a_double_submit_of_the_reply_modal_posts_once(stack: Stack):
    card, _ = card_for(stack)
    view = open_reply(stack, ALICE, card)
    sent: list[bytes] = []
    deliver = stack.slack.interactions.deliver

    def recording(raw: bytes, content_type: str, **kwargs: Any):
        sent.append(raw)
        return deliver(raw, content_type, **kwargs)

    stack.slack.interactions.deliver = recording  # Slack's side: keep the bytes it sent, to send them again
    stack.slack.submit_view(ALICE, view["id"], reply_values("On it!"))
    again = stack.slack.deliver(sent[-1], "application/x-www-form-urlencoded")  # the second click on Submit
    assert again.status == 200
    stack.work()

    assert [post["text"] for post in brand_replies(stack)] == ["On it!"]
    assert stack.x.count_requests("POST", "/2/tweets") == 1
    assert section(current(stack, card), "replies").count("replied") == 1
    assert len(events(stack, "reply")) == 1


@pytest.mark.parametrize("text, problem", [("   ", "empty"), ("日本" * 71, "Too long for X: 284/280")])
def test_an_empty_or_too_long_reply_is_refused_in_the_modal(stack: Stack, text: str, problem: str):
    card, _ = card_for(stack)
    view = open_reply(stack, ALICE, card)

    answer = stack.slack.submit_view(ALICE, view["id"], reply_values(text))
    stack.work()

    assert answer.status == 200
    assert problem in stack.slack.views[view["id"]]["errors"]["reply_text"]  # still open, error under the input
    assert brand_replies(stack) == [] and stack.x.count_requests("POST", "/2/tweets") == 0


def test_typing_updates_the_count_as_x_counts_and_saved_replies_fill_the_input(stack: Stack):
    stack.settings = dataclasses.replace(stack.settings, saved_replies=("Thanks for the kind words! 💛",
                                                                        "Sorry about that: please DM us."))
    card, _ = card_for(stack)
    view = open_reply(stack, ALICE, card)

    def text_input() -> dict:
        return next(block for block in stack.slack.views[view["id"]]["blocks"] if block["type"] == "input")

    # The modal is updated after the ack (views.update, paced like every write): wait for it.
    stack.slack.click_view(ALICE, view["id"], "reply.text", value="see https://acme.com/help/orders/1234 🙂")
    count = eventually(lambda: (text := stack.slack.views[view["id"]]["blocks"][-1]["elements"][0]["text"])
                       .startswith("30/") and text)
    assert count.startswith("30/280")  # "see " 4 + a link 23 + " " 1 + an emoji 2

    stack.slack.click_view(ALICE, view["id"], "reply.saved", value="0")
    eventually(lambda: "initial_value" in text_input()["element"])
    assert text_input()["element"]["initial_value"] == "Thanks for the kind words! 💛"
    stack.slack.submit_view(ALICE, view["id"], reply_values("Thanks for the kind words! 💛", text_input()["block_id"]))
    stack.work()
    assert [post["text"] for post in brand_replies(stack)] == ["Thanks for the kind words! 💛"]


def test_x_refusals_reach_the_person_privately_and_the_card_stays_usable(stack: Stack):
    card, post = card_for(stack)
    stack.x.post(stack.x.brand["id"], "Thanks!")  # the brand said this before: X refuses a duplicate

    view = open_reply(stack, ALICE, card)
    stack.slack.submit_view(ALICE, view["id"], reply_values("Thanks!"))
    stack.work()

    [note] = notes_to(stack, ALICE)
    assert "already posted exactly this text" in note and ">Thanks!" in note
    assert section(current(stack, card), "replies") == ""
    assert "mention.reply" in buttons(current(stack, card))
    assert [e.result for e in events(stack, "reply")] == ["duplicate"]

    stack.x.set_rate_limit("create_post", 0)
    view = open_reply(stack, BOB, card)
    stack.slack.submit_view(BOB, view["id"], reply_values("Sorry Carol, looking into it now."))
    stack.work()
    assert "rate limit" in notes_to(stack, BOB)[-1]
    assert [e.result for e in events(stack, "reply")] == ["duplicate", "rate_limited"]


def test_a_reply_to_a_post_x_no_longer_shows_says_so(stack: Stack):
    card, post = card_for(stack)
    stack.x.inject(Fault("/2/tweets", "status", status=403, body={
        "title": "Forbidden", "type": "about:blank", "status": 403,
        "detail": "You attempted to reply to a Tweet that is deleted or not visible to you."}))

    view = open_reply(stack, ALICE, card)
    stack.slack.submit_view(ALICE, view["id"], reply_values("Hello?"))
    stack.work()

    assert "deleted, suspended or protected" in notes_to(stack, ALICE)[-1]


def test_a_retried_reply_job_resumes_instead_of_posting_again(stack: Stack):
    card, _ = card_for(stack)
    stack.slack.inject(Fault("/api/chat.update", "status", status=500))  # the card update fails once, after X

    view = open_reply(stack, ALICE, card)
    stack.slack.submit_view(ALICE, view["id"], reply_values("We're on it."))
    stack.work()  # fails on Slack, RQ retries at once, the retry finds X's answer recorded

    assert stack.x.count_requests("POST", "/2/tweets") == 1
    assert "We're on it." in section(current(stack, card), "replies")
    assert len(events(stack, "reply")) == 1


def test_a_reply_interrupted_mid_call_is_reported_not_posted_twice(stack: Stack):
    card, post = card_for(stack)
    key = action_key("reply", "nonce-of-a-dead-worker")
    ledger = ActionLedger(stack.redis)
    ledger.claim(key, ALICE, 0.0)
    ledger.begin(key)  # a worker marked the attempt, asked X, and died before recording X's answer

    jobs.reply(stack.redis, key, post["id"], ALICE, "We're on it.")
    stack.work()

    assert stack.x.count_requests("POST", "/2/tweets") == 0
    assert "cannot tell whether it went out" in notes_to(stack, ALICE)[-1]
    assert [e.result for e in events(stack, "reply")] == ["unknown"]


# -- claim, done, dismiss ------------------------------------------------------------------------------
def test_claim_shows_the_holder_to_everyone_before_they_reply(stack: Stack):
    card, _ = card_for(stack)

    click(stack, ALICE, card, "mention.claim")
    click(stack, BOB, card, "mention.claim")  # too late
    stack.work()

    assert "Claimed by <@U0ALICE>" in section(current(stack, card), "status")
    assert "<@U0ALICE> has already claimed it." in notes_to(stack, BOB)
    view = open_reply(stack, BOB, card)
    assert "<@U0ALICE> has claimed this mention" in json.dumps(view["blocks"])
    assert [(e.user, e.kind) for e in events(stack, "claim")] == [(ALICE, "claim")]

    click(stack, BOB, card, "mention.unclaim")  # only the holder lets go
    click(stack, ALICE, card, "mention.unclaim")
    stack.work()
    assert "Only <@U0ALICE>" in notes_to(stack, BOB)[-1]
    assert "Claimed by" not in section(current(stack, card), "status")
    assert "mention.claim" in buttons(current(stack, card))


@pytest.mark.parametrize("action, shown", [("mention.done", "Done by <@U0ALICE>"),
                                           ("mention.dismiss", "Dismissed (noise/spam) by <@U0ALICE>")])
def test_done_and_dismiss_close_the_card_once(stack: Stack, action: str, shown: str):
    card, post = card_for(stack)

    click(stack, ALICE, card, action)
    click(stack, BOB, card, action)  # at the same moment, or a double click
    stack.work()

    closed = current(stack, card)
    assert shown in section(closed, "status")
    assert list(buttons(closed)) == ["mention.reopen"]
    kind = action.removeprefix("mention.")
    assert [(e.user, e.mention_id) for e in events(stack, kind)] == [(ALICE, post["id"])]

    click(stack, BOB, closed, "mention.reopen")
    stack.work()
    assert "mention.reply" in buttons(current(stack, card))


# -- escalate ------------------------------------------------------------------------------------------
def test_escalate_posts_one_case_to_support_and_links_it_from_the_card(stack: Stack):
    card, post = card_for(stack, "@acme your charger caught fire in my kitchen")

    click(stack, ALICE, card, "mention.escalate")
    click(stack, ALICE, card, "mention.escalate")  # double click
    stack.work()

    [case] = stack.slack.messages(SUPPORT)
    text = json.dumps(case["blocks"])
    assert ">@acme your charger caught fire in my kitchen" in text and "@carol" in text
    assert "Escalated by <@U0ALICE>" in text
    card_link = f"/archives/{MENTIONS}/p{card['ts'].replace('.', '')}"
    assert card_link in text
    status = section(current(stack, card), "status")
    assert "Escalated by <@U0ALICE>" in status and f"/archives/{SUPPORT}/p{case['ts'].replace('.', '')}" in status
    assert "mention.escalate" not in buttons(current(stack, card))
    [event] = events(stack, "escalate")
    assert event.user == ALICE and event.data["case_ts"] == case["ts"]


def test_a_case_slack_refuses_is_told_to_the_presser_and_escalate_works_again(stack: Stack):
    card, post = card_for(stack, "@acme your charger caught fire in my kitchen")
    settings = stack.ctx.settings
    stack.ctx.settings = dataclasses.replace(settings, support_channel="C0NOWHERE")  # Slack: channel_not_found

    click(stack, ALICE, card, "mention.escalate")
    stack.work()

    [note] = notes_to(stack, ALICE)
    assert "Slack refused the case" in note and "channel_not_found" in note
    assert events(stack, "escalate") == [] and "mention.escalate" in buttons(current(stack, card))

    stack.ctx.settings = settings  # the admin fixed the channel
    click(stack, ALICE, card, "mention.escalate")
    stack.work()
    [case] = stack.slack.messages(SUPPORT)
    assert [event.data["case_ts"] for event in events(stack, "escalate")] == [case["ts"]]


def test_a_refusal_in_the_cards_channel_while_a_case_is_refused_does_not_block_the_support_channel(stack: Stack):
    card, post = card_for(stack, "@acme your charger caught fire in my kitchen")
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=200,
                             body={"ok": False, "error": "invalid_blocks"}))
    stack.slack.remove_app(MENTIONS)  # so the presser's private note there is refused too

    click(stack, ALICE, card, "mention.escalate")
    stack.work()

    assert blocked_channels(stack.redis) == [] and stack.slack.messages(SUPPORT) == []
    assert "mention.escalate" in buttons(current(stack, card))  # Escalate works again
    click(stack, ALICE, card, "mention.escalate")
    stack.work()
    [case] = stack.slack.messages(SUPPORT)
    assert [event.data["case_ts"] for event in events(stack, "escalate")] == [case["ts"]]


@pytest.mark.parametrize("answer", [
    pytest.param(Fault("/api/chat.postMessage", "status", times=RATE_LIMITED_TRIES, status=429,
                       body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "0"}), id="429s"),
    pytest.param(Fault("/api/chat.postMessage", "status", times=1, status=200,
                       body={"ok": False, "error": "internal_error"}), id="maybe-posted"),
])
def test_a_case_slack_does_not_take_yet_is_posted_once_later_and_nobody_is_told_it_failed(stack: Stack,
                                                                                          answer: Fault):
    card, post = card_for(stack, "@acme your charger caught fire in my kitchen")
    stack.slack.inject(answer)

    click(stack, ALICE, card, "mention.escalate")
    stack.work()

    assert not stack.slack.faults()  # Slack's answer met the case
    [case] = stack.slack.messages(SUPPORT)
    assert [event.data["case_ts"] for event in events(stack, "escalate")] == [case["ts"]]
    assert notes_to(stack, ALICE) == []
    assert "Escalated by <@U0ALICE>" in section(current(stack, card), "status")


def test_a_case_goes_out_before_the_cards_already_waiting_in_its_channel(stack: Stack):
    stack.ctx.settings = dataclasses.replace(stack.ctx.settings, support_channel=MENTIONS)  # one channel for both
    card, post = card_for(stack, "@acme your charger caught fire in my kitchen")
    fan = stack.x.add_user("erin", name="Erin", followers_count=80)
    waiting = [stack.x.post(fan["id"], f"@acme do you ship parcel {n} to Norway?")["id"] for n in range(8)]
    fetch_new_mentions(stack.ctx)  # the poll queues their cards, and no drain has run yet
    posted: list[dict] = []
    stack.slack.on_message(lambda event, channel, message: posted.append(message)
                           if event == "posted" and channel == MENTIONS else None)

    click(stack, ALICE, card, "mention.escalate")
    stack.work()

    first, *cards = [message["metadata"]["event_payload"] for message in posted]
    assert first == {"tweet_id": post["id"]} and posted[0]["metadata"]["event_type"] == "birdhouse_case"
    assert sorted(card["tweet_id"] for card in cards) == sorted(waiting)
    status = section(current(stack, card), "status")
    assert "Escalated by <@U0ALICE>" in status and posted[0]["ts"].replace(".", "") in status


def test_an_escalation_run_twice_and_drained_by_two_workers_at_once_posts_one_case(stack: Stack):
    card, post = card_for(stack, "@acme your charger caught fire in my kitchen")
    key = action_key("escalate", post["id"])
    for _ in range(2):  # the job, and RQ's retry of it after a crash
        escalate(key, post["id"], ALICE)

    drained_by_two_workers_at_once(stack)
    stack.work()  # the card's re-render

    [case] = stack.slack.messages(SUPPORT)
    [event] = events(stack, "escalate")
    assert event.data["case_ts"] == case["ts"]
    assert "Escalated by <@U0ALICE>" in section(current(stack, card), "status")


# -- who may act ---------------------------------------------------------------------------------------
def test_someone_off_the_team_is_refused_and_nothing_reaches_x(stack: Stack):
    card, _ = card_for(stack)

    for action_id in ("mention.reply", "mention.escalate", "mention.claim", "mention.done"):
        click(stack, MALLORY, card, action_id)
    stack.work()

    notes = notes_to(stack, MALLORY)
    assert len(notes) == 4 and all("Only the social team" in note for note in notes)
    assert not [v for v in stack.slack.views.values() if v["callback_id"] == "mention.reply"]
    assert stack.slack.messages(SUPPORT) == []
    assert current(stack, card)["blocks"] == card["blocks"]
    assert EventLog(stack.redis).between(0, 2e10, {"reply", "escalate", "claim", "done"}) == []


def test_a_reply_submitted_by_someone_off_the_team_is_refused_in_the_modal_in_plain_words(stack: Stack):
    card, _ = card_for(stack)
    view = open_reply(stack, ALICE, card)

    answer = stack.slack.submit_view(MALLORY, view["id"], reply_values("Not mine to send"))  # a view passed around

    assert answer.status == 200 and answer.json()["response_action"] == "errors"
    said = stack.slack.views[view["id"]]["errors"]["reply_text"]
    assert said.startswith("Only the social team") and ":no_entry:" not in said
    stack.work()
    assert brand_replies(stack) == []


def test_a_reply_submitted_while_slack_cannot_list_the_team_says_so_in_the_modal(stack: Stack):
    card, _ = card_for(stack)
    view = open_reply(stack, ALICE, card)
    stack.redis.delete(f"bh:slack:usergroup:{TEAM_GROUP}")  # the team's members, kept a minute, have expired
    stack.slack.inject(Fault("/api/usergroups.users.list", "status", status=503))

    answer = stack.slack.submit_view(ALICE, view["id"], reply_values("Sorry! On its way."))

    said = answer.json()["errors"]["reply_text"]
    assert said.startswith("Birdhouse could not check the team") and ":warning:" not in said
    assert view["id"] in stack.slack.views  # still open, with what was typed
    stack.work()
    assert brand_replies(stack) == []


# -- like and follow back on a self-serve tier: the web intent ----------------------------------------------
def test_like_on_self_serve_falls_back_to_the_x_com_link_and_says_why(stack: Stack):
    card, post = card_for(stack)

    click(stack, ALICE, card, "mention.like")
    stack.work()

    assert "does not include this" in notes_to(stack, ALICE)[-1]
    updated = current(stack, card)
    assert buttons(updated)["mention.like.on_x"]["url"] == f"https://x.com/intent/like?tweet_id={post['id']}"
    assert "client-not-enrolled" in section(updated, "status")
    assert [e.result for e in events(stack, "like")] == ["not_enrolled"]
    assert stack.x.likes == set()

    # The next card offers the link straight away: no call to X bound to fail.
    second, second_post = card_for(stack, "@acme love the new colours", username="dave")
    assert buttons(second)["mention.like.on_x"]["url"] == f"https://x.com/intent/like?tweet_id={second_post['id']}"
    click(stack, ALICE, second, "mention.like.on_x")  # Slack reports link clicks too: acked, nothing else
    stack.work()
    assert stack.x.count_requests("POST", f"/2/users/{stack.x.brand['id']}/likes") == 1


def test_follow_back_on_self_serve_falls_back_to_the_x_com_link(stack: Stack):
    card, post = card_for(stack)

    click(stack, BOB, card, "mention.follow_back")
    stack.work()

    author_id = post["author_id"]
    updated = current(stack, card)
    assert buttons(updated)["mention.follow_back.on_x"]["url"] == f"https://x.com/intent/follow?user_id={author_id}"
    assert "Following through the API is not in this X access level" in section(updated, "status")
    assert "does not include this" in notes_to(stack, BOB)[-1]
    assert [e.result for e in events(stack, "follow_back")] == ["not_enrolled"]


# -- the conversation continues in the thread --------------------------------------------------------------
def test_the_authors_answer_to_the_brand_reply_lands_in_the_cards_thread(stack: Stack):
    card, post, brand_reply = answered(stack)

    stack.x.post(post["author_id"], "@acme it's 1234, thanks", in_reply_to_tweet_id=brand_reply["id"])
    stack.poll_mentions()

    assert [m["ts"] for m in stack.cards()] == [card["ts"]]  # no new top-level card
    [answer] = stack.slack.replies(MENTIONS, card["ts"])
    assert ">@acme it's 1234, thanks" in section(answer, "post")
    assert "mention.reply" in buttons(answer)  # the team can answer again from the thread


def test_an_answer_slack_will_not_thread_comes_to_the_channel_as_a_full_card(stack: Stack):
    card, post, brand_reply = answered(stack)
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=200,
                             body={"ok": False, "error": "restricted_action_thread_locked"}))

    stack.x.post(post["author_id"], "@acme it's 1234, thanks", in_reply_to_tweet_id=brand_reply["id"])
    stack.poll_mentions()  # refused in the thread, then posted in the channel as composed

    assert stack.slack.replies(MENTIONS, card["ts"]) == []
    [_, answer] = stack.cards()
    assert ">@acme it's 1234, thanks" in section(answer, "post") and "mention.reply" in buttons(answer)


def test_an_answer_whose_card_an_admin_deleted_comes_to_the_channel_once_after_a_lost_answer(stack: Stack):
    card, post, brand_reply = answered(stack)
    stack.slack.delete_as_admin(MENTIONS, card["ts"])
    stack.slack.inject(Fault("/api/chat.postMessage", "lose_answer"))  # posted under the gone card, unconfirmed

    stack.x.post(post["author_id"], "@acme it's 1234, thanks", in_reply_to_tweet_id=brand_reply["id"])
    stack.poll_mentions()  # the retry finds the thread gone: the card goes to the channel, where the team sees it

    [answer] = stack.cards()
    assert ">@acme it's 1234, thanks" in section(answer, "post") and "mention.reply" in buttons(answer)
    assert stack.ctx.mentions.unposted() == [] and not stack.slack.faults()


def test_a_card_slack_refuses_as_composed_comes_plain_with_its_buttons_and_they_work(stack: Stack):
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=200,
                             body={"ok": False, "error": "invalid_blocks"}))
    author = stack.x.add_user("carol", name="Carol", followers_count=300)
    stack.x.post(author["id"], "@acme my order <1234> never arrived")
    stack.poll_mentions()  # refused, and posted plainer at once
    [card] = stack.cards()
    assert section(card, "plain").startswith("Complaint from @carol: @acme my order &lt;1234&gt; never arrived")
    assert "Slack refused this card as Birdhouse composed it (invalid_blocks)" in json.dumps(card["blocks"])
    stack.serve_app()
    click(stack, ALICE, card, "mention.claim")
    stack.work()

    updated = current(stack, card)  # updated in the same plain form
    assert section(updated, "plain") == section(card, "plain") and "mention.unclaim" in buttons(updated)
    assert stack.slack.count_requests("POST", "/api/chat.postMessage") == 2


def test_a_card_update_slack_refuses_for_what_it_shows_is_shown_plain_and_the_buttons_work(stack: Stack):
    card, post = card_for(stack)
    stack.slack.inject(Fault("/api/chat.update", "status", times=1, status=200,
                             body={"ok": False, "error": "invalid_blocks"}))

    click(stack, ALICE, card, "mention.claim")
    stack.work()

    updated = current(stack, card)
    assert section(updated, "plain").startswith("Complaint from @carol") and "mention.unclaim" in buttons(updated)
    click(stack, ALICE, updated, "mention.unclaim")
    stack.work()
    assert "mention.claim" in buttons(current(stack, card)) and section(current(stack, card), "plain")


def test_a_complaint_in_the_thread_of_a_done_card_comes_back_to_the_channel_and_the_queue(stack: Stack):
    card, post, brand_reply = answered_and_done(stack)

    stack.x.post(post["author_id"], "@acme ok but why does it take so long, it's been 3 weeks",
                 in_reply_to_tweet_id=brand_reply["id"])
    stack.poll_mentions()

    [follow_up] = stack.slack.replies(MENTIONS, card["ts"])
    assert follow_up.get("subtype") == "thread_broadcast"  # in the thread, and in the channel for all to see
    assert [m["ts"] for m in stack.cards()] == [card["ts"], follow_up["ts"]]
    assert stack.slack.slash_command(ALICE, "/birdhouse", "queue", MENTIONS).status == 200
    [queue] = eventually(lambda: stack.slack.ephemerals(user=ALICE))
    follow_up_id = follow_up["metadata"]["event_payload"]["tweet_id"]
    assert [block["block_id"] for block in queue["blocks"] if block["block_id"].startswith("open-")] == [
        f"open-{follow_up_id}"]  # the follow-up waits for an answer; the card marked Done does not


def test_a_thank_you_in_the_thread_of_a_done_card_stays_in_the_thread(stack: Stack):
    card, post, brand_reply = answered_and_done(stack)

    stack.x.post(post["author_id"], "@acme got it, thank you so much!", in_reply_to_tweet_id=brand_reply["id"])
    stack.poll_mentions()

    [follow_up] = stack.slack.replies(MENTIONS, card["ts"])
    assert "subtype" not in follow_up
    assert [m["ts"] for m in stack.cards()] == [card["ts"]]


# -- the demo's scripted presses -------------------------------------------------------------------------
def test_the_demo_can_script_a_reply_and_a_claim(stack: Stack):
    from birdhouse_cli.demo_actions import press

    card, post = card_for(stack)

    assert press(stack.slack, ALICE, MENTIONS, "reply") == post["id"]
    assert press(stack.slack, BOB, MENTIONS, "claim") == post["id"]
    stack.work()

    assert "Someone from the team is on it" in brand_replies(stack)[0]["text"]
    assert "Claimed by <@U0BOB>" in section(current(stack, card), "status")
    assert press(stack.slack, BOB, MENTIONS, "claim") is None  # nothing left to claim


# -- card updates ---------------------------------------------------------------------------------------------
def test_an_update_never_waits_for_another_and_the_last_state_is_shown(stack: Stack):
    from birdhouse.store import Lease
    from workers.cards import update_card
    from workers.mention_cards import MENTION_CARDS

    card, post = card_for(stack)
    other = Lease(stack.redis, f"render:mention:{post['id']}", 10.0)
    assert other.acquire()  # another worker is rendering this card right now
    click(stack, ALICE, card, "mention.claim")

    assert update_card(stack.ctx, MENTION_CARDS, post["id"]) == {"updated": card["ts"], "rendered": 0}
    assert "Claimed by" not in section(current(stack, card), "status")
    other.release()  # the other worker finishes; the next update shows the claim
    assert update_card(stack.ctx, MENTION_CARDS, post["id"])["rendered"] == 1
    assert "Claimed by <@U0ALICE>" in section(current(stack, card), "status")
