"""Two people of one school saving offers with the same title at once: both pass the check
that the school has no offer of that title, and the database keeps one. The second is told
as the check would have told them, on the form, with what they typed kept; never a 500.

The colleague saves in a thread with its own app context, so its own database session and
connection, as a request on another worker would. A session event holds the page's request
after all its checks, just before it writes the offer, until the colleague has committed.
"""

import threading

import pytest
from sqlalchemy import func, select

from elp.accounts.models import User
from elp.extensions import db as _db
from elp.offers import services
from elp.offers.models import Offer
from tests.factories import committed, make_lead, make_member, make_offer

TAKEN = "Your school already has an offer with this title"


@pytest.fixture
def colleagues(db, categories):
    lead = make_lead()
    member = make_member(school=lead.school)
    db.session.commit()
    return lead, member


class Colleague(threading.Thread):
    """In its own thread and connection, once the page is holding: write a draft titled
    `title` and commit, then let the page go on."""

    def __init__(self, app, user_id, title, holding, released):
        super().__init__()
        self.app, self.user_id, self.title = app, user_id, title
        self.holding, self.released = holding, released
        self.saved = False

    def run(self):
        with self.app.app_context():
            try:
                if self.holding.wait(10):
                    user = _db.session.get(User, self.user_id)
                    details = services.OfferDetails(title=self.title)
                    committed(services.create_offer, user.school, details, user)
                    self.saved = True
            finally:
                _db.session.remove()
                self.released.set()


def _colleague_saves(*args):
    colleague = Colleague(*args)
    colleague.start()
    return colleague


def _offers_titled(app, title):
    with app.app_context():
        count = _db.session.scalar(
            select(func.count()).select_from(Offer).where(func.lower(Offer.title) == title.lower())
        )
        _db.session.remove()
    return count


def test_two_new_offers_with_one_title_at_once_make_one(
    app, login_as, colleagues, offer_form, hold_before_writing
):
    lead, member = colleagues
    client = login_as(lead)
    thread = _colleague_saves(app, member.id, "Phonics support", *hold_before_writing)

    response = client.post(
        "/offers/new", data=offer_form(title="phonics  SUPPORT", summary="Typed by the lead.")
    )
    thread.join(20)

    assert thread.saved, "the colleague's offer was not saved first"
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TAKEN in page
    assert "Typed by the lead." in page  # what the lead typed is kept
    assert _offers_titled(app, "phonics support") == 1


def test_renaming_an_offer_to_a_title_saved_meanwhile_is_refused(
    app, db, login_as, colleagues, offer_form, hold_before_writing
):
    lead, member = colleagues
    offer = make_offer(lead.school, "Early reading", status="draft")
    client = login_as(lead)
    thread = _colleague_saves(app, member.id, "Phonics support", *hold_before_writing)

    # The same capacity: a new one is written at once, which would make the colleague wait.
    form = offer_form(title="Phonics support", capacity=str(offer.capacity))
    response = client.post(f"/offers/{offer.id}/edit", data=form)
    thread.join(20)

    assert thread.saved, "the colleague's offer was not saved first"
    assert response.status_code == 200
    assert TAKEN in response.get_data(as_text=True)
    assert _offers_titled(app, "phonics support") == 1
    assert _offers_titled(app, "early reading") == 1
