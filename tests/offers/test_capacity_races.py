"""The offering school lowers an offer's capacity while another school's acceptance books
units from it: whichever comes first, the capacity left never goes below zero, and the
school editing is told why its capacity was refused.

Each side runs in its own thread with its own database connection, as on two workers. Run
on SQLite by default and on PostgreSQL with ELP_TEST_DATABASE_URL set.
"""

import threading

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError

from elp.accounts.models import User
from elp.bookings.models import Booking
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.negotiation import services as negotiation
from elp.offers import services
from elp.offers.models import Offer
from elp.unit_of_work import unit_of_work
from tests.factories import make_lead, make_member, make_offer, make_request


@pytest.fixture
def offer_and_request(db):
    """A published offer of 10 days, nothing booked yet, and a request for 6 of them."""
    lead = make_lead()
    offer = make_offer(
        lead.school, "Phonics catch-up", capacity=10, price_pence=35000, districts=("Harlow",)
    )
    support_request = make_request(offer, quantity=6)
    accepter = make_member(offer.school)
    ids = offer.id, support_request.id, lead.id, accepter.id
    db.session.remove()
    return ids


def _accept(app, request_id, user_id, ready=None):
    with app.app_context(), app.test_request_context():
        try:
            user = _db.session.get(User, user_id)
            support_request = negotiation.request_for_user(request_id, user)
            proposal_id = support_request.latest_proposal.id
            if ready is not None:
                ready.wait()
            with unit_of_work():
                negotiation.accept(support_request, proposal_id, user)
            return "booked"
        except ActionRefused as refusal:
            return refusal.message
        finally:
            _db.session.remove()


def _lower_capacity(app, offer_id, user_id, capacity, ready=None):
    with app.app_context():
        try:
            offer, user = _db.session.get(Offer, offer_id), _db.session.get(User, user_id)
            details = services.details_of(offer)
            details.capacity = capacity
            # What the form checks, against the offer as read: nothing booked, so it passes.
            assert services.check_offer_details(details.tidied(), offer.school, offer) == {}
            if ready is not None:
                ready.wait()
            with unit_of_work():
                services.update_offer(offer, details, user)
            return "changed"
        except ActionRefused as refusal:
            return refusal.message
        finally:
            _db.session.remove()


def _offer_now(app, offer_id):
    with app.app_context():
        offer = _db.session.get(Offer, offer_id)
        bookings = len(_db.session.scalars(select(Booking.id)).all())
        result = offer.capacity, offer.units_booked, bookings
        _db.session.remove()
    return result


def test_lowering_capacity_while_an_acceptance_books_lets_only_one_through(app, offer_and_request):
    offer_id, request_id, lead_id, accepter_id = offer_and_request
    ready = threading.Barrier(2, timeout=20)
    outcomes = {}
    threads = [
        threading.Thread(
            target=lambda: outcomes.update(edit=_lower_capacity(app, offer_id, lead_id, 5, ready))
        ),
        threading.Thread(
            target=lambda: outcomes.update(accept=_accept(app, request_id, accepter_id, ready))
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    capacity, booked, bookings = _offer_now(app, offer_id)
    assert booked <= capacity
    if outcomes["accept"] == "booked":
        assert outcomes["edit"] == "Capacity cannot be less than the 6 days already booked"
        assert (capacity, booked, bookings) == (10, 6, 1)
    else:
        assert outcomes["edit"] == "changed"
        assert "not enough capacity left: the offer has 5 days left" in outcomes["accept"]
        assert (capacity, booked, bookings) == (5, 0, 0)


def test_a_capacity_edit_checked_before_a_booking_is_refused_on_the_page(
    app, db, client, login_as, offer_form
):
    """The school's form passes its check (nothing booked yet); between that and the save,
    another school's acceptance books 6 of the 10 days on another connection. The edit to 5
    is refused with the GOV.UK error pattern, and the 6 days stay booked."""
    lead = make_lead()
    client = login_as(lead)
    client.post("/offers/new", data=offer_form(capacity="10"))
    offer = db.session.scalars(select(Offer)).one()
    support_request = make_request(offer, quantity=6)
    accepter = make_member(offer.school)
    offer_id, request_id, accepter_id = offer.id, support_request.id, accepter.id
    accepted = []

    def book_first(connection, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE offer SET capacity") and not accepted:
            other = threading.Thread(
                target=lambda: accepted.append(_accept(app, request_id, accepter_id))
            )
            other.start()
            other.join(30)

    event.listen(db.engine, "before_cursor_execute", book_first)
    try:
        response = client.post(f"/offers/{offer_id}/edit", data=offer_form(capacity="5"))
    finally:
        event.remove(db.engine, "before_cursor_execute", book_first)

    page = response.get_data(as_text=True)
    assert accepted == ["booked"]
    assert response.status_code == 200
    assert "<title>Error: " in page and "govuk-error-summary" in page
    assert 'href="#capacity">Capacity cannot be less than the 6 days already booked' in page
    assert 'value="5"' in page  # what was typed is kept
    assert _offer_now(app, offer_id) == (10, 6, 1)


def test_an_acceptance_after_the_capacity_was_lowered_says_what_is_left_now(app, offer_and_request):
    offer_id, request_id, lead_id, accepter_id = offer_and_request
    read = threading.Event()
    lowered = threading.Event()

    def accept_late():
        with app.app_context(), app.test_request_context():
            try:
                user = _db.session.get(User, accepter_id)
                support_request = negotiation.request_for_user(request_id, user)
                assert support_request.offer.capacity == 10  # the offer as read
                read.set()
                lowered.wait(20)
                with unit_of_work():
                    negotiation.accept(support_request, support_request.latest_proposal.id, user)
                outcome.append("booked")
            except ActionRefused as refusal:
                outcome.append(refusal.message)
            finally:
                _db.session.remove()

    outcome = []
    thread = threading.Thread(target=accept_late)
    thread.start()
    read.wait(20)
    assert _lower_capacity(app, offer_id, lead_id, 5) == "changed"
    lowered.set()
    thread.join(30)

    assert outcome == [
        (
            "There is not enough capacity left: the offer has 5 days left this year and this "
            "would book 6. Make a counter-proposal for 5 or fewer."
        )
    ]
    assert _offer_now(app, offer_id) == (5, 0, 0)


@pytest.mark.parametrize(
    ("values", "why"),
    [({"capacity": 2}, "a capacity below what is booked"),
     ({"units_booked": 11}, "more booked than the capacity"),
     ({"units_booked": -1}, "fewer than no units booked")],
)  # fmt: skip
def test_the_database_itself_refuses_bookings_beyond_the_capacity(db, values, why):
    offer = make_offer(capacity=10)
    offer.units_booked = 3
    db.session.commit()

    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(update(Offer).where(Offer.id == offer.id).values(**values))

    db.session.expire_all()
    assert (offer.capacity, offer.units_booked) == (10, 3), why
