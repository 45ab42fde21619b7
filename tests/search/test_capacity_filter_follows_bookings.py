""""Has capacity left" tells the truth: an offer whose units are all booked leaves it, and
comes back when a booking gives units back, through real acceptances and cancellations (no
offer made with capacity 0). The change reaches this node's index within 1 s and another
node's, which shares only the database, within 2 s. Runs on SQLite, and on PostgreSQL with
ELP_TEST_DATABASE_URL."""

import time

import pytest
from flask import g

from elp import create_app
from elp.bookings.models import Booking
from elp.search import sync
from elp.search.services import SearchRequest, search_offers
from tests.factories import make_member, make_offer, make_request, make_school

SAME_NODE_SECONDS = 1.0
OTHER_NODE_SECONDS = 2.0


def titles_with_capacity_left(q="coaching"):
    found = search_offers(SearchRequest.from_args({"q": q, "has_capacity": "1"}))
    return [hit.title for hit in found.hits]


def seconds_until(condition, within):
    """How long until `condition()` holds, polling; fail if it does not within `within` s."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > within:
            pytest.fail(f"not seen within {within} s")
        time.sleep(0.02)


def as_user(client, login_as, user):
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return login_as(user)


@pytest.fixture
def offer(db):
    offering = make_school(name="Oak Academy")
    return make_offer(offering, "Instructional coaching for new teachers", capacity=5)


def accept_all_units(client, login_as, offer):
    """The seeking school asks for every unit left; the offering school accepts."""
    support_request = make_request(offer, quantity=5)
    as_user(client, login_as, make_member(offer.school))
    response = client.post(f"/requests/{support_request.id}/accept",
                           data={"proposal_id": support_request.latest_proposal.id})  # fmt: skip
    assert response.status_code == 302
    return support_request


def cancel(client, login_as, booking):
    as_user(client, login_as, make_member(booking.offering_school))
    response = client.post(f"/bookings/{booking.id}/cancel",
                           data={"reason": "Our expert has left the school"})  # fmt: skip
    assert response.status_code == 302


def test_an_offer_fully_booked_leaves_the_filter_and_a_cancellation_brings_it_back(
    client, db, login_as, offer
):
    other = make_offer(offer.school, "Coaching for middle leaders", capacity=None)
    assert sorted(titles_with_capacity_left()) == sorted([offer.title, other.title])

    accept_all_units(client, login_as, offer)

    seconds = seconds_until(lambda: titles_with_capacity_left() == [other.title],
                            within=SAME_NODE_SECONDS)  # fmt: skip
    assert seconds <= SAME_NODE_SECONDS
    db.session.expire_all()
    assert offer.capacity == 5 and offer.capacity_left == 0
    # Still found without the filter: booked up is not gone.
    found = search_offers(SearchRequest.from_args({"q": "coaching"}))
    assert found.total == 2 and found.with_capacity == 1

    booking = db.session.scalars(db.select(Booking)).one()
    cancel(client, login_as, booking)

    seconds_until(lambda: offer.title in titles_with_capacity_left(), within=SAME_NODE_SECONDS)


def test_a_booking_that_leaves_units_keeps_the_offer_in_the_filter(client, db, login_as, offer):
    support_request = make_request(offer, quantity=3)
    as_user(client, login_as, make_member(offer.school))
    client.post(f"/requests/{support_request.id}/accept",
                data={"proposal_id": support_request.latest_proposal.id})  # fmt: skip

    db.session.expire_all()
    assert offer.capacity_left == 2
    assert titles_with_capacity_left() == [offer.title]


def test_another_node_sees_the_booking_within_two_seconds(app, client, db, login_as, offer,
                                                          tmp_path):  # fmt: skip
    # A second node: the same database, its own index on its own disk, built from scratch.
    other_node = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                             "INDEX_DIR": str(tmp_path / "other-node-index")})  # fmt: skip

    def on_other_node():
        with other_node.app_context():
            return titles_with_capacity_left()

    with other_node.app_context():
        sync.reindex(other_node)
    assert on_other_node() == [offer.title]

    accept_all_units(client, login_as, offer)
    seconds = seconds_until(lambda: on_other_node() == [], within=OTHER_NODE_SECONDS)
    assert seconds <= OTHER_NODE_SECONDS

    booking = db.session.scalars(db.select(Booking)).one()
    cancel(client, login_as, booking)
    seconds_until(lambda: on_other_node() == [offer.title], within=OTHER_NODE_SECONDS)
    with other_node.app_context():
        from elp.extensions import db as other_db

        other_db.session.remove()
        other_db.engine.dispose()
