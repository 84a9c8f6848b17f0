from birdhouse.store.ratelimits import RateLimit
from workers.pacing import next_poll_delay, overlap_since_id

NOW = 1_000_000.0


def test_without_rate_limit_headers_the_configured_interval_holds():
    assert next_poll_delay(60, None, NOW) == 60


def test_plenty_of_budget_keeps_the_configured_interval():
    assert next_poll_delay(60, RateLimit(limit=300, remaining=290, reset_at=NOW + 600), NOW) == 60


def test_scarce_budget_spreads_the_remaining_calls_over_the_window():
    assert next_poll_delay(10, RateLimit(limit=300, remaining=5, reset_at=NOW + 600), NOW) == 120


def test_a_poll_of_several_pages_spreads_the_polls_the_budget_leaves():
    assert next_poll_delay(1, RateLimit(limit=300, remaining=300, reset_at=NOW + 900), NOW, requests=3) == 9


def test_polls_of_several_pages_keep_their_pace_until_the_reset():
    """Three pages a poll, spaced as if each page were a poll, ran the budget down ever faster: in
    bench/soak.py (10,000 mentions in 10 minutes) 2 calls were left 5 minutes before the reset, polls 150 s
    apart while X's 800 newest mentions covered 48 s. Spaced by the polls left, the pace holds to the reset."""
    remaining, now, delays = 300, NOW, []
    while remaining >= 3:
        delays.append(next_poll_delay(1, RateLimit(300, remaining, reset_at=NOW + 900), now, requests=3))
        remaining, now = remaining - 3, now + delays[-1]
    assert max(delays) == min(delays) == 9
    assert now == NOW + 900


def test_a_poll_costing_more_than_is_left_waits_no_longer_than_the_reset():
    assert next_poll_delay(1, RateLimit(limit=300, remaining=2, reset_at=NOW + 30), NOW, requests=8) == 31


def test_exhausted_budget_waits_for_the_reset():
    assert next_poll_delay(10, RateLimit(limit=300, remaining=0, reset_at=NOW + 300), NOW) == 301


def test_reset_in_the_past_does_not_produce_a_negative_delay():
    assert next_poll_delay(5, RateLimit(limit=300, remaining=0, reset_at=NOW - 50), NOW) == 5


def test_settled_posts_move_the_cursor_and_recent_ones_are_read_again():
    seen = [("100", NOW - 60), ("200", NOW - 30), ("300", NOW - 5), ("400", NOW)]
    assert overlap_since_id(seen, 10, current=None, now=NOW) == "200"


def test_once_everything_has_settled_nothing_is_read_again():
    seen = [("100", NOW - 60), ("200", NOW - 30)]
    assert overlap_since_id(seen, 10, current="50", now=NOW) == "200"


def test_a_first_poll_of_only_recent_posts_starts_just_below_them():
    assert overlap_since_id([("400", NOW), ("390", NOW - 2)], 10, current=None, now=NOW) == "389"


def test_the_cursor_never_moves_backwards():
    assert overlap_since_id([("100", NOW - 60)], 10, current="250", now=NOW) == "250"
    assert overlap_since_id([("400", NOW)], 10, current="300", now=NOW) == "300"
    assert overlap_since_id([], 10, current="300", now=NOW) == "300"
    assert overlap_since_id([], 10, current=None, now=NOW) is None


def test_ids_compare_as_numbers_not_strings():
    seen = [("99", NOW - 60), ("1000", NOW)]
    assert overlap_since_id(seen, 10, current="9", now=NOW) == "99"

