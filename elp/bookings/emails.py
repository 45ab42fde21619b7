"""What the bookings' notification emails say beyond their one sentence: who acted for
which school, the booked terms, the reason for a cancellation, and by when the other school
must act (`notifications.email_details.EmailDetails`)."""

from datetime import timedelta

from elp.notifications.email_details import EmailDetails, acted_by, quote, terms_of
from elp.settings import services as settings
from elp.timeutil import format_date


def booking_details(booking, user, *, quoted_heading="", quoted="", deadline=""):
    return EmailDetails(
        acted_by=acted_by(user),
        about=(
            f"This is {booking.seeking_school.name}’s booking of ‘{booking.offer_title}’ "
            f"from {booking.offering_school.name}"
        ),
        terms_heading="The booking",
        terms=terms_of(booking, booking.unit),
        quoted_heading=quoted_heading,
        quoted=quote(quoted) if quoted else "",
        deadline=deadline,
        next_step="See the booking on ELP Exchange",
    )


def delivered_details(booking, user):
    """Marked delivered: the seeking school confirms, or it completes by itself."""
    completes_on = booking.delivered_at + timedelta(days=settings.auto_complete_days())
    return booking_details(
        booking,
        user,
        deadline=(
            f"Confirm it is completed, or report a problem, by {format_date(completes_on)}. "
            "If you do neither, the booking completes by itself then."
        ),
    )


def cancelled_details(booking, user):
    return booking_details(
        booking, user, quoted_heading="Their reason", quoted=booking.cancellation_reason
    )
