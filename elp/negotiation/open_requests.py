"""How many requests each offer has open: what its school still has to answer or agree."""

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
