"""The workspace page in a real browser, against the real stack: Bolt over HTTP, Redis, an RQ worker and both
emulators. Every wait is on a condition (Playwright's expect, or the page's own request finishing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from birdhouse.tweet_length import weighted_length
from emulators.slack.web import WorkspacePage
from tests.conftest import ALICE, BOB, MENTIONS, Stack
from tests.helpers import eventually

pytestmark = pytest.mark.e2e


def mention(stack: Stack, text: str, username: str = "carol") -> dict:
    """A new mention of the brand, polled into a card; answers the X post."""
    author = stack.x.add_user(username, name=username.capitalize(), followers_count=300)
    post = stack.x.post(author["id"], text)
    stack.poll_mentions()
    return post


def card(page, text: str):
    return page.locator(".message", has_text=text)


def test_a_card_appears_live_and_a_claim_updates_it_for_everyone(stack: Stack, open_page, screenshots: Path):
    alice = open_page()
    bob = open_page(f"?as={BOB}")
    expect(alice.locator("h1")).to_have_text("# social-mentions")

    mention(stack, "@acme my order 4417 never arrived & nobody answers <!channel> <script>alert(1)</script>")

    alice_card = card(alice, "order 4417")
    expect(alice_card).to_be_visible()  # no reload: the page heard of it
    expect(alice_card).to_contain_text("nobody answers <!channel> <script>alert(1)</script>")  # shown as text
    expect(alice_card.locator("script")).to_have_count(0)
    expect(alice_card.locator(".button-primary", has_text="Reply")).to_be_visible()

    with alice.expect_response("**/_workspace/act"):  # the app has acked the signed block_actions
        alice_card.get_by_role("button", name="Assign to me").click()
    stack.work()

    (message,) = stack.cards()
    assert "Claimed by <@U0ALICE>" in next(b["text"]["text"] for b in message["blocks"] if b["block_id"] == "status")
    expect(card(bob, "order 4417")).to_contain_text("Claimed by @alice")
    expect(card(bob, "order 4417").get_by_role("button", name="Unassign")).to_be_visible()
    alice.screenshot(path=screenshots / "claimed.png")


def test_the_reply_modal_counts_characters_refuses_empty_text_and_the_reply_shows_on_the_card(
        stack: Stack, open_page, screenshots: Path):
    post = mention(stack, "@acme does the Pro plan include SSO?", "dana")
    page = open_page()
    page.get_by_role("button", name="Reply").click()

    modal = page.locator("form.modal")
    expect(modal.locator("h2")).to_have_text("Reply on X")
    expect(modal).to_contain_text("does the Pro plan include SSO?")
    modal.get_by_role("button", name="Post reply").click()
    expect(modal.locator(".input-error")).to_have_text("Write a reply first: X does not post empty text.")

    reply = "Yes, SSO comes with Pro: https://acme.example/sso"
    modal.locator("textarea").press_sequentially(reply)
    expect(modal.locator(".char-count")).to_have_text(f"{len(reply)}/3000")
    # The app's count, as X counts (a link is 23), re-rendered through views.update as the visitor types.
    expect(modal).to_contain_text(f"{weighted_length(reply)}/280 as X counts")
    expect(modal.locator("textarea")).to_have_value(reply)  # kept through the app's views.update
    page.screenshot(path=screenshots / "reply-modal.png")

    with page.expect_response("**/_workspace/submit"):
        modal.get_by_role("button", name="Post reply").click()
    expect(page.locator("#modal-root form")).to_have_count(0)
    stack.work()

    (brand_reply,) = stack.x.state()["posts_by_brand"]
    assert brand_reply["text"] == reply
    assert brand_reply["referenced_tweets"] == [{"type": "replied_to", "id": post["id"]}]
    replied = card(page, "Pro plan include SSO")
    expect(replied).to_contain_text("@alice replied")
    expect(replied.locator("blockquote").last).to_have_text(reply)


def test_birdhouse_stats_answers_only_the_visitor(stack: Stack, open_page, screenshots: Path):
    mention(stack, "@acme how do I reset my password?", "erin")
    page = open_page()
    other = open_page(f"?as={BOB}")

    page.get_by_placeholder("/birdhouse stats").fill("/birdhouse stats")
    page.keyboard.press("Enter")

    answer = page.locator(".ephemeral")
    expect(answer).to_contain_text("Only visible to you")
    expect(answer.locator(".header")).to_have_text("Birdhouse stats: last 24 hours")
    expect(answer.get_by_role("button", name="Share in channel")).to_be_visible()
    assert [e["user"] for e in stack.slack.ephemerals(MENTIONS)] == [ALICE]
    expect(other.locator(".message", has_text="how do I reset")).to_be_visible()
    expect(other.locator(".ephemeral")).to_have_count(0)
    page.screenshot(path=screenshots / "stats.png")


def test_the_home_tab_is_published_when_opened_and_threads_open_beside_the_channel(
        stack: Stack, open_page, workspace: WorkspacePage):
    mention(stack, "@acme charged twice this month, please refund", "femi")
    (message,) = stack.cards()
    stack.slack.post_as_user(BOB, MENTIONS, "I'll look into the refund", thread_ts=message["ts"])

    page = open_page()
    summary = card(page, "charged twice").get_by_role("button", name="1 reply")
    summary.click()
    expect(page.locator("#thread")).to_contain_text("I'll look into the refund")
    stack.slack.post_as_user(ALICE, MENTIONS, "Refund sent", thread_ts=message["ts"])
    expect(page.locator("#thread .replies .message")).to_have_count(2)
    expect(card(page, "charged twice").get_by_role("button", name="2 replies")).to_be_visible()

    page.get_by_role("link", name="Home").click()
    expect(page.locator("#home .home")).to_be_visible()
    assert eventually(lambda: stack.slack.home(ALICE)) is not None
