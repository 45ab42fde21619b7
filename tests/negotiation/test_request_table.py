"""Every state × action × party of a request, through the services: what the REQUEST table
allows happens, and everything else is refused with nothing changed."""

import itertools

import pytest

from elp.audit import AuditEvent
from elp.bookings.models import Booking
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.negotiation import services
from elp.negotiation.models import Message, Proposal, RequestStatus, SupportRequest
from elp.negotiation.transitions import REQUEST
from elp.notifications.models import Notification
from elp.parties import Party
from elp.unit_of_work import unit_of_work
from tests.factories import make_request
from tests.negotiation.helpers import good_terms

pytestmark = pytest.mark.usefixtures("service_context")

SCHOOL_PARTIES = (Party.SEEKING, Party.OFFERING)
ACTIONS = ("accept", "counter", "decline", "withdraw", "message")

OPEN, AGREED = RequestStatus.OPEN, RequestStatus.AGREED
# Written out by hand from issue 8 and PRODUCT.md 3.4, so the table is checked, not copied:
# (state, action, party) → the state after it. Everything not here is refused.
ALLOWED = {
    (OPEN, "accept", Party.SEEKING): AGREED,
    (OPEN, "accept", Party.OFFERING): AGREED,
    (OPEN, "counter", Party.SEEKING): OPEN,
    (OPEN, "counter", Party.OFFERING): OPEN,
    (OPEN, "decline", Party.OFFERING): RequestStatus.DECLINED,
    (OPEN, "withdraw", Party.SEEKING): RequestStatus.WITHDRAWN,
    (OPEN, "message", Party.SEEKING): OPEN,
    (OPEN, "message", Party.OFFERING): OPEN,
    # The schools can still talk once agreed (about the booking); not once it has ended.
    (AGREED, "message", Party.SEEKING): AGREED,
    (AGREED, "message", Party.OFFERING): AGREED,
    (OPEN, "expire", Party.SYSTEM): RequestStatus.EXPIRED,
}


@pytest.mark.parametrize(
    ("status", "action", "party"),
    list(itertools.product(list(RequestStatus), REQUEST.actions(), list(Party))),
    ids=lambda value: str(value),
)
def test_the_table_allows_exactly_what_the_product_says(status, action, party):
    transition = REQUEST.find(status, action, party)
    expected = ALLOWED.get((status, action, party))
    assert (transition is not None) == (expected is not None)
    if transition is not None:
        assert (transition.target or status) == expected


def _do(action, support_request, user):
    """Carry out an action the way a school's page does."""
    latest_id = support_request.latest_proposal.id
    with unit_of_work():
        if action == "accept":
            services.accept(support_request, latest_id, user)
        elif action == "counter":
            services.counter(support_request, user, good_terms(quantity=2), latest_id)
        elif action == "decline":
            services.decline(support_request, user, "Our expert is fully booked.")
        elif action == "withdraw":
            services.withdraw(support_request, user)
        else:
            services.send_message(support_request, user, "Could you do Tuesdays?")


def _request_in(status, schools, latest_by):
    """A request in `status` whose latest proposal the `latest_by` party wrote."""
    support_request = make_request(schools.offer, author=schools.seeking_member, status=status)
    if latest_by == Party.OFFERING:
        first = support_request.latest_proposal
        support_request.proposals.append(
            Proposal(
                author_school_id=schools.offering.id,
                author_id=schools.offering_member.id,
                quantity=2,
                unit=first.unit,
                price_pence=first.price_pence,
                total_pence=2 * first.price_pence,
                earliest_start=first.earliest_start,
                latest_end=first.latest_end,
                session_dates=[],
                delivery_mode=first.delivery_mode,
                expires_at=first.expires_at,
            )
        )
        _db.session.commit()
    return support_request


def _snapshot(support_request_id):
    _db.session.expire_all()
    support_request = _db.session.get(SupportRequest, support_request_id)
    return (
        support_request.status,
        support_request.version,
        _db.session.query(Proposal).count(),
        _db.session.query(Message).count(),
        _db.session.query(Booking).count(),
        _db.session.query(Notification).count(),
    )


@pytest.mark.parametrize(
    ("status", "action", "party"),
    list(itertools.product(list(RequestStatus), ACTIONS, SCHOOL_PARTIES)),
    ids=lambda value: str(value),
)
def test_each_state_action_and_school(schools, status, action, party):
    # Accepting needs the other school's proposal; every other action is the same either way.
    latest_by = Party.OFFERING if party == Party.SEEKING else Party.SEEKING
    support_request = _request_in(status, schools, latest_by)
    user = schools.seeking_member if party == Party.SEEKING else schools.offering_member
    before = _snapshot(support_request.id)
    expected = ALLOWED.get((status, action, party))
    if expected is None:
        with pytest.raises(ActionRefused):
            _do(action, support_request, user)
        assert _snapshot(support_request.id) == before
        return
    _do(action, support_request, user)
    after = _snapshot(support_request.id)
    assert after[0] == expected
    assert after[1] > before[1]  # a compare-and-set on the request's version
    assert after[5] > before[5]  # the other school was told
    assert _db.session.query(AuditEvent).filter(AuditEvent.subject_type == "SupportRequest").count()


@pytest.mark.parametrize("status", list(RequestStatus))
@pytest.mark.parametrize("action", REQUEST.actions())
def test_the_service_itself_may_only_expire_an_open_request(schools, status, action):
    support_request = make_request(schools.offer, author=schools.seeking_member, status=status)
    if action == "expire" and status == RequestStatus.OPEN:
        REQUEST.apply(support_request, "expire", Party.SYSTEM, None)
        assert support_request.status == RequestStatus.EXPIRED
    else:
        with pytest.raises(ActionRefused):
            REQUEST.apply(support_request, action, Party.SYSTEM, None)


@pytest.mark.parametrize("party", SCHOOL_PARTIES)
def test_no_school_can_expire_a_request(schools, party):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    with pytest.raises(ActionRefused, match="only the service itself can"):
        REQUEST.apply(support_request, "expire", party, None)


@pytest.mark.parametrize(
    ("party", "latest_by", "price", "expected"),
    [
        (Party.OFFERING, Party.SEEKING, 35000, ["accept", "counter", "decline", "message"]),
        (Party.SEEKING, Party.SEEKING, 35000, ["counter", "withdraw", "message"]),
        (Party.SEEKING, Party.OFFERING, 35000, ["accept", "counter", "withdraw", "message"]),
        (Party.OFFERING, Party.OFFERING, 35000, ["counter", "decline", "message"]),
        # A first proposal without a price cannot be accepted.
        (Party.OFFERING, Party.SEEKING, None, ["counter", "decline", "message"]),
    ],
)
def test_the_buttons_are_the_table_less_accepting_ones_own_or_a_priceless_proposal(
    schools, party, latest_by, price, expected
):
    if price is None:
        schools.offer.price_pence = None
        _db.session.commit()
    support_request = _request_in(RequestStatus.OPEN, schools, latest_by)
    actions = [t.action for t in services.available_actions(support_request, party)]
    assert actions == expected
