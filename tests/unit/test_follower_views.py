"""The notable-follower card and the digest: escaped, explained, and showing what the team did."""

from __future__ import annotations

import json

from birdhouse.models import Author, Follower, Mark
from birdhouse.store.followers import FollowerState
from slackbot.views.digest import counts_line, digest
from slackbot.views.follower_card import follower_card

USER = {"id": "777", "username": "roastery", "name": "Blue <!channel> & Co", "created_at": "2018-03-01T00:00:00.000Z",
        "description": "Coffee <b>roasters</b> & <@U1>", "verified_type": "business",
        "profile_image_url": "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
        "public_metrics": {"followers_count": 48_000, "following_count": 300, "tweet_count": 3_000,
                           "listed_count": 5}}
NOTABILITY = {"verdict": "notable", "score": 7, "reasons": ["10k+ followers (48,000)", "bio mentions 'coffee'"],
              "bot_signals": [], "posts_per_week": 9.8}
FOLLOWER = Follower(Author.from_api(USER), NOTABILITY, at=0.0)


def blocks_by_id(blocks: list[dict]) -> dict[str, dict]:
    return {block["block_id"]: block for block in blocks if "block_id" in block}


def action_ids(blocks: list[dict]) -> list[str]:
    return [element["action_id"] for element in blocks_by_id(blocks)["follower_actions"]["elements"]]


def test_the_card_says_who_and_why_with_untrusted_text_escaped() -> None:
    blocks = blocks_by_id(follower_card(FOLLOWER))
    assert "*Blue &lt;!channel&gt; &amp; Co*" in blocks["who"]["text"]["text"]
    assert "business" in blocks["who"]["text"]["text"] and "10k+ followers" in blocks["who"]["text"]["text"]
    assert blocks["bio"]["text"]["text"] == ">Coffee &lt;b&gt;roasters&lt;/b&gt; &amp; &lt;@U1&gt;"
    assert blocks["activity"]["elements"][0]["text"] == "3,000 posts (~9.8 a week) · follows 300 · on X since Mar 2018"
    assert blocks["why"]["text"]["text"] == "*Why notable:* 10k+ followers (48,000) · bio mentions 'coffee'"
    assert "<!channel>" not in json.dumps(blocks)


def test_buttons_follow_the_configuration() -> None:
    assert action_ids(follower_card(FOLLOWER)) == ["follower.follow_back", "follower.dismiss"]
    assert action_ids(follower_card(FOLLOWER, vip_list=True)) == [
        "follower.follow_back", "follower.vip", "follower.dismiss"]


def test_without_api_following_the_card_offers_the_web_intent_and_says_why() -> None:
    blocks = follower_card(FOLLOWER, follow_intent="X's access level does not allow it (403)")
    link = blocks_by_id(blocks)["follower_actions"]["elements"][0]
    assert link["url"] == "https://x.com/intent/follow?user_id=777"
    assert "403" in blocks_by_id(blocks)["outcome"]["elements"][0]["text"]


def test_done_actions_show_who_and_lose_their_button() -> None:
    blocks = follower_card(FOLLOWER, FollowerState(followed_by=Mark("U0ALICE", 0.0), added_to_vip_by="U0BOB"),
                           vip_list=True)
    outcome = [element["text"] for element in blocks_by_id(blocks)["outcome"]["elements"]]
    assert outcome == [":white_check_mark: Followed back by <@U0ALICE>", ":star: Added to the VIP list by <@U0BOB>"]
    assert action_ids(blocks) == ["follower.dismiss"]


def test_a_follow_back_done_later_wins_over_the_intent_note() -> None:
    blocks = follower_card(FOLLOWER, FollowerState(followed_by=Mark("U0ALICE", 0.0)), follow_intent="no API")
    assert [e["text"] for e in blocks_by_id(blocks)["outcome"]["elements"]] == [
        ":white_check_mark: Followed back by <@U0ALICE>"]


def test_a_dismissed_card_collapses_to_who_and_by_whom() -> None:
    blocks = follower_card(FOLLOWER, FollowerState(dismissed_by="U0BOB"))
    assert [block["block_id"] for block in blocks] == ["who", "outcome"]


def test_heads_up_signals_are_shown_on_a_notable_card() -> None:
    blocks = follower_card(Follower(FOLLOWER.author, {**NOTABILITY, "bot_signals": ["default profile picture"]}, at=0.0))
    assert "_Heads-up:_ default profile picture" in blocks_by_id(blocks)["why"]["text"]["text"]


def test_the_digest_counts_and_names_the_best_of_the_rest_safely() -> None:
    top = [Follower(Author.from_api({**USER, "name": "Kim <b>"}), {**NOTABILITY, "reasons": ["a", "b", "c"]}, at=0.0)]
    text, blocks = digest(12, 2, 8, 2, top, 0.0, 3600.0)
    assert text == "New followers digest: 12 new followers"
    rendered = {block.get("block_id"): block for block in blocks}
    assert rendered["counts"]["text"]["text"] == (
        "*12 new followers* · 2 notable (each has its card) · 8 others · 2 likely bots filtered out")
    assert rendered["top"]["text"]["text"].endswith("• *Kim &lt;b&gt;* <https://x.com/roastery|@roastery> · a · b")


def test_counts_leave_out_what_is_zero() -> None:
    assert counts_line(1, 0, 1, 0) == "*1 new follower* · 1 other"
