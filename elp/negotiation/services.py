"""Negotiation: a seeking school asks for support on an offer, the two schools send each
other proposals and messages, and accepting the other side's latest proposal books it.

Every action goes through `negotiation.transitions.REQUEST`, whose compare-and-set on the
request's version makes two racing actions end with one winner. Services add and flush;
the view carries out each user action in one `unit_of_work()`.
"""

from datetime import timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from elp import audit
from elp.bookings.services import book, booking_of_request
from elp.errors import ActionRefused, InvalidInput, NotFound
from elp.extensions import db
from elp.negotiation import emails
from elp.negotiation.models import Message, Proposal, RequestRead, RequestStatus, SupportRequest
from elp.negotiation.open_requests import open_request_on
from elp.negotiation.reading import mark_read
from elp.negotiation.terms import check_terms
from elp.negotiation.transitions import REQUEST
from elp.negotiation.waiting import (  # noqa: F401 (what waits on a school)
    next_answer_awaited,
    requests_waiting,
    requests_waiting_count,
)
from elp.offers import services as offers
from elp.parties import Party
from elp.settings import services as settings
from elp.timeutil import uk_today, utcnow

NEED_MAX = 5_000
MESSAGE_MAX = 5_000
DECLINE_REASON_MAX = 1_000


# --- Who may see a request ----------------------------------------------------------------


# The request page shows the offer, both schools and who asked: joined onto the request's
# own query. Its proposals and messages, with who wrote each, are read by reading.timeline.
# Built once: making loader options anew on every page was a twentieth of its time.
_REQUEST_LOADING = (
    joinedload(SupportRequest.offer),
    joinedload(SupportRequest.seeking_school),
    joinedload(SupportRequest.offering_school),
    joinedload(SupportRequest.requested_by),
)


def request_for_user(request_id, user):
    """The request with this id if the user's school is a party to it; anyone else: NotFound."""
    support_request, _ = request_and_reading(request_id, user)
    return support_request


def request_and_reading(request_id, user):
    """The request, if the user's school is a party to it (anyone else: NotFound), and when
    that school last read it (None if it never has), in one query: the request page records
    a reading only when there is news since."""
    row = db.session.execute(
        select(SupportRequest, RequestRead.read_at)
        .outerjoin(
            RequestRead,
            and_(
                RequestRead.request_id == SupportRequest.id,
                RequestRead.school_id == user.school_id,
            ),
        )
        .where(SupportRequest.id == request_id)
        .options(*_REQUEST_LOADING)
    ).first()
    if row is None or party_of_school(row[0], user.school_id) is None:
        raise NotFound()
    return row


def booking_of(support_request):
    """The booking an agreed request became, or None (without a query for any other)."""
    if support_request.status != RequestStatus.AGREED:
        return None
    return booking_of_request(support_request)


def party_of_school(support_request, school_id):
    return support_request.party_of(school_id) if school_id is not None else None


def party_for(support_request, user):
    """Which side of the request the user's school is on; NotFound if neither."""
    party = party_of_school(support_request, user.school_id)
    if party is None:
        raise NotFound()
    return party


def other_school_id(support_request, party):
    if party == Party.SEEKING:
        return support_request.offering_school_id
    return support_request.seeking_school_id


# --- What a party may do now --------------------------------------------------------------


def can_accept(support_request, party):
    """Only the school that did not write the latest proposal may accept it, and only once
    it names a price (a first proposal on a "price on request" offer may not)."""
    latest = support_request.latest_proposal
    return (
        REQUEST.allows(support_request.status, "accept", party)
        and latest is not None
        and latest.author_school_id != _school_of(support_request, party)
        and latest.price_pence is not None
    )


def available_actions(support_request, party):
    """The transitions the party can take now, for the buttons on the request page."""
    return [
        transition
        for transition in REQUEST.actions_for(support_request.status, party)
        if transition.action != "accept" or can_accept(support_request, party)
    ]


def check_allowed(support_request, action, party):
    """Refuse (ActionRefused) before showing the form for an action the table does not allow."""
    REQUEST.check(support_request.status, action, party)


def _school_of(support_request, party):
    if party == Party.SEEKING:
        return support_request.seeking_school_id
    return support_request.offering_school_id


# --- Starting a request -------------------------------------------------------------------


def check_can_request(offer, user):
    """Refuse a request on the user's own school's offer, on one not open to requests, or
    on one the school already has an open request on (before it fills in the form)."""
    if offer.school_id == user.school_id:
        raise ActionRefused("You cannot request support on your own school’s offer.")
    if not offer.is_visible:
        raise ActionRefused("This offer is not published, so you cannot request support on it.")
    _refuse_second_open_request(offer, user.school_id)


def price_required_first(offer):
    """A first proposal may leave the price empty only on a "price on request" offer."""
    return offer.price_pence is not None


def start_request(offer, user, need, terms):
    """Send the offering school a request for support with its first proposal."""
    check_can_request(offer, user)
    need = _required_text("need", need, "Enter what support you need", NEED_MAX, "What you need")
    _refuse_if_invalid(terms, offer, price_required_first(offer))
    offers.hold_offer(offer)  # a double click: its two requests are checked one by one
    _refuse_second_open_request(offer, user.school_id)
    now = utcnow()
    support_request = SupportRequest(
        offer=offer,
        seeking_school_id=user.school_id,
        offering_school_id=offer.school_id,
        requested_by=user,
        need=need,
        status=RequestStatus.OPEN,
        created_at=now,
    )
    db.session.add(support_request)
    _add_proposal(support_request, user, terms, offer, now)
    _record_activity(support_request, user.school_id, now)
    db.session.flush()
    audit.record("request.sent", support_request, actor=user, offer_id=offer.id)
    mark_read(support_request, user.school_id)
    emails.tell(
        support_request,
        offer.school_id,
        "new_request",
        f"{user.school.name} asks for support on ‘{offer.title}’",
        emails.request_details(support_request, user, "What they need", need),
    )
    return support_request


def _refuse_second_open_request(offer, school_id):
    open_already = open_request_on(offer, school_id)
    if open_already is not None:
        raise ActionRefused(
            "Your school already has an open request for this offer. Carry on the "
            "negotiation there: make a counter-proposal or send a message.",
            link=("Go to your request", "negotiation.show", {"request_id": open_already}),
        )


# --- Proposals ----------------------------------------------------------------------------


def counter(support_request, user, terms, answering_proposal_id):
    """Make a counter-proposal: new terms answering the latest proposal."""
    party = party_for(support_request, user)
    check_allowed(support_request, "counter", party)
    _refuse_if_stale(support_request, answering_proposal_id, "quantity")
    _refuse_if_invalid(terms, support_request.offer, price_required=True)
    REQUEST.apply(support_request, "counter", party, user)
    now = utcnow()
    proposal = _add_proposal(support_request, user, terms, support_request.offer, now)
    _record_activity(support_request, user.school_id, now)
    emails.tell(
        support_request,
        other_school_id(support_request, party),
        "new_proposal",
        f"{user.school.name} made a counter-proposal on ‘{support_request.offer.title}’",
        emails.request_details(support_request, user, "Their note", proposal.note),
    )
    return proposal


def proposal_to_accept(support_request, proposal_id, user):
    """The proposal the user's school may accept now, for "Check the booking before you
    accept": the other school's latest, naming a price, and the one the school read
    (`proposal_id`; None on first opening the page: the latest). Refuse anything else
    (ActionRefused, which links to the request); nothing changes."""
    party = party_for(support_request, user)
    check_allowed(support_request, "accept", party)
    latest = support_request.latest_proposal
    if proposal_id is not None:
        _refuse_if_stale(support_request, proposal_id)
    if latest is None:
        raise ActionRefused("This request has no proposal to accept.")
    if latest.author_school_id == user.school_id:
        raise ActionRefused(
            "You cannot accept your own proposal: the other school accepts it, or answers "
            "it with a counter-proposal."
        )
    if latest.price_pence is None:
        raise ActionRefused(
            "This proposal has no price yet, so it cannot be accepted. Make a "
            "counter-proposal that names the price per unit."
        )
    return latest


def accept(support_request, proposal_id, user):
    """Accept the other school's latest proposal, the one the school checked
    (`proposal_id`), and book its terms, in one transaction: the one service that books,
    called only by "Accept and book"."""
    party = party_for(support_request, user)
    if proposal_id is None:
        raise ActionRefused("Open the proposal and check it before you accept it.")
    latest = proposal_to_accept(support_request, proposal_id, user)
    REQUEST.apply(support_request, "accept", party, user, proposal_id=latest.id)
    now = utcnow()
    support_request.closed_at = now
    _record_activity(support_request, user.school_id, now)
    booking = book(support_request, latest, user)
    emails.tell(
        support_request,
        other_school_id(support_request, party),
        "accepted",
        f"{user.school.name} accepted the proposal on ‘{support_request.offer.title}’: "
        "it is booked",
        emails.request_details(support_request, user),
    )
    return booking


def _refuse_if_stale(support_request, proposal_id, field=None):
    """Refuse a form that answers a proposal which is no longer the latest: the other school
    (or a second click of the same button) got there first."""
    latest = support_request.latest_proposal
    if latest is not None and proposal_id == latest.id:
        return
    message = (
        "There is a newer proposal than the one you were answering. Read the latest "
        "proposal, then decide again."
    )
    if field:
        raise InvalidInput(field, message)
    link = ("Read the latest proposal", "negotiation.show", {"request_id": support_request.id})
    raise ActionRefused(message, link=link)


def _refuse_if_invalid(terms, offer, price_required):
    problems = check_terms(terms, offer, uk_today(), price_required)
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(field, message)


def _add_proposal(support_request, user, terms, offer, now):
    expires_at = now + timedelta(days=settings.proposal_expiry_days())
    proposal = Proposal(
        author_school_id=user.school_id,
        author_id=user.id,
        quantity=terms.quantity,
        unit=offer.unit,
        price_pence=terms.price_pence,
        total_pence=terms.total(),
        earliest_start=terms.earliest_start,
        latest_end=terms.latest_end,
        session_dates=[day.isoformat() for day in sorted(terms.session_dates)],
        delivery_mode=terms.delivery_mode,
        note=(terms.note or "").strip() or None,
        created_at=now,
        expires_at=expires_at,
    )
    support_request.proposals.append(proposal)
    # A new proposal starts the clock again, and earns a new reminder before it runs out.
    support_request.expires_at = expires_at
    support_request.reminded_at = None
    return proposal


# --- Ending a request, and messages -------------------------------------------------------


def decline(support_request, user, reason):
    """The offering school declines the request, saying why."""
    party = party_for(support_request, user)
    check_allowed(support_request, "decline", party)
    reason = _required_text(
        "reason", reason, "Enter why you are declining", DECLINE_REASON_MAX, "The reason"
    )
    REQUEST.apply(support_request, "decline", party, user, reason=reason)
    _close(support_request, user)
    support_request.decline_reason = reason
    emails.tell(
        support_request,
        support_request.seeking_school_id,
        "declined",
        f"{user.school.name} declined your request for ‘{support_request.offer.title}’",
        emails.request_details(support_request, user, "Their reason", reason),
    )


def withdraw(support_request, user):
    """The seeking school withdraws its request."""
    party = party_for(support_request, user)
    REQUEST.apply(support_request, "withdraw", party, user)
    _close(support_request, user)
    emails.tell(
        support_request,
        support_request.offering_school_id,
        "withdrawn",
        f"{user.school.name} withdrew its request for ‘{support_request.offer.title}’",
        emails.request_details(support_request, user),
    )


def send_message(support_request, user, body):
    """Send the other school a message on the request."""
    party = party_for(support_request, user)
    check_allowed(support_request, "message", party)
    body = _required_text("body", body, "Enter your message", MESSAGE_MAX, "Your message")
    last = support_request.messages[-1] if support_request.messages else None
    if last is not None and last.author_id == user.id and last.body == body:
        # The same form sent twice (a double click): the first one was enough.
        raise InvalidInput("body", "You have already sent this message")
    REQUEST.apply(support_request, "message", party, user)
    now = utcnow()
    message = Message(author_school_id=user.school_id, author_id=user.id, body=body, created_at=now)
    support_request.messages.append(message)
    _record_activity(support_request, user.school_id, now)
    emails.tell(
        support_request,
        other_school_id(support_request, party),
        "message",
        f"{user.school.name} sent a message about ‘{support_request.offer.title}’",
        emails.request_details(support_request, user, "Their message", body),
    )
    return message


def _close(support_request, user):
    now = utcnow()
    support_request.closed_at = now
    _record_activity(support_request, user.school_id, now)


def _required_text(field, text, missing, maximum, name):
    text = (text or "").strip()
    if not text:
        raise InvalidInput(field, missing)
    if len(text) > maximum:
        raise InvalidInput(field, f"{name} must be {maximum:,} characters or fewer")
    return text


def _record_activity(support_request, school_id, now):
    support_request.last_activity_at = now
    support_request.last_activity_school_id = school_id

