"""What a channel posts first, and what it folds into digests under pressure (``workers.backlog``)."""

from __future__ import annotations

from workers.backlog import DIGEST_LINES, Band, cards_in_time, mention_band, to_fold


def _triage(kind: str, ranked: bool = True) -> dict:
    return {"kind": kind, "ranked": ranked}


def test_bands_read_complaints_questions_other_languages_praise_then_the_rest():
    bands = [mention_band(_triage("complaint")), mention_band(_triage("question")),
             mention_band(_triage("other", ranked=False)), mention_band(_triage("praise")),
             mention_band(_triage("other")), mention_band(_triage("noise")), mention_band(_triage("spam"))]
    assert bands == [Band.COMPLAINT, Band.QUESTION, Band.OTHER_LANGUAGE, Band.PRAISE, Band.REST, Band.REST, Band.REST]
    assert bands == sorted(bands)


def test_spam_in_another_language_is_still_the_rest():
    assert mention_band(_triage("spam", ranked=False)) == Band.REST


def test_a_case_goes_before_everything_then_a_requested_card_then_a_nudge_and_digests_before_praise():
    assert Band.CASE < Band.REQUESTED < Band.NUDGE < Band.COMPLAINT
    assert Band.OTHER_LANGUAGE < Band.DIGEST < Band.PRAISE < Band.FOLLOWER < Band.REST


def test_cards_in_time_is_the_burst_then_the_rate():
    assert cards_in_time(60, 1.0, 5) == 65
    assert cards_in_time(0.5, 1.0, 5) == 5


def test_nothing_is_folded_while_the_backlog_fits():
    backlog = [(f"mention:{n}", Band.PRAISE) for n in range(10)]
    assert to_fold(backlog, fits=10) == []


def test_the_least_urgent_foldable_mentions_beyond_what_fits_are_folded():
    backlog = ([(f"mention:c{n}", Band.COMPLAINT) for n in range(5)] + [(f"mention:p{n}", Band.PRAISE) for n in range(5)]
               + [(f"mention:r{n}", Band.REST) for n in range(5)])
    [digest] = to_fold(backlog, fits=8)
    # 15 waiting, 8 fit: folding k lines into one digest frees k - 1 posts, so 8 lines are folded.
    assert digest == ["mention:r4", "mention:r3", "mention:r2", "mention:r1", "mention:r0",
                      "mention:p4", "mention:p3", "mention:p2"]


def test_what_needs_an_answer_and_follower_cards_are_never_folded():
    backlog = [(f"mention:q{n}", Band.QUESTION) for n in range(50)] + [("follower:1", Band.FOLLOWER)]
    assert to_fold(backlog, fits=5) == []


def test_cases_sla_posts_and_the_follower_digest_are_never_folded_even_in_a_foldable_band():
    backlog = ([("case:1", Band.CASE), ("sla:2:nudge", Band.NUDGE), ("followers:7", Band.FOLLOWER)]
               + [("sla:3:nudge", Band.REST), ("mention:4", Band.REST), ("mention:5", Band.REST)])
    assert to_fold(backlog, fits=2) == [["mention:5", "mention:4"]]


def test_a_long_backlog_folds_into_digests_of_at_most_digest_lines():
    backlog = [(f"mention:{n}", Band.REST) for n in range(200)]
    digests = to_fold(backlog, fits=20)
    assert all(len(lines) <= DIGEST_LINES for lines in digests)
    folded = [name for lines in digests for name in lines]
    assert len(folded) == len(set(folded))
    assert 200 - len(folded) + len(digests) <= 20  # what is left, digests included, fits in time
