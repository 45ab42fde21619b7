"""Bookings: making one from an accepted proposal, taking its units from the offer's
capacity, and giving them back when it is cancelled.

Services add and flush; the view or command that carries out the user's action commits once
(`elp.unit_of_work`).
"""

from sqlalchemy import update

from elp.bookings.models import Booking
from elp.errors import ActionRefused
from elp.extensions import db
from elp.offers.models import UNITS, Offer


def book(request, proposal, user):
    """Freeze the accepted proposal's terms into a booking, in the accepting transaction.

    The units come off the offer's capacity first, by a conditional UPDATE, so two
    acceptances racing for the last units give exactly one booking.
    """
    offer = request.offer
    take_units(offer, proposal.quantity)
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
    return booking


def take_units(offer, quantity):
    """Take units from the offer's capacity, or refuse if fewer are left.

    The check and the change are one statement, so it holds under concurrent acceptances
    on SQLite and PostgreSQL. It does not touch the offer's version: a booking and an edit
    of the offer's words do not race each other.
    """
    left_enough = (Offer.capacity.is_(None)) | (Offer.capacity - Offer.units_booked >= quantity)
    taken = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, left_enough)
        .values(units_booked=Offer.units_booked + quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(offer, ["units_booked"])
    if taken.rowcount != 1:
        raise ActionRefused(_not_enough_left(offer, quantity))


def give_back_units(offer, quantity):
    """Return a cancelled booking's units to the offer's capacity."""
    db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id)
        .values(units_booked=Offer.units_booked - quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(offer, ["units_booked"])


def _not_enough_left(offer, quantity):
    left = offer.capacity_left or 0
    unit = UNITS[offer.unit]
    return (
        f"There is not enough capacity left: the offer has {left} {_plural(unit, left)} left "
        f"this year and this would book {quantity}. Make a counter-proposal for {left} or fewer."
        if left
        else "There is no capacity left on this offer this year, so it cannot be booked."
    )


def _plural(unit, count):
    return unit if count == 1 else f"{unit}s"
