"""Bookings: making one from an accepted proposal, taking its units from the offer's
capacity, finding a school's bookings, and the changes of state after it: session dates set
after booking, delivery, completion, cancellation (which gives the units back), a problem
the seeking school reports, and an ELP admin's settling of it.

Services add and flush; the view or command that carries out the user's action commits once
(`elp.unit_of_work`). Feedback is in `bookings.feedback`, calendar files in
`bookings.calendar`.
"""

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from elp.accounts.services import leads_of_schools
from elp.billing import services as billing
from elp.billing.invoice_email import email_invoices
from elp.bookings.models import Booking, BookingStatus
from elp.bookings.transitions import BOOKING
from elp.errors import ActionRefused, InvalidInput, NotFound
from elp.extensions import db
from elp.notifications.in_app import notify
from elp.offers import services as offers
from elp.timeutil import format_date, uk_today, utcnow
from elp.transitions import changed_meanwhile

CANCELLATION_REASON_MAX = 1_000


def book(request, proposal, user):
    """Freeze the accepted proposal's terms into a booking, in the accepting transaction,
    and levy its service charge.

    The units come off the offer's capacity first, by a conditional UPDATE, so two
    acceptances racing for the last units give exactly one booking.
    """
    offer = request.offer
    if not offers.take_units(offer, proposal.quantity):
        raise ActionRefused(_not_enough_left(offer, proposal.quantity))
    booking = Booking(
        request=request,
        proposal=proposal,
        offer=offer,
        seeking_school_id=request.seeking_school_id,
        offering_school_id=request.offering_school_id,
        agreed_by=user,
        offer_title=offer.title,
        unit=proposal.unit,
        expert_name=offer.expert_name,
        expert_role=offer.expert_role,
        designation=offer.designation,
        quantity=proposal.quantity,
        price_pence=proposal.price_pence,
        total_pence=proposal.total_pence,
        earliest_start=proposal.earliest_start,
        latest_end=proposal.latest_end,
        session_dates=list(proposal.session_dates),
        delivery_mode=proposal.delivery_mode,
        note=proposal.note,
    )
    db.session.add(booking)
    db.session.flush()
    # The service charge is levied in the same transaction: no booking without its charge;
    # its invoice is emailed after the commit.
    email_invoices(billing.levy(booking))
    return booking


def _not_enough_left(offer, quantity):
    left = offer.capacity_left or 0
    unit = offers.UNITS[offer.unit]
    return (
        f"There is not enough capacity left: the offer has {left} {plural(unit, left)} left "
        f"this year and this would book {quantity}. Make a counter-proposal for {left} or fewer."
        if left
        else "There is no capacity left on this offer this year, so it cannot be booked."
    )


def plural(unit, count):
    return unit if count == 1 else f"{unit}s"


# --- Finding bookings ---------------------------------------------------------------------


def booking_of_request(support_request):
    """The booking an agreed request became, or None."""
    return db.session.scalar(select(Booking).where(Booking.request_id == support_request.id))


def booking_for_user(booking_id, user):
    """The booking, if the user's school is one of its two schools; anyone else gets
    NotFound, the same as for a booking that does not exist."""
    booking = db.session.get(
        Booking,
        booking_id,
        options=[joinedload(Booking.seeking_school), joinedload(Booking.offering_school)],
    )
    if booking is None or user.school_id is None or booking.party_of(user.school_id) is None:
        raise NotFound()
    return booking


# The order of the sections on the school's bookings page, and how each is sorted: what
# comes next first for work still to do, the most recent first for the rest.
SECTIONS = (
    BookingStatus.CONFIRMED,
    BookingStatus.DELIVERED,
    BookingStatus.DISPUTED,
    BookingStatus.COMPLETED,
    BookingStatus.CANCELLED,
)


def school_bookings(school, status=None):
    """The bookings the school is a party to, seeking or offering, with both schools loaded
    (one query), grouped {status: [bookings]} in the order of SECTIONS."""
    query = (
        select(Booking)
        .where(or_(Booking.seeking_school_id == school.id, Booking.offering_school_id == school.id))
        .options(joinedload(Booking.seeking_school), joinedload(Booking.offering_school))
        .order_by(
            case((Booking.status == BookingStatus.CONFIRMED, Booking.earliest_start)),
            Booking.updated_at.desc(),
            Booking.id.desc(),
        )
    )
    if status in SECTIONS:
        query = query.where(Booking.status == status)
    grouped = {section: [] for section in SECTIONS}
    for booking in db.session.scalars(query):
        grouped[booking.status].append(booking)
    return grouped


def contacts(booking):
    """{school id: [its leads]} for both schools of the booking, in one query: whom to get in
    touch with about it."""
    return leads_of_schools([booking.seeking_school_id, booking.offering_school_id])


def other_school(booking, school_id):
    """The school on the other side of the booking from this one."""
    if school_id == booking.seeking_school_id:
        return booking.offering_school
    return booking.seeking_school


def check_allowed(booking, action, user):
    """Refuse, with the reason, an action the user's school may not take on the booking now."""
    return BOOKING.check(booking.status, action, booking.party_of(user.school_id))


def actions_for(booking, user):
    """The transitions the user's school may apply now (the buttons on the booking page)."""
    return BOOKING.actions_for(booking.status, booking.party_of(user.school_id))


# --- Changes of state ---------------------------------------------------------------------


def check_version(booking, started_from):
    """Refuse a form filled from an older version of the booking (someone else changed it
    meanwhile); a form without a version is not checked."""
    if started_from is not None and started_from != booking.version:
        raise InvalidInput("version", changed_meanwhile("booking"))


def check_can_deliver(booking, user, today=None):
    """Refuse "Mark as delivered" to anyone but the offering school, and before the first
    session date (or the window's start) has come."""
    check_allowed(booking, "deliver", user)
    first = booking.first_day
    if (today or uk_today()) < first:
        what = "first session" if booking.session_days else "start of the agreed dates"
        raise ActionRefused(
            f"The booking cannot be marked as delivered before the work starts: the {what} "
            f"is on {format_date(first)}. Mark it as delivered after the last session."
        )


def mark_delivered(booking, user, last_session_on, started_from=None, today=None):
    """The offering school says the work is done, and when the last session was; the
    seeking school is asked to confirm it (or to report a problem). `today` is the UK date
    it happens on (the demo plays its stories on the day the work ends)."""
    today = today or uk_today()
    check_can_deliver(booking, user, today)
    check_version(booking, started_from)
    if last_session_on is None:
        raise InvalidInput("last_session_on", "Enter the date of the last session")
    if last_session_on > today:
        raise InvalidInput(
            "last_session_on", "The date of the last session must be today or in the past"
        )
    if last_session_on < booking.first_day:
        what = "first session" if booking.session_days else "start of the agreed dates"
        raise InvalidInput(
            "last_session_on",
            f"The date of the last session must be on or after {format_date(booking.first_day)}, "
            f"the {what}",
        )
    booking.delivered_at = utcnow()
    booking.last_session_on = last_session_on
    apply(booking, "deliver", user, last_session_on=last_session_on.isoformat())
    tell_other_school(booking, user, "delivered", "marked ‘{title}’ as delivered")


def confirm_completed(booking, user, started_from=None):
    """The seeking school confirms the delivered work is complete; feedback opens."""
    check_allowed(booking, "complete", user)
    check_version(booking, started_from)
    booking.completed_at = utcnow()
    apply(booking, "complete", user)


def cancel(booking, user, reason):
    """Cancel a booking not yet delivered, with the reason, and give its units back to the
    offer's capacity. Either school may cancel; the other is told why."""
    check_allowed(booking, "cancel", user)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "Enter the reason for cancelling the booking")
    if len(reason) > CANCELLATION_REASON_MAX:
        raise InvalidInput(
            "reason", f"The reason must be {CANCELLATION_REASON_MAX:,} characters or fewer"
        )
    booking.cancelled_at = utcnow()
    booking.cancelled_by_school_id = user.school_id
    booking.cancelled_by_id = user.id
    booking.cancellation_reason = reason
    apply(booking, "cancel", user, reason=reason)
    offers.give_back_units(booking.offer, booking.quantity)
    # The one place a cancellation reaches billing: the service charge follows the fee
    # terms copied onto the booking, in the same transaction.
    billing.booking_cancelled(booking, user)
    tell_other_school(booking, user, "cancelled", "cancelled the booking for ‘{title}’")


def apply(booking, action, user, **details):
    return BOOKING.apply(booking, action, booking.party_of(user.school_id), user, **details)


# A notification is also an email's subject line: names are shortened to keep it short.
NAME_IN_NOTIFICATION_MAX = 80


def tell_other_school(booking, user, kind, what_happened):
    """Notify every user of the other school (in the app and by email) of what this user's
    school did: `what_happened` names the booking's offer as {title}."""
    other = other_school(booking, user.school_id)
    text = f"{shorten(user.school.name)} {what_happened.format(title=shorten(booking.offer_title))}"
    notify(other.id, kind, text, "bookings.show", booking_id=booking.id)


def shorten(name):
    if len(name) <= NAME_IN_NOTIFICATION_MAX:
        return name
    return name[: NAME_IN_NOTIFICATION_MAX - 1].rstrip() + "…"


# --- What waits on someone (read by the home pages) --------------------------------------


def bookings_to_mark_delivered(school, today=None):
    """The school's confirmed bookings as the offering school whose work has started (the
    first session date or the window's start has come), first started first."""
    today = today or uk_today()
    candidates = db.session.scalars(
        select(Booking)
        .where(
            Booking.offering_school_id == school.id,
            Booking.status == BookingStatus.CONFIRMED,
            Booking.earliest_start <= today,
        )
        .options(joinedload(Booking.seeking_school))
        .order_by(Booking.earliest_start, Booking.id)
    ).all()
    return sorted(
        (booking for booking in candidates if booking.first_day <= today),
        key=lambda booking: (booking.first_day, booking.id),
    )


def bookings_to_confirm(school):
    """The school's delivered bookings as the seeking school, to confirm or report a problem
    with, the longest waiting first."""
    return db.session.scalars(
        select(Booking)
        .where(Booking.seeking_school_id == school.id, Booking.status == BookingStatus.DELIVERED)
        .options(joinedload(Booking.offering_school))
        .order_by(Booking.delivered_at, Booking.id)
    ).all()


def disputed_bookings(school=None):
    """Bookings with a problem reported, waiting for an ELP admin, the longest waiting first;
    only those the school is a party to if one is given."""
    query = (
        select(Booking)
        .where(Booking.status == BookingStatus.DISPUTED)
        .options(joinedload(Booking.seeking_school), joinedload(Booking.offering_school))
        .order_by(Booking.disputed_at, Booking.id)
    )
    if school is not None:
        query = query.where(
            or_(Booking.seeking_school_id == school.id, Booking.offering_school_id == school.id)
        )
    return db.session.scalars(query).all()


def count_disputed_bookings():
    """How many bookings wait for an ELP admin to settle a problem (the admin home)."""
    return db.session.scalar(
        select(func.count()).select_from(Booking).where(Booking.status == BookingStatus.DISPUTED)
    )


def booking_for_admin(booking_id):
    """Any booking, for an ELP admin; NotFound if there is none."""
    booking = db.session.get(
        Booking,
        booking_id,
        options=[joinedload(Booking.seeking_school), joinedload(Booking.offering_school)],
    )
    if booking is None:
        raise NotFound()
    return booking
