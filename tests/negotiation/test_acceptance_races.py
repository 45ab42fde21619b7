"""Acceptances (and copies of one request) at the same moment, each in its own thread with its own database connection
(as on two workers): exactly one booking, and the offer's capacity never below zero.

Run on SQLite by default and on PostgreSQL with ELP_TEST_DATABASE_URL set.
"""

import threading

import pytest
from sqlalchemy import func, select

from elp.accounts.models import User
from elp.bookings.models import Booking
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.negotiation import services
from elp.negotiation.models import SupportRequest
from elp.offers.models import Offer
from elp.unit_of_work import unit_of_work
from tests.factories import make_member, make_request
from tests.negotiation.helpers import good_terms


def _accept_at_once(app, attempts):
    """Each (request id, user id) accepts the request's latest proposal in its own thread,
    all released together once each has read its request. Return what each thread got."""
    ready = threading.Barrier(len(attempts), timeout=20)
    outcomes = [None] * len(attempts)

    def accept(index, request_id, user_id):
        with app.app_context(), app.test_request_context():
            user = _db.session.get(User, user_id)
            support_request = services.request_for_user(request_id, user)
            proposal_id = support_request.latest_proposal.id
            ready.wait()
            try:
                with unit_of_work():
                    services.accept(support_request, proposal_id, user)
                outcomes[index] = "booked"
            except ActionRefused as refusal:
                outcomes[index] = refusal.message
            finally:
                _db.session.remove()

    threads = [
        threading.Thread(target=accept, args=(index, *attempt))
        for index, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert None not in outcomes, "a thread failed with something other than a refusal"
    return outcomes


def _bookings_and_units(app, offer_id):
    with app.app_context():
        bookings = _db.session.scalar(select(func.count()).select_from(Booking))
        offer = _db.session.get(Offer, offer_id)
        result = bookings, offer.units_booked, offer.capacity_left
        _db.session.remove()
    return result


@pytest.fixture
def two_offering_users(schools):
    return schools.offering_lead.id, schools.offering_member.id


def test_the_same_proposal_accepted_twice_at_once_books_once(app, schools, two_offering_users):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=4)
    offer_id, request_id = schools.offer.id, support_request.id
    _db.session.remove()
    outcomes = _accept_at_once(app, [(request_id, user) for user in two_offering_users])
    assert sorted(outcome == "booked" for outcome in outcomes) == [False, True]
    assert _bookings_and_units(app, offer_id) == (1, 4, 6)
    with app.app_context():
        assert _db.session.get(SupportRequest, request_id).status == "agreed"
        _db.session.remove()


def test_two_requests_wanting_more_than_is_left_book_only_one(app, schools, two_offering_users):
    first = make_request(schools.offer, author=schools.seeking_member, quantity=6)
    second = make_request(schools.offer, author=make_member(), quantity=6)
    offer_id = schools.offer.id
    attempts = [(first.id, two_offering_users[0]), (second.id, two_offering_users[1])]
    _db.session.remove()
    outcomes = _accept_at_once(app, attempts)
    assert sorted(outcome == "booked" for outcome in outcomes) == [False, True]
    refused = next(outcome for outcome in outcomes if outcome != "booked")
    assert "not enough capacity left" in refused
    assert _bookings_and_units(app, offer_id) == (1, 6, 4)
    with app.app_context():
        statuses = sorted(
            _db.session.get(SupportRequest, request_id).status
            for request_id in (first.id, second.id)
        )
        _db.session.remove()
    assert statuses == ["agreed", "open"]


def test_many_acceptances_for_the_last_units_never_overbook(app, schools):
    schools.offer.capacity = 3
    _db.session.commit()
    attempts = []
    for _ in range(6):
        support_request = make_request(schools.offer, quantity=1)
        attempts.append((support_request.id, make_member(schools.offering).id))
    offer_id = schools.offer.id
    _db.session.remove()
    outcomes = _accept_at_once(app, attempts)
    assert outcomes.count("booked") == 3
    assert _bookings_and_units(app, offer_id) == (3, 3, 0)


def test_one_request_sent_twice_at_once_is_made_once(app, schools):
    """A double click on "Send request": both copies arrive together."""
    offer_id, user_id = schools.offer.id, schools.seeking_member.id
    _db.session.remove()
    ready = threading.Barrier(2, timeout=20)
    outcomes = []

    def send():
        with app.app_context(), app.test_request_context():
            offer, user = _db.session.get(Offer, offer_id), _db.session.get(User, user_id)
            terms = good_terms()
            ready.wait()
            try:
                with unit_of_work():
                    services.start_request(offer, user, "Coaching, please.", terms)
                outcomes.append("sent")
            except ActionRefused as refusal:
                outcomes.append(refusal.message)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcome == "sent" for outcome in outcomes) == [False, True]
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(SupportRequest)) == 1
        _db.session.remove()
