"""Session dates set after booking: on a confirmed booking either school sets them, within
the agreed window, and either may change them. Each change is a new `SessionDatesChange`
row, never edited; the newest is in force and is copied to the booking's `session_dates`
(what its pages, lists and calendar file read). The other school is told.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from elp.bookings import emails, services
from elp.bookings.models import SessionDatesChange
from elp.errors import InvalidInput
from elp.extensions import db
from elp.offers import services as offers
from elp.timeutil import format_date

# More dates than anyone books in one go; it bounds what a form may post.
SESSION_DATES_MAX = 50
# Units counted one a day: a booking of 3 days has at most 3 session dates. Hours are not:
# 10 hours may fall on any number of days.
ONE_DATE_A_UNIT = ("day", "half_day", "session")


def check_can_set_session_dates(booking, user):
    return services.check_allowed(booking, "set_session_dates", user)


def set_session_dates(booking, user, days, started_from=None):
    """Set (or change) the session dates of a confirmed booking: a new version each time,
    the newest in force. The dates lie within the agreed window and, for units counted one a
    day, are no more than the quantity. The other school is told."""
    check_can_set_session_dates(booking, user)
    services.check_version(booking, started_from)
    days = list(days)
    if not days:
        raise InvalidInput("session_dates", "Enter at least one session date")
    if len(set(days)) != len(days):
        raise InvalidInput("session_dates", "Enter each session date once")
    if len(days) > SESSION_DATES_MAX:
        raise InvalidInput("session_dates", f"Enter {SESSION_DATES_MAX} session dates or fewer")
    start, end = booking.earliest_start, booking.latest_end
    outside = [day for day in sorted(days) if not start <= day <= end]
    if outside:
        raise InvalidInput(
            "session_dates",
            f"Each session date must be between {format_date(start)} and {format_date(end)}, "
            f"the agreed dates ({format_date(outside[0])} is not)",
        )
    if booking.unit in ONE_DATE_A_UNIT and len(days) > booking.quantity:
        unit = offers.UNITS.get(booking.unit, booking.unit)
        raise InvalidInput(
            "session_dates",
            f"Enter {booking.quantity} session {services.plural('date', booking.quantity)} or fewer: "
            f"the booking is for {booking.quantity} {services.plural(unit, booking.quantity)}",
        )
    days = sorted(days)
    if days == booking.session_days:
        raise InvalidInput("session_dates", "These are the session dates already")
    earlier = list(booking.session_dates or [])
    iso = [day.isoformat() for day in days]
    db.session.add(
        SessionDatesChange(
            booking=booking, session_dates=iso, set_by_school_id=user.school_id, set_by_id=user.id
        )
    )
    booking.session_dates = iso
    services.apply(booking, "set_session_dates", user, session_dates=iso)
    services.tell_other_school(
        booking,
        user,
        "session_dates",
        ("changed" if earlier else "set") + " the session dates for ‘{title}’",
        details=emails.session_dates_details(booking, user, earlier),
    )


def session_date_changes(booking):
    """The versions of the booking's session dates set after booking, newest first."""
    return db.session.scalars(
        select(SessionDatesChange)
        .where(SessionDatesChange.booking_id == booking.id)
        .options(joinedload(SessionDatesChange.set_by_school))
        .order_by(SessionDatesChange.id.desc())
    ).all()
