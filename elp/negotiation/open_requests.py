"""Open requests on offers: how many each offer has (what its school still has to answer or
agree), and a seeking school's own open request on an offer."""

from sqlalchemy import func, select

from elp.extensions import db
from elp.negotiation.models import RequestStatus, SupportRequest


def open_request_counts(offer_ids):
    """{offer id: number of open requests} for these offers, in one query (0 for none)."""
    counts = dict.fromkeys(offer_ids, 0)
    if counts:
        rows = db.session.execute(
            select(SupportRequest.offer_id, func.count())
            .where(SupportRequest.offer_id.in_(counts), SupportRequest.status == RequestStatus.OPEN)
            .group_by(SupportRequest.offer_id)
        )
        counts.update(dict(rows.all()))
    return counts


def open_request_on(offer, school_id):
    """The id of the school's open request on the offer, or None: the offer page links to
    it ("You already asked for this support") instead of offering a second one."""
    if school_id is None or offer.school_id == school_id:
        return None
    return db.session.scalar(
        select(SupportRequest.id).where(
            SupportRequest.offer_id == offer.id,
            SupportRequest.seeking_school_id == school_id,
            SupportRequest.status == RequestStatus.OPEN,
        )
    )
