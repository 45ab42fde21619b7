"""What the bookings' notification emails say beyond their one sentence: who acted for
which school, the booked terms, the reason for a cancellation, and by when the other school
must act (`notifications.email_details.EmailDetails`)."""

from dataclasses import replace
from datetime import date, timedelta

from elp.notifications.email_details import EmailDetails, acted_by, quote, terms_of
from elp.settings import services as settings
from elp.timeutil import format_date


def booking_details(booking, user, *, quoted_heading="", quoted="", deadline=""):
    return EmailDetails(
        acted_by=acted_by(user) if user is not None else "",
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


def problem_reported_details(booking, user):
    """A problem reported on a delivered booking: the reason, and what happens next."""
    return booking_details(
        booking,
        user,
        quoted_heading="The problem they reported",
        quoted=booking.dispute_reason,
        deadline=(
            "The booking will not complete by itself now. An ELP admin will look at the problem "
            "and decide whether the booking is completed or cancelled."
        ),
    )


def resolved_details(booking, outcome):
    """An ELP admin settled a disputed booking: the decision and its reason."""
    if outcome == "completed":
        decision = "The booking is completed, and its service charge stays due."
    else:
        decision = (
            "The booking is cancelled: its service charge follows the booking’s cancellation "
            "terms, and the units go back to the offer."
        )
    details = booking_details(
        booking, None, quoted_heading="ELP’s reason", quoted=booking.resolution_reason
    )
    return replace(details, extra=(decision,))


def session_dates_details(booking, user, earlier=None):
    """Session dates set or changed: the booking's terms carry the new dates; a change also
    says what the dates were."""
    extra = ()
    if earlier:
        days = [date.fromisoformat(day) for day in earlier]
        extra = (f"The session dates were {', '.join(format_date(day) for day in days)}.",)
    return replace(booking_details(booking, user), extra=extra)
