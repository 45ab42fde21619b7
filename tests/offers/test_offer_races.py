"""Two members acting on the same offer at once: exactly one wins, the other is told.

Each member is a separate app context, so a separate database session and connection,
as two requests on two workers would be.
"""

import threading

import pytest

from elp.accounts.models import User
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.offers import services
from elp.offers.models import Offer
from elp.unit_of_work import unit_of_work
from tests.factories import make_lead, make_offer


@pytest.fixture
def published_offer(app, db):
    offer = make_offer(status="published", serves_all_districts=True)
    lead = make_lead(school=offer.school)
    db.session.commit()
    return offer.id, lead.id


def _race(app, offer_id, user_id, first_action, second_action):
    """The first member reads the offer; the second reads it and acts (and commits); then
    the first acts on what it read. Return the first member's outcome and the offer's status."""
    read, acted, outcome = threading.Event(), threading.Event(), {}

    def first_member():
        with app.app_context():
            offer = _db.session.get(Offer, offer_id)
            user = _db.session.get(User, user_id)
            read.set()
            acted.wait(10)
            try:
                with unit_of_work():
                    first_action(offer, user)
            except ActionRefused as refusal:
                outcome["refused"] = refusal.message
            _db.session.remove()

    thread = threading.Thread(target=first_member)
    thread.start()
    read.wait(10)
    with app.app_context():
        with unit_of_work():
            second_action(_db.session.get(Offer, offer_id), _db.session.get(User, user_id))
        _db.session.remove()
    acted.set()
    thread.join(20)
    with app.app_context():
        status = _db.session.get(Offer, offer_id).status
        summary = _db.session.get(Offer, offer_id).summary
        _db.session.remove()
    return outcome.get("refused"), status, summary


def test_archive_and_pause_at_once_leave_the_offer_archived(app, published_offer):
    refused, status, _ = _race(
        app,
        *published_offer,
        lambda offer, user: services.change_status(offer, "pause", user),
        lambda offer, user: services.change_status(offer, "archive", user),
    )
    assert refused and refused.startswith("Someone else changed this offer")
    assert status == "archived"


def test_an_edit_racing_a_status_change_is_refused_not_mixed_in(app, published_offer):
    def edit(offer, user):
        details = services.details_of(offer)
        details.summary = "A changed summary"
        services.update_offer(offer, details, user)

    refused, status, summary = _race(
        app,
        *published_offer,
        edit,
        lambda offer, user: services.change_status(offer, "pause", user),
    )
    assert refused and refused.startswith("Someone else changed this offer")
    assert status == "paused" and summary != "A changed summary"


def test_hiding_racing_a_pause_is_refused_not_applied_to_a_changed_offer(app, published_offer):
    refused, status, _ = _race(
        app,
        *published_offer,
        lambda offer, user: services.hide_offer(offer, "The price is wrong.", user),
        lambda offer, user: services.change_status(offer, "pause", user),
    )
    assert refused and refused.startswith("Someone else changed this offer")
    assert status == "paused"
    with app.app_context():
        assert _db.session.get(Offer, published_offer[0]).hidden_at is None
        _db.session.remove()
