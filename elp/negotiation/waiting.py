"""The requests that wait on a school, for its "What needs you" page and the menu's count:
open requests whose latest proposal the school must answer (by the date it expires), and
requests with news it has not opened (a new message, the other school's decision).

Statements built once, whatever the number of requests: the count (for the menu), and the
rows (the most urgent first, at most ROWS_MAX of them; the page links to the inbox for the
rest).
"""

from functools import cache

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from elp.accounts import services as accounts
from elp.extensions import db
from elp.negotiation.inbox import _read_by, _unread
from elp.negotiation.models import Proposal, RequestRead, RequestStatus, SupportRequest
from elp.offers import services as offers
from elp.timeutil import UK_TIME
from elp.urls import path_for
from elp.waiting import REQUESTS, Waiting

ROWS_MAX = 50
SCHOOL = bindparam("school_id")


def _latest_proposal_id(aggregate=func.max):
    return (
        select(aggregate(Proposal.id))
        .where(Proposal.request_id == SupportRequest.id)
        .correlate(SupportRequest)
        .scalar_subquery()
    )


def _conditions(latest):
    """The school is a party, and the request waits for its answer or has news for it."""
    party = or_(
        SupportRequest.seeking_school_id == SCHOOL, SupportRequest.offering_school_id == SCHOOL
    )
    to_answer = and_(SupportRequest.status == RequestStatus.OPEN, latest.author_school_id != SCHOOL)
    return party, or_(to_answer, _unread(SCHOOL))


@cache
def _count_statement():
    latest = aliased(Proposal)
    return (
        select(func.count())
        .select_from(SupportRequest)
        .join(latest, latest.id == _latest_proposal_id())
        .outerjoin(RequestRead, _read_by(SCHOOL))
        .where(*_conditions(latest))
    )


@cache
def _rows_statement():
    latest = aliased(Proposal)
    offer, other_school = offers.offer_titles(), accounts.school_names()
    other_id = case(
        (SupportRequest.seeking_school_id == SCHOOL, SupportRequest.offering_school_id),
        else_=SupportRequest.seeking_school_id,
    )
    to_answer = and_(SupportRequest.status == RequestStatus.OPEN, latest.author_school_id != SCHOOL)
    return (
        select(
            SupportRequest.id,
            offer.c.title,
            other_school.c.name,
            SupportRequest.status,
            SupportRequest.expires_at,
            SupportRequest.offering_school_id == SCHOOL,
            latest.id == _latest_proposal_id(func.min),
            case((to_answer, 1), else_=0),
            case((_unread(SCHOOL), 1), else_=0),
        )
        .select_from(SupportRequest)
        .join(latest, latest.id == _latest_proposal_id())
        .join(offer, offer.c.id == SupportRequest.offer_id)
        .join(other_school, other_school.c.id == other_id)
        .outerjoin(RequestRead, _read_by(SCHOOL))
        .where(*_conditions(latest))
        # Those to answer first, the soonest to expire first; then news, the latest first.
        .order_by(
            case((to_answer, 0), else_=1),
            SupportRequest.expires_at,
            SupportRequest.last_activity_at.desc(),
            SupportRequest.id,
        )
        .limit(ROWS_MAX)
    )


def requests_waiting_count():
    """How many requests wait on the school (the menu's "Requests (2)"), as a scalar
    subquery with the parameter `school_id`, read with the other sections' counts in one
    statement."""
    return _count_statement().scalar_subquery()


def requests_waiting(school_id):
    """The requests waiting on the school, as `Waiting` items, the most urgent first."""
    rows = db.session.execute(_rows_statement(), {"school_id": school_id}).all()
    return [_item(*row) for row in rows]


_NEWS = {
    RequestStatus.OPEN: "New message from {school} on ‘{title}’",
    RequestStatus.AGREED: "{school} accepted: ‘{title}’ is booked",
    RequestStatus.DECLINED: "{school} declined the request for ‘{title}’",
    RequestStatus.WITHDRAWN: "{school} withdrew the request for ‘{title}’",
    RequestStatus.EXPIRED: "The request for ‘{title}’ with {school} expired unanswered",
}


def _item(request_id, title, school, status, expires_at, offering, first, to_answer, unread):
    link = path_for("negotiation.show", request_id=request_id)
    tag = "New" if unread else None
    if to_answer:
        if offering and first:
            text = f"New request from {school} for ‘{title}’"
        else:
            text = f"{school} made a counter-proposal on ‘{title}’"
        answer_by = expires_at.astimezone(UK_TIME).date() if expires_at else None
        return Waiting(REQUESTS, text, link, answer_by, "Answer by", tag=tag)
    return Waiting(REQUESTS, _NEWS[status].format(school=school, title=title), link, tag=tag)


def next_answer_awaited(school_id):
    """The open request of the school's that the other school must answer soonest, as a
    `Waiting` item dated when its proposal expires; None if there is none."""
    latest = aliased(Proposal)
    offer, other_school = offers.offer_titles(), accounts.school_names()
    other_id = case(
        (SupportRequest.seeking_school_id == school_id, SupportRequest.offering_school_id),
        else_=SupportRequest.seeking_school_id,
    )
    row = db.session.execute(
        select(SupportRequest.id, offer.c.title, other_school.c.name, SupportRequest.expires_at)
        .select_from(SupportRequest)
        .join(latest, latest.id == _latest_proposal_id())
        .join(offer, offer.c.id == SupportRequest.offer_id)
        .join(other_school, other_school.c.id == other_id)
        .where(
            or_(
                SupportRequest.seeking_school_id == school_id,
                SupportRequest.offering_school_id == school_id,
            ),
            SupportRequest.status == RequestStatus.OPEN,
            latest.author_school_id == school_id,
        )
        .order_by(SupportRequest.expires_at, SupportRequest.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    request_id, title, school, expires_at = row
    return Waiting(
        REQUESTS,
        f"{school} has until then to answer your proposal on ‘{title}’",
        path_for("negotiation.show", request_id=request_id),
        expires_at.astimezone(UK_TIME).date(),
        "Answer due",
    )
