"""The bookings' timer, run by `elp tick`: a delivered booking the seeking school has not
confirmed completes by itself BOOKING_AUTO_COMPLETE_DAYS after delivery.

Each completion is a compare-and-set on the booking's version in its own transaction, so of
two ticks (or a tick and the seeking school's own "Confirm completed") exactly one acts.
"""

from datetime import timedelta

from sqlalchemy import select

from elp.bookings.models import Booking, BookingStatus
from elp.bookings.transitions import BOOKING
from elp.errors import ActionRefused
from elp.extensions import db
from elp.parties import Party
from elp.settings import services as settings
from elp.unit_of_work import unit_of_work


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
