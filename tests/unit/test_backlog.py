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


def test_the_least_urgent_foldable_mentions_beyond_what_fits_are_folded_oldest_first():
    backlog = ([(f"mention:c{n}", Band.COMPLAINT) for n in range(5)] + [(f"mention:p{n}", Band.PRAISE) for n in range(5)]
               + [(f"mention:r{n}", Band.REST) for n in range(5)])
    [digest] = to_fold(backlog, fits=8)
    # 15 waiting, 8 fit: folding k lines into one digest frees k - 1 posts, so 8 lines are folded; the praise
    # folded are the oldest, and the newest wait for a card.
    assert digest == ["mention:r0", "mention:r1", "mention:r2", "mention:r3", "mention:r4",
                      "mention:p0", "mention:p1", "mention:p2"]


def test_under_a_steady_load_no_praise_waits_behind_newer_ones():
    """Each round two urgent mentions and ten praise arrive and three messages go out, most urgent first: the
    digests take what the urgent cards leave, so a praise is dealt with only when it is folded. Every praise is
    folded within a round or two of arriving, not left behind by newer ones until the load ends."""
    waiting: list[tuple[str, int]] = []
    arrived: dict[str, int] = {}
    dealt_with: dict[str, int] = {}
    for round_ in range(30):
        for n in range(10):
            arrived[f"mention:p{round_}.{n}"] = round_
        waiting += [(f"mention:q{round_}.{n}", Band.QUESTION) for n in range(2)]
        waiting += [(f"mention:p{round_}.{n}", Band.PRAISE) for n in range(10)]
        waiting.sort(key=lambda entry: entry[1])  # the outbox's order: band, then arrival
        for number, lines in enumerate(to_fold(waiting, fits=8)):
            waiting = [entry for entry in waiting if entry[0] not in lines]
            waiting.append((f"digest:{round_}.{number}", Band.DIGEST))
            dealt_with.update((name, round_) for name in lines)
        waiting.sort(key=lambda entry: entry[1])
        posted, waiting = waiting[:3], waiting[3:]
        dealt_with.update((name, round_) for name, _ in posted if name.startswith("mention:p"))
    waits = [dealt_with.get(name, 30) - at for name, at in arrived.items() if at < 25]
    assert max(waits) <= 2


def test_a_card_kept_as_a_card_is_never_folded():
    backlog = [(f"mention:{n}", Band.PRAISE) for n in range(6)]
    assert to_fold(backlog, fits=2, cards_only=frozenset({"mention:0"})) == [
        ["mention:1", "mention:2", "mention:3", "mention:4", "mention:5"]]


def test_what_needs_an_answer_and_follower_cards_are_never_folded():
    backlog = [(f"mention:q{n}", Band.QUESTION) for n in range(50)] + [("follower:1", Band.FOLLOWER)]
    assert to_fold(backlog, fits=5) == []


def test_cases_sla_posts_and_the_follower_digest_are_never_folded_even_in_a_foldable_band():
    backlog = ([("case:1", Band.CASE), ("sla:2:nudge", Band.NUDGE), ("followers:7", Band.FOLLOWER)]
               + [("sla:3:nudge", Band.REST), ("mention:4", Band.REST), ("mention:5", Band.REST)])
    assert to_fold(backlog, fits=2) == [["mention:4", "mention:5"]]


def test_a_long_backlog_folds_into_digests_of_at_most_digest_lines():
    backlog = [(f"mention:{n}", Band.REST) for n in range(200)]
    digests = to_fold(backlog, fits=20)
    assert all(len(lines) <= DIGEST_LINES for lines in digests)
    folded = [name for lines in digests for name in lines]
    assert len(folded) == len(set(folded))
    assert 200 - len(folded) + len(digests) <= 20  # what is left, digests included, fits in time
