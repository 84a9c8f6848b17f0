"""Business hours for the response-time SLA: "Mon-Fri 09:00-18:00 Europe/London".

A question posted on Saturday evening has not waited on the team until Monday morning. ``elapsed`` counts only
the seconds inside business hours, day by day in the team's own time zone, so daylight-saving changes fall
where they should.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(r"^\s*(?P<days>\S+)\s+(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})\s+(?P<zone>\S+)\s*$")
EXAMPLE = "Mon-Fri 09:00-18:00 Europe/London"


@dataclass(frozen=True)
class BusinessHours:
    weekdays: frozenset[int]  # Monday is 0, as datetime.weekday()
    opens: time
    closes: time
    zone: str

    def __str__(self) -> str:
        return f"{_day_ranges(self.weekdays)} {self.opens:%H:%M}-{self.closes:%H:%M} {self.zone}"


def _day_ranges(weekdays: frozenset[int]) -> str:
    """Mon-Fri rather than Mon,Tue,Wed,Thu,Fri."""
    runs: list[list[int]] = []
    for day in sorted(weekdays):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = [DAYS[day].capitalize() for day in range(7)]
    return ",".join(names[run[0]] if len(run) == 1 else f"{names[run[0]]}-{names[run[-1]]}" for run in runs)


def parse(raw: str) -> BusinessHours:
    """Parse "<days> HH:MM-HH:MM <IANA zone>", days as ranges and lists (Mon-Fri, Mon,Wed,Fri, Sun-Tue);
    a ValueError says what is wrong."""
    match = _SPEC.match(raw)
    if not match:
        raise ValueError(f"expected days, hours and a time zone, such as {EXAMPLE!r}")
    opens, closes = _clock_time(match["open"]), _clock_time(match["close"])
    if closes <= opens:
        raise ValueError(f"the day must end after it starts ({match['open']}-{match['close']})")
    try:
        ZoneInfo(match["zone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {match['zone']!r} (use an IANA name such as Europe/London)") from None
    return BusinessHours(_weekdays(match["days"]), opens, closes, match["zone"])


def _clock_time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text} is not a time of day")
    return time(hours, minutes)


def _weekday(name: str) -> int:
    try:
        return DAYS.index(name.strip().lower()[:3])
    except ValueError:
        raise ValueError(f"{name!r} is not a day (use Mon, Tue, … Sun)") from None


def _weekdays(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        start = _weekday(first)
        end = _weekday(last) if last else start
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return frozenset(days)


def elapsed(hours: BusinessHours | None, start: float, end: float) -> float:
    """Seconds between two instants (epoch seconds) that fall inside business hours; all of them when
    there are no business hours."""
    if end <= start:
        return 0.0
    if hours is None:
        return end - start
    zone = ZoneInfo(hours.zone)
    total = 0.0
    day: date = datetime.fromtimestamp(start, zone).date()
    last: date = datetime.fromtimestamp(end, zone).date()
    while day <= last:
        if day.weekday() in hours.weekdays:
            opens = datetime.combine(day, hours.opens, zone).timestamp()
            closes = datetime.combine(day, hours.closes, zone).timestamp()
            total += max(0.0, min(end, closes) - max(start, opens))
        day += timedelta(days=1)
    return total
