"""A school's inbox of requests: those on its offers (received) and those it made (sent),
with what is unread.

A request is unread for a school when the other school did the latest thing on it (a
proposal, a message, a decision) and this school has not opened it since. Every page costs
the same three queries however many rows it shows: the unread counts, the total, the rows.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from math import ceil

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from elp.accounts import services as accounts
from elp.extensions import db
from elp.negotiation.models import Proposal, RequestRead, RequestStatus, SupportRequest
from elp.offers import services as offers

RECEIVED, SENT = "received", "sent"
BOXES = (RECEIVED, SENT)
ALL = "all"
STATUS_FILTERS = (*(status.value for status in RequestStatus), ALL)
REQUESTS_PER_PAGE = 25


@dataclass(frozen=True)
class InboxRow:
    request_id: int
    offer_title: str
    other_school: str
    status: str
    quantity: int | None  # of the latest proposal; None only if a request has none
    unit: str | None
    total_pence: int | None  # None: the price is still to be agreed
    last_activity_at: datetime
    latest_author_school_id: int | None
    unread: bool
    # Whose turn it is on an open request: True when the latest proposal is the other
    # school's ("Waiting for you"), False when it is this school's; None once it is closed.
    waiting_for_you: bool | None = None


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    total: int
    page: int
    per_page: int = REQUESTS_PER_PAGE

    @property
    def pages(self):
        return ceil(self.total / self.per_page)

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def _own_side(box, school_id):
    """Requests on the school's offers (received), or that it made (sent)."""
    if box == RECEIVED:
        return SupportRequest.offering_school_id == school_id
    return SupportRequest.seeking_school_id == school_id


def _read_by(school_id):
    """The join to this school's RequestRead row for each request (if it has opened it)."""
    return and_(RequestRead.request_id == SupportRequest.id, RequestRead.school_id == school_id)


def _unread(school_id):
    """The other school acted last, after this school last opened the request (or never)."""
    return and_(
        SupportRequest.last_activity_school_id.is_not(None),
        SupportRequest.last_activity_school_id != school_id,
        or_(RequestRead.read_at.is_(None), RequestRead.read_at < SupportRequest.last_activity_at),
    )


# The inbox is opened often: its statements are built once, with parameters, rather than
# for every page (building one costs more than running it).
SCHOOL, STATUS = bindparam("school_id"), bindparam("status")
LIMIT, OFFSET = bindparam("limit"), bindparam("offset")


@cache
def _unread_counts_statement():
    unread = _unread(SCHOOL)
    received, sent = _own_side(RECEIVED, SCHOOL), _own_side(SENT, SCHOOL)
    return (
        select(
            func.coalesce(func.sum(case((and_(received, unread), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(sent, unread), 1), else_=0)), 0),
        )
        .select_from(SupportRequest)
        .outerjoin(RequestRead, _read_by(SCHOOL))
        .where(or_(received, sent))
    )


def unread_counts(school_id):
    """How many requests are unread in each box: {"received": 2, "sent": 0}."""
    received, sent = db.session.execute(_unread_counts_statement(), {"school_id": school_id}).one()
    return {RECEIVED: int(received), SENT: int(sent)}


def _conditions(box, filtered):
    conditions = [_own_side(box, SCHOOL)]
    if filtered:
        conditions.append(SupportRequest.status == STATUS)
    return conditions


@cache
def _count_statement(box, filtered):
    return select(func.count()).select_from(SupportRequest).where(*_conditions(box, filtered))


@cache
def _rows_statement(box, filtered):
    offer, other_school = offers.offer_titles(), accounts.school_names()
    other_id = (
        SupportRequest.seeking_school_id if box == RECEIVED else SupportRequest.offering_school_id
    )
    latest = aliased(Proposal)
    latest_id = (
        select(func.max(Proposal.id))
        .where(Proposal.request_id == SupportRequest.id)
        .correlate(SupportRequest)
        .scalar_subquery()
    )
    return (
        select(
            SupportRequest.id,
            offer.c.title,
            other_school.c.name,
            SupportRequest.status,
            latest.quantity,
            latest.unit,
            latest.total_pence,
            SupportRequest.last_activity_at,
            latest.author_school_id,
            case((_unread(SCHOOL), 1), else_=0),
        )
        .join(offer, offer.c.id == SupportRequest.offer_id)
        .join(other_school, other_school.c.id == other_id)
        .outerjoin(latest, latest.id == latest_id)
        .outerjoin(RequestRead, _read_by(SCHOOL))
        .where(*_conditions(box, filtered))
        .order_by(SupportRequest.last_activity_at.desc(), SupportRequest.id.desc())
        .limit(LIMIT)
        .offset(OFFSET)
    )


def inbox_page(school_id, box=RECEIVED, status=ALL, page=1):
    """One page of a school's received or sent requests, the latest activity first."""
    filtered = status != ALL
    params = {"school_id": school_id, "status": status}
    total = db.session.scalar(_count_statement(box, filtered), params)
    rows = db.session.execute(
        _rows_statement(box, filtered),
        {**params, "limit": REQUESTS_PER_PAGE, "offset": (page - 1) * REQUESTS_PER_PAGE},
    )
    return InboxPage([_row(row, school_id) for row in rows], total, page)


def _row(row, school_id):
    *fields, author_school_id, unread = row
    waiting_for_you = None
    if fields[3] == RequestStatus.OPEN and author_school_id is not None:
        waiting_for_you = author_school_id != school_id
    return InboxRow(*fields, author_school_id, bool(unread), waiting_for_you)
