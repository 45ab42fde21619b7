"""An edit carries the version of the offer it was started from: an edit started before
someone else changed the offer is refused, with what was typed kept, rather than laid over
their change; saving again from the refusal then means it.

The race runs the colleague's edit in a thread with its own app context, so its own
database session and connection, as a request on another worker would, while the page's
request is held after its checks, just before it writes.
"""

import re
import threading

import pytest

from elp.accounts.models import User
from elp.extensions import db as _db
from elp.offers import services
from elp.offers.models import Offer
from tests.factories import committed, make_lead, make_member, make_offer

CHANGED_MEANWHILE = "Someone else changed this offer while you were changing it"


@pytest.fixture
def offer(db, categories):
    offer = make_offer(status="published", serves_all_districts=True, capacity=12)
    make_lead(school=offer.school)
    make_member(school=offer.school)
    db.session.commit()
    return offer


def _lead_and_member(offer):
    users = sorted(offer.school.users, key=lambda user: user.role)
    return users[0], users[1]


def _started_from(client, offer):
    page = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _summary(app, offer_id):
    with app.app_context():
        summary = _db.session.get(Offer, offer_id).summary
        _db.session.remove()
    return summary


def test_the_second_of_two_edits_from_one_version_is_refused_and_keeps_its_input(
    app, db, client, login_as, offer, offer_form
):
    lead, member = _lead_and_member(offer)
    offer_id = offer.id
    login_as(member)
    member_started_from = _started_from(client, offer)
    login_as(lead)
    lead_started_from = _started_from(client, offer)
    assert member_started_from == lead_started_from

    first = client.post(
        f"/offers/{offer_id}/edit",
        data=offer_form(summary="The lead’s summary.", version=lead_started_from),
    )
    assert first.status_code == 302
    login_as(member)
    second = client.post(
        f"/offers/{offer_id}/edit",
        data=offer_form(summary="The member’s summary.", version=member_started_from),
    )

    page = second.get_data(as_text=True)
    assert second.status_code == 200
    assert CHANGED_MEANWHILE in page
    assert 'href="#version"' in page  # the error summary links to the message
    assert "The member’s summary." in page  # what the member typed is kept
    assert _summary(app, offer_id) == "The lead’s summary."  # and nothing of it saved

    # Saving again from the refusal lays the member's details over the lead's, knowingly.
    again = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert again != member_started_from
    third = client.post(
        f"/offers/{offer_id}/edit",
        data=offer_form(summary="The member’s summary.", version=again),
    )
    assert third.status_code == 302
    assert _summary(app, offer_id) == "The member’s summary."


def test_two_edits_saved_at_once_from_one_version_have_one_winner(
    app, db, client, login_as, offer, offer_form, hold_before_writing
):
    lead, member = _lead_and_member(offer)
    offer_id, member_id = offer.id, member.id
    login_as(lead)
    started_from = _started_from(client, offer)
    holding, released = hold_before_writing
    colleague = {}

    def member_saves():
        with app.app_context():
            try:
                if holding.wait(10):
                    same_offer = _db.session.get(Offer, offer_id)
                    details = services.details_of(same_offer)
                    details.summary = "The member’s summary."
                    colleague["changed"] = committed(
                        services.update_offer, same_offer, details,
                        _db.session.get(User, member_id), started_from=int(started_from),
                    )  # fmt: skip
            finally:
                _db.session.remove()
                released.set()

    thread = threading.Thread(target=member_saves)
    thread.start()
    # The offer's own capacity: a new one is written at once, and would hold the member up.
    response = client.post(
        f"/offers/{offer_id}/edit",
        data=offer_form(summary="The lead’s summary.", capacity="12", version=started_from),
    )
    thread.join(20)

    assert colleague["changed"] == ["summary"]
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert CHANGED_MEANWHILE in page
    assert "The lead’s summary." in page
    assert _summary(app, offer_id) == "The member’s summary."
