"""An offer's capacity cannot be edited below the units its bookings already take."""

from sqlalchemy import select

from elp.offers.models import Offer
from tests.factories import make_booking, make_lead


def test_capacity_below_what_is_booked_is_refused_and_nothing_changes(db, login_as, offer_form):
    lead = make_lead()
    client = login_as(lead)
    client.post("/offers/new", data=offer_form(capacity="12"))
    offer = db.session.scalars(select(Offer)).one()
    make_booking(offer=offer, quantity=5)

    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(capacity="4"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Error: " in page
    assert "Capacity cannot be less than the 5 days already booked" in page
    assert 'value="4"' in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).capacity == 12


def test_capacity_down_to_exactly_what_is_booked_is_accepted(db, login_as, offer_form):
    client = login_as(make_lead())
    client.post("/offers/new", data=offer_form(capacity="12"))
    offer = db.session.scalars(select(Offer)).one()
    make_booking(offer=offer, quantity=1)

    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(capacity="1"))

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).capacity_left == 0
    page = client.post(f"/offers/{offer.id}/edit", data=offer_form(capacity="0"))
    assert "Capacity must be a whole number from 1 to 1,000" in page.get_data(as_text=True)
