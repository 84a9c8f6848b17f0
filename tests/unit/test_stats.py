from datetime import UTC, datetime

import pytest

from birdhouse import business_hours
from birdhouse.stats import (
    compute,
    open_queue,
    parse_window,
    percentile,
    usage_days,
    usage_lines,
)
from birdhouse.store.events import Event, EventKind

MINUTE = 60.0
END = datetime(2026, 11, 26, 18, 0, tzinfo=UTC).timestamp()  # a Thursday
SLA = 30 * MINUTE


def mention(mention_id: str, kind: str, minutes_before_end: float) -> Event:
    return Event(EventKind.MENTION, at=END - minutes_before_end * MINUTE, mention_id=mention_id,
                 data={"kind": kind, "author_id": "42"})


def action(kind: str, mention_id: str | None, minutes_before_end: float, user: str | None = "U0ALICE",
           result: str = "ok") -> Event:
    return Event(kind, at=END - minutes_before_end * MINUTE, mention_id=mention_id, user=user, result=result)


def day(*events: Event, **options):
    return compute(sorted(events, key=lambda event: event.at), window="24h", end=END, sla_seconds=SLA, **options)


# -- percentiles ----------------------------------------------------------------------------------------

def test_percentile_of_nothing_is_none():
    assert percentile([], 0.5) is None


def test_percentile_of_one_value_is_that_value():
    assert percentile([7.0], 0.5) == 7.0
    assert percentile([7.0], 0.9) == 7.0


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5


def test_p90_interpolates_between_ranks():
    # rank 0.9 * 9 = 8.1: a tenth of the way from the 9th value (90) to the 10th (1000).
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 0.9) == pytest.approx(181.0)


def test_p90_of_tied_values_is_the_tied_value():
    assert percentile([5.0, 5.0, 5.0, 5.0, 60.0, 60.0, 60.0, 60.0, 60.0, 60.0], 0.9) == 60.0
    assert percentile([5.0, 60.0, 60.0], 0.9) == 60.0


# -- a window -------------------------------------------------------------------------------------------

def test_no_data_gives_zeros_and_no_rates():
    stats = day()
    assert stats.mentions == 0 and stats.mentions_by_kind == {}
    assert (stats.needing_answer, stats.answered, stats.response_rate) == (0, 0, None)
    assert (stats.first_response_median, stats.first_response_p90) == (None, None)
    assert (stats.sla_breaches, stats.escalations, stats.follow_backs, stats.leaderboard) == (0, 0, 0, ())
    assert stats.usage == () and stats.cost_usd == 0.0


def test_one_answered_question():
    stats = day(mention("1", "question", 120), action(EventKind.REPLY, "1", 110))
    assert stats.mentions_by_kind == {"question": 1}
    assert (stats.needing_answer, stats.answered, stats.response_rate) == (1, 1, 1.0)
    assert stats.first_response_median == stats.first_response_p90 == 10 * MINUTE
    assert stats.sla_breaches == 0
    assert [(p.user, p.replies) for p in stats.leaderboard] == [("U0ALICE", 1)]


def test_only_the_first_successful_reply_times_the_response():
    stats = day(mention("1", "complaint", 120),
                action(EventKind.REPLY, "1", 115, result="duplicate"),  # X refused it: not an answer
                action(EventKind.REPLY, "1", 100), action(EventKind.REPLY, "1", 50, user="U0BOB"))
    assert stats.first_response_median == 20 * MINUTE
    assert [(p.user, p.replies) for p in stats.leaderboard] == [("U0ALICE", 1), ("U0BOB", 1)]


def test_counts_kinds_rates_and_breaches_over_the_window():
    stats = day(
        mention("old", "question", 25 * 60),  # before the window: not counted
        mention("q1", "question", 300), action(EventKind.REPLY, "q1", 290),  # 10 min
        mention("q2", "question", 200), action(EventKind.REPLY, "q2", 140, user="U0BOB"),  # 60 min: breach
        mention("c1", "complaint", 100),  # open for 100 min: breach
        mention("c2", "complaint", 20),  # open for 20 min: within the SLA
        mention("c3", "complaint", 90), action(EventKind.DISMISS, "c3", 85),  # closed in 5 min, unanswered
        mention("p1", "praise", 60), mention("s1", "spam", 50), mention("s2", "spam", 40),
        action(EventKind.REPLY, "old", 30),  # answers a mention from before the window: counts for Alice only
    )
    assert stats.mentions_by_kind == {"complaint": 3, "question": 2, "spam": 2, "praise": 1}
    assert stats.mentions == 8
    assert (stats.needing_answer, stats.answered) == (5, 2)
    assert stats.response_rate == pytest.approx(0.4)
    assert stats.first_response_median == 35 * MINUTE
    assert stats.sla_breaches == 2
    assert [(p.user, p.replies) for p in stats.leaderboard] == [("U0ALICE", 2), ("U0BOB", 1)]


def test_an_answer_at_exactly_the_sla_is_a_breach_as_the_nudge_would_have_fired():
    assert day(mention("1", "question", 60), action(EventKind.REPLY, "1", 30)).sla_breaches == 1
    assert day(mention("1", "question", 60), action(EventKind.REPLY, "1", 31)).sla_breaches == 0


def test_leaderboard_ranks_by_replies_then_escalations_then_follow_backs():
    stats = day(action(EventKind.ESCALATE, "1", 10, user="U0CAROL"),
                action(EventKind.FOLLOW_BACK, None, 9, user="U0BOB"), action(EventKind.FOLLOW_BACK, None, 8, user="U0BOB"),
                action(EventKind.ESCALATE, "2", 7, user="U0BOB"),
                action(EventKind.FOLLOW_BACK, None, 6, user="U0DAN", result="not_enrolled"))
    assert [(p.user, p.replies, p.escalations, p.follow_backs) for p in stats.leaderboard] == [
        ("U0BOB", 0, 1, 2), ("U0CAROL", 0, 1, 0)]
    assert (stats.escalations, stats.follow_backs) == (2, 2)


def test_sla_escalations_count_as_escalations_but_not_for_anyone():
    stats = day(mention("1", "complaint", 200), action(EventKind.SLA_ESCALATE, "1", 80, user=None),
                action(EventKind.ESCALATE, "1", 70))
    assert (stats.escalations, stats.sla_escalations) == (2, 1)
    assert [(p.user, p.escalations) for p in stats.leaderboard] == [("U0ALICE", 1)]


def test_business_hours_stop_the_sla_clock_overnight():
    hours = business_hours.parse("Mon-Fri 09:00-17:00 UTC")
    # Posted 16:50, answered 09:30 the next day: 10 + 30 business minutes, 16 h 40 min on the wall clock.
    events = [Event(EventKind.MENTION, at=END - 25 * 3600 - 10 * MINUTE, mention_id="1", data={"kind": "question"}),
              Event(EventKind.REPLY, at=END - 8.5 * 3600, mention_id="1", user="U0ALICE")]
    late = compute(events, window="7d", end=END, sla_seconds=SLA)
    in_hours = compute(events, window="7d", end=END, sla_seconds=SLA,
                       elapsed=lambda start, end: business_hours.elapsed(hours, start, end))
    assert late.sla_breaches == 1 and in_hours.sla_breaches == 1
    relaxed = compute(events, window="7d", end=END, sla_seconds=45 * MINUTE,
                      elapsed=lambda start, end: business_hours.elapsed(hours, start, end))
    assert relaxed.sla_breaches == 0
    assert relaxed.first_response_median == 16 * 3600 + 40 * MINUTE


# -- the open queue -------------------------------------------------------------------------------------

def test_open_queue_is_unanswered_questions_and_complaints_oldest_first():
    queue = open_queue([
        mention("a", "complaint", 300), mention("b", "question", 200), mention("c", "question", 100),
        mention("d", "praise", 90), mention("e", "complaint", 80), mention("f", "question", 70),
        action(EventKind.CLAIM, "b", 60, user="U0BOB"), action(EventKind.ESCALATE, "c", 55),
        action(EventKind.REPLY, "a", 50), action(EventKind.DONE, "e", 40), action(EventKind.REPLY, "f", 30, result="duplicate"),
    ])
    assert [(item.mention_id, item.kind, item.claimed_by, item.escalated) for item in queue] == [
        ("b", "question", "U0BOB", False), ("c", "question", None, True), ("f", "question", None, False)]
    assert queue[0].posted_at == END - 200 * MINUTE


def test_unassigning_and_reopening_put_items_back_as_they_were():
    queue = open_queue([
        mention("a", "complaint", 300), mention("b", "question", 200),
        action(EventKind.CLAIM, "a", 250, user="U0BOB"), action(EventKind.UNCLAIM, "a", 240, user="U0BOB"),
        action(EventKind.DONE, "b", 190), action(EventKind.REOPEN, "b", 100),
    ])
    assert [(item.mention_id, item.claimed_by) for item in queue] == [("a", None), ("b", None)]


def test_a_reopened_item_waits_from_its_post_again():
    stats = day(mention("1", "complaint", 60), action(EventKind.DISMISS, "1", 55), action(EventKind.REOPEN, "1", 40))
    assert stats.sla_breaches == 1
    assert day(mention("1", "complaint", 60), action(EventKind.DISMISS, "1", 55)).sla_breaches == 0


# -- windows and X usage --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, window", [("", "24h"), ("7d", "7d"), (" 30D ", "30d"), ("week", None), ("1h", None)])
def test_parse_window(text, window):
    assert parse_window(text) == window


def test_usage_is_reported_for_whole_utc_days_ending_today():
    assert usage_days("24h", END) == ("2026-11-26",)
    assert usage_days("7d", END) == tuple(f"2026-11-{d}" for d in range(20, 27))


def test_usage_is_priced_where_x_publishes_a_price_and_the_rest_is_named():
    lines = usage_lines([
        {"mentions:requests": 10, "mentions:items": 120, "mentions:billed": 120,
         "create_post:requests": 3, "create_post:items": 2, "create_post:billed": 2},
        {"mentions:requests": 5, "mentions:items": 30, "mentions:billed": 30, "likes:requests": 4, "likes:items": 0},
    ])
    assert [(line.endpoint, line.requests, line.items) for line in lines] == [
        ("mentions", 15, 150), ("create_post", 3, 2), ("likes", 4, 0)]
    assert lines[0].cost_usd == pytest.approx(0.150) and lines[1].cost_usd == pytest.approx(0.030)
    assert lines[2].cost_usd is None


def test_re_reads_within_a_utc_day_are_counted_but_not_priced():
    [line] = usage_lines([{"mentions:requests": 22, "mentions:items": 56, "mentions:billed": 21}])
    assert (line.items, line.billed) == (56, 21)
    assert line.cost_usd == pytest.approx(0.021)


def test_window_stats_carry_the_usage_of_its_days():
    stats = day(usage={"2026-11-25": {"mentions:requests": 9, "mentions:items": 900, "mentions:billed": 900},
                       "2026-11-26": {"mentions:requests": 2, "mentions:items": 7, "mentions:billed": 7,
                                      "follows:requests": 1, "follows:items": 0}})
    assert stats.cost_usd == pytest.approx(0.007)
    assert stats.unpriced == ("follows",)
