from birdhouse.models import Mention, reach_band

USER = {
    "id": "42", "username": "dana", "name": "Dana &amp; Co", "verified": True, "verified_type": "business",
    "public_metrics": {"followers_count": 12_345, "following_count": 10, "tweet_count": 500, "listed_count": 3},
    "created_at": "2020-01-01T00:00:00.000Z", "description": "We <3 coffee",
}
POST = {
    "id": "1001", "text": "@acme why &amp; how? &lt;!channel&gt;", "author_id": "42",
    "created_at": "2026-11-26T05:00:00.000Z", "conversation_id": "999",
    "referenced_tweets": [{"type": "quoted", "id": "7"}, {"type": "replied_to", "id": "999"}],
}


def test_reach_bands_match_the_common_badges():
    assert [reach_band(n) for n in (0, 1999, 2000, 9999, 10_000, 100_000, 1_000_000)] == [
        "under 2k", "under 2k", "2k+", "2k+", "10k+", "100k+", "1M+"]


def test_x_escaping_is_undone_once():
    mention = Mention.from_api(POST, USER)
    assert mention.text == "@acme why & how? <!channel>"
    # Only post text comes HTML-escaped (specs README); names and bios are kept exactly as sent.
    assert mention.author.name == "Dana &amp; Co"


def test_mention_knows_what_it_replies_to_and_where_it_lives():
    mention = Mention.from_api(POST, USER)
    assert mention.replied_to_id == "999"
    assert mention.url == "https://x.com/dana/status/1001"
    assert mention.author.reach == "10k+"


def test_mention_round_trips_through_its_stored_form():
    mention = Mention.from_api(POST, USER)
    assert Mention.from_dict(mention.to_dict()) == mention
