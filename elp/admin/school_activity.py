"""What a school does on ELP Exchange, for its page in the admin area: its offers, the
requests and bookings it is a party to (on either side), and the service charges it pays.
Each list is the most recent few with the total, in a constant number of queries."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from elp.billing.models import Charge
from elp.bookings.models import Booking
from elp.extensions import db
from elp.negotiation.models import SupportRequest
from elp.offers.models import Offer

SHOWN = 20


@dataclass(frozen=True)
class Recent:
    rows: list
    total: int


@dataclass(frozen=True)
class SchoolActivity:
    offers: Recent
    requests: Recent  # support requests the school sent or received
    bookings: Recent  # bookings the school gives or receives
    charges: Recent  # service charges the school pays


def _recent(statement, order, options=()):
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(statement.options(*options).order_by(*order).limit(SHOWN))
    return Recent(rows.unique().all(), total)


def for_school(school):
    either_side = (SupportRequest.seeking_school_id == school.id) | (
        SupportRequest.offering_school_id == school.id
    )
    return SchoolActivity(
        offers=_recent(
            select(Offer).where(Offer.school_id == school.id),
            (Offer.updated_at.desc(), Offer.id.desc()),
        ),
        requests=_recent(
            select(SupportRequest).where(either_side),
            (SupportRequest.created_at.desc(), SupportRequest.id.desc()),
            (
                joinedload(SupportRequest.offer),
                joinedload(SupportRequest.seeking_school),
                joinedload(SupportRequest.offering_school),
            ),
        ),
        bookings=_recent(
            select(Booking).where(
                or_(Booking.seeking_school_id == school.id, Booking.offering_school_id == school.id)
            ),
            (Booking.created_at.desc(), Booking.id.desc()),
            (joinedload(Booking.seeking_school), joinedload(Booking.offering_school)),
        ),
        charges=_recent(
            select(Charge).where(Charge.school_id == school.id),
            (Charge.invoice_date.desc(), Charge.id.desc()),
            (joinedload(Charge.booking),),
        ),
    )
