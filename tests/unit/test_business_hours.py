from datetime import UTC, datetime

import pytest

from birdhouse.business_hours import elapsed, parse

LONDON_WEEKDAYS = parse("Mon-Fri 09:00-18:00 Europe/London")
HOUR = 3600.0


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_without_business_hours_every_second_counts():
    assert elapsed(None, at("2026-11-28T22:00"), at("2026-11-29T01:30")) == 3.5 * HOUR


def test_a_post_on_saturday_evening_starts_waiting_on_monday_morning():
    # November: London is on UTC. Saturday 20:00 to Monday 09:30 is half an hour of business time.
    assert elapsed(LONDON_WEEKDAYS, at("2026-11-28T20:00"), at("2026-11-30T09:30")) == 0.5 * HOUR


def test_counts_each_business_day_in_between():
    # Friday 17:00 → Tuesday 10:00: 1 h Friday + 9 h Monday + 1 h Tuesday.
    assert elapsed(LONDON_WEEKDAYS, at("2026-11-27T17:00"), at("2026-12-01T10:00")) == 11 * HOUR


def test_business_hours_follow_the_zone_across_daylight_saving():
    # In July London is UTC+1: 09:00 London is 08:00 UTC.
    assert elapsed(LONDON_WEEKDAYS, at("2026-07-01T07:00"), at("2026-07-01T08:30")) == 0.5 * HOUR


def test_an_end_before_the_start_is_no_time():
    assert elapsed(LONDON_WEEKDAYS, at("2026-11-30T12:00"), at("2026-11-30T11:00")) == 0.0
    assert elapsed(None, 10.0, 5.0) == 0.0


@pytest.mark.parametrize("spec, shown", [
    ("Mon-Fri 09:00-18:00 Europe/London", "Mon-Fri 09:00-18:00 Europe/London"),
    ("mon,wed,fri 8:30-17:00 America/New_York", "Mon,Wed,Fri 08:30-17:00 America/New_York"),
    ("Sat-Mon 10:00-14:00 UTC", "Mon,Sat-Sun 10:00-14:00 UTC"),
])
def test_parses_day_ranges_lists_and_wrapping_weeks(spec, shown):
    assert str(parse(spec)) == shown


@pytest.mark.parametrize("spec, problem", [
    ("weekdays", "such as"),
    ("Mon-Fri 18:00-09:00 Europe/London", "end after it starts"),
    ("Mon-Fri 09:00-25:00 Europe/London", "not a time of day"),
    ("Mon-Fry 09:00-18:00 Europe/London", "not a day"),
    ("Mon-Fri 09:00-18:00 Mars/Olympus", "unknown time zone"),
])
def test_bad_specs_say_what_is_wrong(spec, problem):
    with pytest.raises(ValueError, match=problem):
        parse(spec)
