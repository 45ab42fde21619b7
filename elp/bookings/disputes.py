"""A problem with a delivered booking: the seeking school reports it instead of confirming
the work completed, and an ELP admin settles it as completed or cancelled.

A disputed booking does not complete by itself (`bookings.timers` completes only delivered
ones). Services add and flush; the view commits once (`elp.unit_of_work`).
"""

from dataclasses import replace

from elp.billing import services as billing
from elp.bookings import emails, services
from elp.bookings.transitions import ADMIN, BOOKING
from elp.errors import InvalidInput
from elp.notifications.in_app import notify, notify_admins
from elp.offers import services as offers
from elp.timeutil import utcnow

REASON_MAX = 1_000


def _reason(text, field, missing):
    text = (text or "").strip().replace("\r\n", "\n")
    if not text:
        raise InvalidInput(field, missing)
    if len(text) > REASON_MAX:
        raise InvalidInput(field, f"The reason must be {REASON_MAX:,} characters or fewer")
    return text


def report_problem(booking, user, reason, started_from=None):
    """The seeking school says the delivered work was not what was agreed, instead of
    confirming it. The booking is disputed: it no longer completes by itself, and both
    schools and the ELP admins are told; an admin settles it (`resolve`)."""
    services.check_allowed(booking, "report_problem", user)
    services.check_version(booking, started_from)
    reason = _reason(reason, "reason", "Enter what the problem is")
    booking.disputed_at = utcnow()
    booking.disputed_by_id = user.id
    booking.dispute_reason = reason
    services.apply(booking, "report_problem", user, reason=reason)
    title = services.shorten(booking.offer_title)
    text = f"{services.shorten(user.school.name)} reported a problem with the booking for ‘{title}’"
    details = emails.problem_reported_details(booking, user)
    for school_id in (booking.seeking_school_id, booking.offering_school_id):
        notify(school_id, "disputed", text, "bookings.show", details=details, booking_id=booking.id)
    notify_admins(
        "disputed",
        text,
        "admin.booking",
        details=replace(details, next_step="See the booking and resolve the problem"),
        booking_id=booking.id,
    )


# How an admin may settle a disputed booking: outcome → the transition's action.
RESOLUTIONS = {"completed": "resolve_completed", "cancelled": "resolve_cancelled"}


def resolve(booking, admin, outcome, reason, started_from=None):
    """An ELP admin settles a disputed booking, with the reason. Resolved as completed, it
    completes and its service charge stays due; resolved as cancelled, it is cancelled as a
    cancellation before delivery is: the charge follows the booking's fee terms and the units
    go back to the offer. Both schools are told."""
    action = RESOLUTIONS.get(outcome)
    if action is None:
        raise InvalidInput("outcome", "Choose whether to resolve it as completed or cancelled")
    BOOKING.check(booking.status, action, ADMIN)
    services.check_version(booking, started_from)
    reason = _reason(reason, "reason", "Enter the reason for the decision")
    now = utcnow()
    booking.resolved_at = now
    booking.resolved_by_id = admin.id
    booking.resolution_reason = reason
    if outcome == "completed":
        booking.completed_at = now
    else:
        booking.cancelled_at = now
        booking.cancelled_by_id = admin.id
        booking.cancellation_reason = reason
    BOOKING.apply(booking, action, ADMIN, admin, reason=reason)
    if outcome == "cancelled":
        offers.give_back_units(booking.offer, booking.quantity)
        billing.booking_cancelled(
            booking, admin, reason="An ELP admin resolved a problem with the booking as cancelled"
        )
    text = (
        f"ELP resolved the problem with the booking for ‘{services.shorten(booking.offer_title)}’: "
        + ("it is completed" if outcome == "completed" else "it is cancelled")
    )
    details = emails.resolved_details(booking, outcome)
    for school_id in (booking.seeking_school_id, booking.offering_school_id):
        notify(school_id, "resolved", text, "bookings.show", details=details, booking_id=booking.id)
