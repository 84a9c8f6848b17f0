from birdhouse.models import Author, Mark, Mention
from birdhouse.store.capabilities import XAccess
from birdhouse.store.cards import DISMISSED, CardState, Escalation, Reply
from emulators.slack.blockkit import validate_blocks
from slackbot.views.mention_card import fallback_text, mention_card

AUTHOR = Author(id="42", username="carol_b", name="Carol <!channel>", followers_count=12_000)
MENTION = Mention(id="1001", text="@acme my order never came <!here>", author=AUTHOR,
                  created_at="2026-11-26T05:00:00.000Z", triage={"kind": "complaint", "priority": 3})


def buttons(blocks):
    (actions,) = [block for block in blocks if block["type"] == "actions"]
    return {element["text"]["text"]: element for element in actions["elements"]}


def text_of(blocks, block_id):
    return next(block["text"]["text"] for block in blocks if block.get("block_id") == block_id)


def test_a_new_card_offers_every_action_with_words_saying_what_it_does():
    blocks = mention_card(MENTION)
    assert list(buttons(blocks)) == [
        ":speech_balloon: Reply", ":heart: Like", ":heavy_plus_sign: Follow back @carol_b",
        ":rotating_light: Escalate to support", ":raising_hand: Claim", ":white_check_mark: Done",
        ":wastebasket: Dismiss (noise/spam)"]
    assert {element["value"] for element in buttons(blocks).values()} == {"1001"}
    assert all("url" not in element for element in buttons(blocks).values())
    assert validate_blocks(blocks) == []


def test_without_api_access_like_and_follow_are_x_com_links():
    found = buttons(mention_card(MENTION, access=XAccess(like=False, follow=False)))
    assert found[":heart: Like on x.com"]["url"] == "https://x.com/intent/like?tweet_id=1001"
    assert found[":heavy_plus_sign: Follow @carol_b on x.com"]["url"] == "https://x.com/intent/follow?user_id=42"


def test_the_card_shows_who_did_what():
    state = CardState(claimed_by=Mark("U0ALICE", 1_700_000_000), liked_by=Mark("U0BOB", 1_700_000_100),
                      followed_by=Mark("U0BOB", 1_700_000_200),
                      escalated=Escalation("U0ALICE", 1_700_000_300, "https://acme.slack.com/archives/C0S/p1"),
                      replies=(Reply("U0ALICE", "Sorry <!channel> & DM us", "2001", "https://x.com/i/web/status/2001",
                                     1_700_000_400),))
    blocks = mention_card(MENTION, state)
    status, replies = text_of(blocks, "status"), text_of(blocks, "replies")
    assert "Claimed by <@U0ALICE>" in status
    assert "Liked by <@U0BOB>" in status and "Followed back by <@U0BOB>" in status
    assert "Escalated by <@U0ALICE> · <https://acme.slack.com/archives/C0S/p1|support case>" in status
    assert "<@U0ALICE> replied" in replies and "<https://x.com/i/web/status/2001|view on X>" in replies
    assert ">Sorry &lt;!channel&gt; &amp; DM us" in replies
    # What was done is not offered again; the holder can let go of the card.
    assert list(buttons(blocks)) == [":speech_balloon: Reply", ":raising_hand: Unassign", ":white_check_mark: Done",
                                     ":wastebasket: Dismiss (noise/spam)"]
    assert validate_blocks(blocks) == []


def test_a_closed_card_says_who_closed_it_and_can_only_be_reopened():
    blocks = mention_card(MENTION, CardState(status=DISMISSED, status_by=Mark("U0BOB", 1_700_000_000)))
    assert "Dismissed (noise/spam) by <@U0BOB>" in text_of(blocks, "status")
    assert list(buttons(blocks)) == [":leftwards_arrow_with_hook: Reopen"]


def test_a_refusal_for_the_access_level_is_explained_on_the_card():
    blocks = mention_card(MENTION, CardState(refused=(("like", "U0ALICE"),)), XAccess(like=False))
    assert "<@U0ALICE> tried" in text_of(blocks, "status")
    assert "client-not-enrolled" in text_of(blocks, "status")


def test_untrusted_text_is_escaped_everywhere():
    blocks = mention_card(MENTION)
    assert "&lt;!here&gt;" in text_of(blocks, "post") and "<!here>" not in text_of(blocks, "post")
    assert "Carol &lt;!channel&gt;" in text_of(blocks, "author")
    assert "<!here>" not in fallback_text(MENTION)
