"""The bookings that wait on a school, for its "What needs you" page and the menu's count:

- the offering school marks a booking delivered once its last session date (or, without
  session dates, the end of its window) has passed;
- the seeking school confirms a delivered booking, before it completes by itself;
- either school writes its feedback on a completed booking, for FEEDBACK_PROMPT_DAYS.

One statement, whatever the number of bookings. The list reads the last session date from
the booking's session dates in Python; the menu's count reads it in SQL (each dialect has
its own JSON function), and the tests hold the two to the same answer.
"""

from datetime import date, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, exists, func, or_, select

from elp.accounts import services as accounts
from elp.bookings.models import Booking, BookingStatus, Feedback
from elp.extensions import db
from elp.settings import services as settings
from elp.timeutil import UK_TIME, utcnow
from elp.urls import path_for
from elp.waiting import BOOKINGS, Waiting

# How long after completion a school is asked for its feedback, on its home page.
FEEDBACK_PROMPT_DAYS = 30
SCHOOL, TODAY, SINCE = bindparam("school_id"), bindparam("today"), bindparam("since")
TODAY_TEXT = bindparam("today_text")
# The confirmed bookings read for the next session: the earliest to start. A later-starting
# booking with an earlier session is past the window of these few only in odd cases.
NEXT_SESSION_CANDIDATES = 20


def last_session_date(booking_row):
    """The last agreed session date, or the end of the window when none were set."""
    days = [date.fromisoformat(str(day)) for day in booking_row.session_dates or []]
    return max(days) if days else booking_row.latest_end


def feedback_missing(school_id):
    """SQL condition: the school has not written feedback on the booking."""
    return ~exists().where(
        Feedback.booking_id == Booking.id, Feedback.author_school_id == school_id
    )


@cache
def _statement():
    other_school = accounts.school_names()
    other_id = case(
        (Booking.seeking_school_id == SCHOOL, Booking.offering_school_id),
        else_=Booking.seeking_school_id,
    )
    party = or_(Booking.seeking_school_id == SCHOOL, Booking.offering_school_id == SCHOOL)
    return (
        select(
            Booking.id,
            Booking.offer_title,
            Booking.status,
            Booking.offering_school_id,
            Booking.latest_end,
            Booking.session_dates,
            Booking.delivered_at,
            other_school.c.name.label("other_school"),
        )
        .join(other_school, other_school.c.id == other_id)
        .where(
            or_(
                # Started, so perhaps delivered; the last session date is checked in Python.
                and_(
                    Booking.offering_school_id == SCHOOL,
                    Booking.status == BookingStatus.CONFIRMED,
                    Booking.earliest_start < TODAY,
                ),
                and_(
                    Booking.seeking_school_id == SCHOOL,
                    Booking.status == BookingStatus.DELIVERED,
                ),
                and_(
                    party,
                    Booking.status == BookingStatus.COMPLETED,
                    Booking.completed_at >= SINCE,
                    feedback_missing(SCHOOL),
                ),
            )
        )
        .order_by(Booking.id)
    )


def bookings_waiting(school_id, now=None):
    """The bookings waiting on the school, as `Waiting` items, the most urgent first."""
    now = now or utcnow()
    today = now.astimezone(UK_TIME).date()
    rows = db.session.execute(
        _statement(),
        {
            "school_id": school_id,
            "today": today,
            "since": now - timedelta(days=FEEDBACK_PROMPT_DAYS),
        },
    ).all()
    completes_after = None
    items = []
    for row in rows:
        link = path_for("bookings.show", booking_id=row.id)
        title, school = row.offer_title, row.other_school
        if row.status == BookingStatus.CONFIRMED:
            last = last_session_date(row)
            if last < today:
                items.append(
                    Waiting(
                        BOOKINGS,
                        f"Mark ‘{title}’ for {school} as delivered",
                        link,
                        last,
                        "Last session",
                    )
                )
        elif row.status == BookingStatus.DELIVERED:
            if completes_after is None:
                completes_after = timedelta(days=settings.auto_complete_days())
            completes_on = (
                (row.delivered_at + completes_after).astimezone(UK_TIME).date()
                if row.delivered_at is not None
                else None
            )
            items.append(
                Waiting(
                    BOOKINGS,
                    f"Confirm ‘{title}’ from {school} is completed",
                    link,
                    completes_on,
                    "Completes by itself on",
                )
            )
        else:
            items.append(Waiting(BOOKINGS, f"Leave feedback on ‘{title}’ with {school}", link))
    return sorted(items, key=Waiting.sort_key)


def bookings_waiting_count(dialect_name):
    """The same count as a scalar subquery, for the menu to read with the other sections'
    counts in one statement, with the parameters of `count_parameters`. The last session
    date is read from the JSON list in SQL here (each dialect has its own function for it);
    `bookings_waiting` reads it in Python, and the tests hold the two to the same answer."""
    if dialect_name == "postgresql":
        dates = func.json_array_elements_text(Booking.session_dates).table_valued("value")
    else:
        dates = func.json_each(Booking.session_dates).table_valued("value")
    # ISO dates compare as text in date order; no session dates gives NULL, and the end of
    # the window decides (every session date lies within the window).
    last_session = select(func.max(dates.c.value)).scalar_subquery()
    party = or_(Booking.seeking_school_id == SCHOOL, Booking.offering_school_id == SCHOOL)
    return (
        select(func.count(Booking.id))
        .where(
            or_(
                and_(
                    Booking.offering_school_id == SCHOOL,
                    Booking.status == BookingStatus.CONFIRMED,
                    Booking.earliest_start < TODAY,
                    or_(Booking.latest_end < TODAY, last_session < TODAY_TEXT),
                ),
                and_(
                    Booking.seeking_school_id == SCHOOL, Booking.status == BookingStatus.DELIVERED
                ),
                and_(
                    party,
                    Booking.status == BookingStatus.COMPLETED,
                    Booking.completed_at >= SINCE,
                    feedback_missing(SCHOOL),
                ),
            )
        )
        .scalar_subquery()
    )


def count_parameters(now=None):
    """The parameters of `bookings_waiting_count`, as of `now`, besides `school_id`."""
    now = now or utcnow()
    today = now.astimezone(UK_TIME).date()
    return {
        "today": today,
        "today_text": today.isoformat(),
        "since": now - timedelta(days=FEEDBACK_PROMPT_DAYS),
    }


def next_session(school_id, now=None):
    """The school's next confirmed booking to begin, as a `Waiting` item dated with its
    first session still to come (or the start of its window); None if there is none."""
    today = (now or utcnow()).astimezone(UK_TIME).date()
    rows = db.session.execute(
        select(Booking.id, Booking.offer_title, Booking.earliest_start, Booking.session_dates)
        .where(
            or_(Booking.seeking_school_id == school_id, Booking.offering_school_id == school_id),
            Booking.status == BookingStatus.CONFIRMED,
            Booking.latest_end >= today,
        )
        .order_by(Booking.earliest_start, Booking.id)
        .limit(NEXT_SESSION_CANDIDATES)
    ).all()
    upcoming = []
    for booking_id, title, earliest_start, session_dates in rows:
        days = sorted(
            d for d in (date.fromisoformat(str(s)) for s in session_dates or []) if d >= today
        )
        start = days[0] if days else (earliest_start if earliest_start >= today else None)
        if start is not None:
            upcoming.append((start, booking_id, title))
    if not upcoming:
        return None
    start, booking_id, title = min(upcoming)
    return Waiting(
        BOOKINGS,
        f"‘{title}’",
        path_for("bookings.show", booking_id=booking_id),
        start,
        "Next session",
    )
