"""The negotiation's timers, run by `elp tick`: a reminder the day before a request's
latest proposal expires, and the expiry of a request whose latest proposal went unanswered.

Safe on several nodes at once: a reminder is claimed by a conditional UPDATE and an expiry
is a compare-and-set on the request's version, so of two ticks (or a tick and a school's
own action) one acts and the other skips the request. Each request is its own transaction,
so one that cannot be changed never holds up the rest.
"""

from datetime import timedelta

from sqlalchemy import select, update

from elp.errors import ActionRefused
from elp.extensions import db
from elp.negotiation import emails
from elp.negotiation.models import RequestStatus, SupportRequest
from elp.negotiation.transitions import REQUEST
from elp.notifications.in_app import notify
from elp.parties import Party
from elp.unit_of_work import unit_of_work

REMINDER_NOTICE = timedelta(days=1)
REQUEST_PAGE = "negotiation.show"


def send_expiry_reminders(now):
    """Remind the school that must answer an open request's latest proposal, once, when it
    expires within a day. Return how many reminders were sent."""
    due = db.session.execute(
        select(SupportRequest.id, SupportRequest.expires_at)
        .where(
            SupportRequest.status == RequestStatus.OPEN,
            SupportRequest.reminded_at.is_(None),
            SupportRequest.expires_at > now,
            SupportRequest.expires_at <= now + REMINDER_NOTICE,
        )
        .order_by(SupportRequest.id)
    ).all()
    sent = 0
    for request_id, expires_at in due:
        with unit_of_work():
            if _claim_reminder(request_id, expires_at, now):
                _remind(db.session.get(SupportRequest, request_id))
                sent += 1
    return sent


def _claim_reminder(request_id, expires_at, now):
    """Mark the request reminded, if no other tick has and its terms have not changed since
    it was found due (a counter-proposal moves expires_at). True if this tick has it.

    It leaves the version alone: a reminder must never make a school's own action on the
    request fail as "changed meanwhile"."""
    claimed = db.session.execute(
        update(SupportRequest)
        .where(
            SupportRequest.id == request_id,
            SupportRequest.status == RequestStatus.OPEN,
            SupportRequest.reminded_at.is_(None),
            SupportRequest.expires_at == expires_at,
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _remind(request):
    proposal = request.latest_proposal
    proposer = proposal.author_school
    answering_school_id = (
        request.offering_school_id
        if proposal.author_school_id == request.seeking_school_id
        else request.seeking_school_id
    )
    notify(
        answering_school_id,
        "expiry_reminder",
        f"{proposer.name}’s proposal for {request.offer.title} expires tomorrow unless you "
        "accept it or make a counter-proposal",
        REQUEST_PAGE,
        details=emails.request_details(request, None, answering=True),
        request_id=request.id,
    )


def expire_requests(now):
    """Expire every open request whose latest proposal is past its expiry. Return how many
    this tick expired (ones another tick or a school's action got to first are skipped)."""
    due = db.session.scalars(
        select(SupportRequest.id)
        .where(SupportRequest.status == RequestStatus.OPEN, SupportRequest.expires_at <= now)
        .order_by(SupportRequest.id)
    ).all()
    return sum(
        expire_request(db.session.get(SupportRequest, request_id), now) for request_id in due
    )


def expire_request(request, now):
    """Expire one request as it was read, in its own transaction, and tell both schools.
    False, changing nothing, if it changed since it was read or is no longer due."""
    try:
        with unit_of_work():
            if request.expires_at is None or request.expires_at > now:
                return False
            request.closed_at = now
            REQUEST.apply(request, "expire", Party.SYSTEM, None)
            _tell_both_schools_it_expired(request)
    except ActionRefused:
        # Another tick expired it, or a school acted on it (accepted, countered, withdrew)
        # after it was read: theirs stands.
        db.session.rollback()
        return False
    return True


def _tell_both_schools_it_expired(request):
    title = request.offer.title
    notify(
        request.seeking_school_id,
        "expired",
        f"Your request to {request.offering_school.name} for {title} expired unanswered",
        REQUEST_PAGE,
        details=emails.request_details(request, None),
        request_id=request.id,
    )
    notify(
        request.offering_school_id,
        "expired",
        f"{request.seeking_school.name}’s request for {title} expired unanswered",
        REQUEST_PAGE,
        details=emails.request_details(request, None),
        request_id=request.id,
    )
