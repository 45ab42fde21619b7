"""The bookings' timers, run by `elp tick`: a delivered booking the seeking school has not
confirmed completes by itself BOOKING_AUTO_COMPLETE_DAYS after delivery; and the reminders
to mark a booking delivered, to confirm it, and to leave feedback.

Each completion is a compare-and-set on the booking's version in its own transaction, so of
two ticks (or a tick and the seeking school's own "Confirm completed") exactly one acts.
"""

from datetime import timedelta

from sqlalchemy import select

from elp.bookings.models import Booking, BookingStatus, Feedback
from elp.bookings.transitions import BOOKING
from elp.bookings.waiting import FEEDBACK_PROMPT_DAYS, last_session_date
from elp.errors import ActionRefused
from elp.extensions import db
from elp.notifications.in_app import claim_reminder, notify
from elp.parties import Party
from elp.settings import services as settings
from elp.timeutil import UK_TIME, format_date
from elp.unit_of_work import unit_of_work

BOOKING_PAGE = "bookings.show"


def complete_delivered_bookings(now):
    """Complete every booking delivered long enough ago. Return how many this tick did."""
    cutoff = completion_cutoff(now)
    due = db.session.scalars(
        select(Booking.id)
        .where(Booking.status == BookingStatus.DELIVERED, Booking.delivered_at <= cutoff)
        .order_by(Booking.id)
    ).all()
    return sum(complete_booking(db.session.get(Booking, booking_id), now) for booking_id in due)


def completion_cutoff(now):
    """Bookings delivered at or before this moment are due to complete."""
    return now - timedelta(days=settings.auto_complete_days())


def complete_booking(booking, now):
    """Complete one booking as it was read, in its own transaction. False, changing
    nothing, if it changed since it was read or is not due."""
    try:
        with unit_of_work():
            if booking.delivered_at is None or booking.delivered_at > completion_cutoff(now):
                return False
            booking.completed_at = now
            BOOKING.apply(booking, "complete", Party.SYSTEM, None)
    except ActionRefused:
        # Another tick completed it, or the seeking school confirmed it meanwhile.
        db.session.rollback()
        return False
    return True


# --- Reminders ------------------------------------------------------------------------------
# Each is sent once: claimed by `notifications.in_app.claim_reminder` in the transaction that
# notifies, one booking per transaction, so overlapping ticks send it exactly once.

COMPLETION_NOTICE = timedelta(days=3)  # before a delivered booking completes by itself
FEEDBACK_AFTER = timedelta(days=3)  # after completion, if a school has not written


def send_booking_reminders(now):
    """Remind the offering school to mark delivered a booking whose last session has
    passed, the seeking school to confirm a delivered booking 3 days before it completes by
    itself, and each school that has not left feedback 3 days after completion. Return how
    many reminders this tick sent."""
    return _delivery_reminders(now) + _completion_reminders(now) + _feedback_reminders(now)


def _delivery_reminders(now):
    today = now.astimezone(UK_TIME).date()
    started = db.session.execute(
        select(Booking.id, Booking.latest_end, Booking.session_dates)
        .where(Booking.status == BookingStatus.CONFIRMED, Booking.earliest_start < today)
        .order_by(Booking.id)
    ).all()
    due = [row.id for row in started if last_session_date(row) < today]
    return sum(
        _remind(booking_id, "delivery_reminder", now, BookingStatus.CONFIRMED, _ask_to_deliver)
        for booking_id in due
    )


def _completion_reminders(now):
    cutoff = completion_cutoff(now) + COMPLETION_NOTICE
    due = db.session.scalars(
        select(Booking.id)
        .where(Booking.status == BookingStatus.DELIVERED, Booking.delivered_at <= cutoff)
        .order_by(Booking.id)
    ).all()
    return sum(
        _remind(booking_id, "completion_reminder", now, BookingStatus.DELIVERED, _ask_to_confirm)
        for booking_id in due
    )


def _feedback_reminders(now):
    due = db.session.execute(
        select(Booking.id, Booking.seeking_school_id, Booking.offering_school_id)
        .where(
            Booking.status == BookingStatus.COMPLETED,
            Booking.completed_at <= now - FEEDBACK_AFTER,
            # No older than the home page asks for it: a booking completed long before
            # this reminder existed is not brought up again.
            Booking.completed_at >= now - timedelta(days=FEEDBACK_PROMPT_DAYS),
        )
        .order_by(Booking.id)
    ).all()
    sent = 0
    for booking_id, *school_ids in due:
        for school_id in school_ids:
            sent += _remind_about_feedback(booking_id, school_id, now)
    return sent


def _remind(booking_id, kind, now, status, tell):
    """Send one booking's reminder once, if the booking is still in `status`."""
    with unit_of_work():
        booking = db.session.get(Booking, booking_id)
        if booking.status != status or not claim_reminder(kind, f"booking:{booking_id}", now):
            return False
        tell(booking)
    return True


def _ask_to_deliver(booking):
    last = last_session_date(booking)
    notify(
        booking.offering_school_id,
        "delivery_reminder",
        f"The last session of ‘{booking.offer_title}’ for {booking.seeking_school.name} was on "
        f"{format_date(last)}: mark it as delivered",
        BOOKING_PAGE,
        booking_id=booking.id,
    )


def _ask_to_confirm(booking):
    completes_on = booking.delivered_at + timedelta(days=settings.auto_complete_days())
    notify(
        booking.seeking_school_id,
        "completion_reminder",
        f"Confirm ‘{booking.offer_title}’ from {booking.offering_school.name} is completed: "
        f"it completes by itself on {format_date(completes_on)}",
        BOOKING_PAGE,
        booking_id=booking.id,
    )


def _remind_about_feedback(booking_id, school_id, now):
    with unit_of_work():
        written = db.session.scalar(
            select(Feedback.id).where(
                Feedback.booking_id == booking_id, Feedback.author_school_id == school_id
            )
        )
        if written or not claim_reminder(
            "feedback_reminder", f"booking:{booking_id}:school:{school_id}", now
        ):
            return False
        booking = db.session.get(Booking, booking_id)
        other = (
            booking.offering_school
            if school_id == booking.seeking_school_id
            else booking.seeking_school
        )
        notify(
            school_id,
            "feedback_reminder",
            f"Leave your feedback on ‘{booking.offer_title}’ with {other.name}",
            BOOKING_PAGE,
            booking_id=booking_id,
        )
    return True
