"""Periods of days in UK time, and the months and weeks reports count by.

A report's period runs from the start of its first day to the end of its last day, in UK
time (the days and months a school means); the database keeps UTC, so each boundary is
UK midnight converted to UTC.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from elp.timeutil import UK_TIME, utcnow

# Dates outside these years are refused: no figure is older than the service, and the
# day after the last day must still be a date.
FIRST_YEAR, LAST_YEAR = 2000, 2099
# Reports count by month; this many months at most, so the month expression stays small.
MAX_MONTHS = 120


def uk_midnight(day):
    """The UTC moment a UK day begins (midnight always exists in UK time)."""
    return datetime.combine(day, time(0), tzinfo=UK_TIME).astimezone(UTC)


def today_in_uk(now=None):
    return (now or utcnow()).astimezone(UK_TIME).date()


@dataclass(frozen=True)
class Month:
    key: str  # "2025-04", as a CSV file names it
    label: str  # "April 2025"
    short_label: str  # "Apr 2025", for chart axes
    start: datetime  # UTC, included
    end: datetime  # UTC, excluded


@dataclass(frozen=True)
class Period:
    """From the first day to the last day, both included; either may be open (None)."""

    first_day: date | None = None
    last_day: date | None = None

    @property
    def start(self):
        """The first moment in the period (UTC), or None for no lower bound."""
        return uk_midnight(self.first_day) if self.first_day else None

    @property
    def end(self):
        """The first moment after the period (UTC), or None for no upper bound."""
        return uk_midnight(self.last_day + timedelta(days=1)) if self.last_day else None

    def within(self, column):
        """SQL conditions: the timestamp column falls in the period."""
        conditions = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column < self.end)
        return conditions

    def months(self):
        """The calendar months the period touches, each cut to the period; needs both days."""
        months = []
        first = self.first_day.replace(day=1)
        while first <= self.last_day:
            following = (first + timedelta(days=31)).replace(day=1)
            start = max(first, self.first_day)
            end = min(following, self.last_day + timedelta(days=1))
            months.append(
                Month(
                    f"{first:%Y-%m}",
                    f"{first:%B %Y}",
                    f"{first:%b %Y}",
                    uk_midnight(start),
                    uk_midnight(end),
                )
            )
            first = following
        return months

    def describe(self):
        """The period in words: "1 April 2025 to 31 March 2026"."""
        if self.first_day and self.last_day:
            return f"{_long(self.first_day)} to {_long(self.last_day)}"
        if self.first_day:
            return f"from {_long(self.first_day)}"
        if self.last_day:
            return f"up to {_long(self.last_day)}"
        return "all time"

    def query_args(self):
        """The period as the filter forms' query-string arguments (day, month, year)."""
        args = {}
        for name, day in (("start_date", self.first_day), ("end_date", self.last_day)):
            if day:
                args[name] = [str(day.day), str(day.month), str(day.year)]
        return args


def _long(day):
    return f"{day.day} {day:%B %Y}"


def last_twelve_months(today):
    """The default report period: the eleven whole months before this one, and this month
    to today."""
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, today)


def this_week(now=None):
    """Monday of this UK week to today."""
    today = today_in_uk(now)
    return Period(today - timedelta(days=today.weekday()), today)


def month_count(first_day, last_day):
    return (last_day.year - first_day.year) * 12 + last_day.month - first_day.month + 1
