"""The units booked against an offer's capacity: an acceptance takes them, a cancellation
gives them back. Bookings and negotiation change an offer's row only through here.

These are bulk UPDATEs, which the session's flush events never see, so each notes the offer
in `db.session.info[UNITS_CHANGED]`; the search index's sync (`elp.search.sync`) queues
those offers for the index before the transaction commits, so "Has capacity left" follows
every booking that takes or gives back units."""

from sqlalchemy import update

from elp.extensions import db
from elp.offers.models import Offer

# The session's info key: the ids of offers whose booked units changed in this transaction.
UNITS_CHANGED = "offer_units_changed"


def _note_units_changed(offer):
    db.session.info.setdefault(UNITS_CHANGED, set()).add(offer.id)


def take_units(offer, quantity):
    """Take units from the offer's capacity if that many are left; whether it did.

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
    # Both may have changed since the offer was read: the school can lower its capacity.
    db.session.expire(offer, ["units_booked", "capacity"])
    if taken.rowcount == 1:
        _note_units_changed(offer)
    return taken.rowcount == 1


def give_back_units(offer, quantity):
    """Return a cancelled booking's units to the offer's capacity."""
    db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id)
        .values(units_booked=Offer.units_booked - quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(offer, ["units_booked"])
    _note_units_changed(offer)


def hold_offer(offer):
    """Lock the offer's row until this transaction ends, so what is checked against the
    offer (two copies of one request sent at once, say) is checked one after the other.
    Writing a column to itself locks the row on PostgreSQL and takes the write lock on
    SQLite, and changes nothing."""
    db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id)
        .values(units_booked=Offer.units_booked, updated_at=Offer.updated_at)
        .execution_options(synchronize_session=False)
    )
