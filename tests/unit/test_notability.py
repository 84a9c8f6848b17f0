"""Scoring new followers on clear cases: the verdict, the points, and the words each card shows."""

from __future__ import annotations

from datetime import UTC, datetime

from workers.notability import (
    LIKELY_BOT,
    NOTABLE,
    ORDINARY,
    Notability,
    Thresholds,
    assess,
    bot_signals,
    explanation,
    keyword_hits,
    posts_per_week,
)

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC).timestamp()
DAY = 86400.0
THRESHOLDS = Thresholds(keywords=("coffee", "espresso"))


def user(*, followers: int = 150, following: int = 200, tweets: int = 150, age_days: float = 700,
         verified_type: str = "none", description: str = "Runner, reader.", name: str = "Sam Lee",
         username: str = "samlee", default_avatar: bool = False) -> dict:
    created = datetime.fromtimestamp(NOW - age_days * DAY, UTC).isoformat().replace("+00:00", "Z")
    avatar = ("https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png" if default_avatar
              else "https://pbs.twimg.com/profile_images/1/samlee_normal.jpg")
    return {"id": "42", "username": username, "name": name, "description": description, "created_at": created,
            "verified_type": verified_type, "profile_image_url": avatar,
            "public_metrics": {"followers_count": followers, "following_count": following, "tweet_count": tweets,
                               "listed_count": 0}}


def test_large_reach_alone_earns_a_card_and_says_so() -> None:
    result = assess(user(followers=48_200, following=300), NOW, THRESHOLDS)
    assert result.verdict == NOTABLE
    assert result.reasons[0] == "10k+ followers (48,200)"
    assert "followed by 161× as many as they follow" in result.reasons


def test_an_ordinary_person_goes_to_the_digest() -> None:
    result = assess(user(), NOW, THRESHOLDS)
    assert result.verdict == ORDINARY
    assert result.score < THRESHOLDS.notable_score
    assert explanation(result).startswith("Ordinary (score")


def test_the_brands_field_in_the_bio_plus_activity_is_notable() -> None:
    result = assess(user(description="Barista. Espresso nerd & latte art.", tweets=2_000, age_days=400),
                    NOW, THRESHOLDS)
    assert result.verdict == NOTABLE
    assert "bio mentions 'espresso'" in result.reasons
    assert "active: posts ~35 per week" in result.reasons


def test_keywords_match_whole_words_only() -> None:
    assert keyword_hits("Team lead, coffee-fuelled", ("tea", "coffee")) == ["coffee"]
    assert keyword_hits("I love COFFEE", ("coffee",)) == ["coffee"]


def test_a_recent_mention_of_the_brand_counts_and_an_old_one_does_not() -> None:
    recent = assess(user(followers=2_500, tweets=100), NOW, THRESHOLDS, mentioned_at=NOW - 2 * DAY)
    assert recent.verdict == NOTABLE
    assert "mentioned us 2 days ago" in recent.reasons
    old = assess(user(followers=2_500, tweets=100), NOW, THRESHOLDS, mentioned_at=NOW - 40 * DAY)
    assert old.verdict == ORDINARY
    assert not any("mentioned" in reason for reason in old.reasons)


def test_business_verification_is_a_reason() -> None:
    result = assess(user(verified_type="business", followers=900), NOW, THRESHOLDS)
    assert "business verified" in result.reasons
    assert result.verdict == NOTABLE  # 2 for the check, 1 for 900 followers against 200 followed
    assert result.score == 3


def test_a_brand_new_account_following_thousands_with_a_default_picture_is_a_bot() -> None:
    bot = user(followers=3, following=4_800, tweets=0, age_days=5, default_avatar=True,
               username="deals83910274", description="https://spam.example/win")
    result = assess(bot, NOW, THRESHOLDS)
    assert result.verdict == LIKELY_BOT
    assert result.bot_signals == ("default profile picture", "has never posted",
                                  "account 5 days old already following 4,800", "bio is only a link",
                                  "handle looks auto-generated")
    assert explanation(result).startswith("Likely a bot: default profile picture; has never posted")


def test_big_numbers_do_not_rescue_a_bot_but_business_verification_does() -> None:
    bought = user(followers=50_000, following=2_100, tweets=0, default_avatar=True)
    assert assess(bought, NOW, THRESHOLDS).verdict == LIKELY_BOT
    vetted = user(followers=50_000, following=2_100, tweets=0, default_avatar=True, verified_type="business")
    assert assess(vetted, NOW, THRESHOLDS).verdict == NOTABLE


def test_one_bot_signal_alone_is_not_enough() -> None:
    result = assess(user(default_avatar=True), NOW, THRESHOLDS)
    assert result.verdict == ORDINARY
    assert result.bot_signals == ("default profile picture",)


def test_a_bio_with_words_and_a_link_is_not_link_only() -> None:
    assert "bio is only a link" not in bot_signals(user(description="Photos at https://me.example"), NOW, THRESHOLDS)
    assert "bio is only a link" in bot_signals(user(description="👉 bit.ly/xyz"), NOW, THRESHOLDS)


def test_thresholds_are_the_operators() -> None:
    strict = Thresholds(notable_followers=100_000, notable_score=5)
    assert assess(user(followers=48_200, following=300), NOW, strict).verdict == ORDINARY
    lenient = Thresholds(notable_followers=1_000)
    result = assess(user(followers=1_200, following=300), NOW, lenient)
    assert result.verdict == NOTABLE
    assert result.reasons[0] == "1,200 followers"


def test_posts_per_week_over_the_accounts_life() -> None:
    assert posts_per_week(520, NOW - 365 * DAY, NOW) == 520 / (365 / 7)
    assert posts_per_week(10, NOW - DAY, NOW) == 10  # a day-old account counts as a week
    assert posts_per_week(10, None, NOW) == 0.0


def test_an_established_account_says_how_long() -> None:
    result = assess(user(age_days=8 * 365.25 + 3), NOW, THRESHOLDS)
    assert "on X for 8 years" in result.reasons


def test_the_assessment_survives_a_round_trip_through_storage() -> None:
    result = assess(user(followers=48_200), NOW, THRESHOLDS)
    assert Notability.from_dict(result.to_dict()) == result


def test_a_good_ordinary_account_is_not_notable_by_that_alone() -> None:
    result = assess(user(followers=1_500, following=300, tweets=9_000, age_days=2_000), NOW, THRESHOLDS)
    assert result.verdict != NOTABLE
    assert result.score == 2  # active, well followed and long-standing count two points together
