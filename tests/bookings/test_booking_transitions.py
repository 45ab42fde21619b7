"""The BOOKING table, every state × action × party: what is allowed moves the booking on,
everything else is refused with a message and changes nothing."""

import itertools

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.bookings.models import Booking
from elp.bookings.transitions import BOOKING
from elp.errors import ActionRefused
from elp.extensions import db as _db

STATES = ("confirmed", "delivered", "completed", "cancelled")
ACTIONS = ("deliver", "complete", "cancel")
PARTIES = ("seeking", "offering", "system")

# Written out by hand from PRODUCT.md 3.6, so the table is checked, not copied.
ALLOWED = {
    ("confirmed", "deliver", "offering"): "delivered",
    ("delivered", "complete", "seeking"): "completed",
    ("delivered", "complete", "system"): "completed",
    ("confirmed", "cancel", "seeking"): "cancelled",
    ("confirmed", "cancel", "offering"): "cancelled",
}
EVERY_CASE = list(itertools.product(STATES, ACTIONS, PARTIES))


def booking_events():
    """The audit events about bookings (making one also issues its service charge)."""
    return select(AuditEvent).where(AuditEvent.subject_type == "Booking")


def put_in_state(booking, state):
    booking.status = state
    _db.session.commit()
    return booking.version


@pytest.mark.parametrize(("state", "action", "party"), EVERY_CASE)
def test_the_table_allows_exactly_what_the_product_says(parties, state, action, party):
    booking = parties.booking
    version = put_in_state(booking, state)
    actor = None if party == "system" else parties.user(party)
    target = ALLOWED.get((state, action, party))

    if target is None:
        with pytest.raises(ActionRefused) as refusal:
            BOOKING.apply(booking, action, party, actor)
        _db.session.rollback()
        assert refusal.value.message
        assert (booking.status, booking.version) == (state, version)
        assert _db.session.scalars(booking_events()).all() == []
    else:
        BOOKING.apply(booking, action, party, actor)
        _db.session.commit()
        assert booking.status == target
        assert booking.version == version + 1
        event = _db.session.scalars(booking_events()).one()
        assert (event.subject_type, event.subject_id) == ("Booking", booking.id)
        assert event.details["party"] == party


@pytest.mark.parametrize(("state", "action", "party"), [c for c in EVERY_CASE if c[2] != "system"])
def test_each_user_action_over_http_is_allowed_or_refused_as_the_table_says(
    parties, login_as, state, action, party
):
    """Through the pages, as each school would do it (the service's own timers use no page)."""
    booking = parties.booking
    put_in_state(booking, state)
    client = login_as(parties.user(party))
    data = {"reason": "The expert is ill."} if action == "cancel" else {}

    response = client.post(f"/bookings/{booking.id}/{action}", data=data)

    _db.session.expire_all()
    target = ALLOWED.get((state, action, party))
    if target is None:
        assert response.status_code == 409
        assert "Sorry, you cannot do that" in response.get_data(as_text=True)
        assert _db.session.get(Booking, booking.id).status == state
    else:
        assert response.status_code == 302
        assert _db.session.get(Booking, booking.id).status == target


def test_a_refusal_says_who_may_act_or_why_not(parties):
    booking = parties.booking
    with pytest.raises(ActionRefused, match="only the school that made the offer can"):
        BOOKING.check(booking.status, "deliver", "seeking")
    put_in_state(booking, "delivered")
    with pytest.raises(ActionRefused, match="A delivered booking cannot be cancelled. It has been"):
        BOOKING.check(booking.status, "cancel", "offering")


def test_the_buttons_come_from_the_table():
    def labels(state, party):
        return [t.label for t in BOOKING.actions_for(state, party)]

    assert labels("confirmed", "offering") == ["Mark as delivered", "Cancel booking"]
    assert labels("confirmed", "seeking") == ["Cancel booking"]
    assert labels("delivered", "seeking") == ["Confirm completed"]
    assert labels("delivered", "offering") == []
    assert labels("completed", "seeking") == labels("cancelled", "offering") == []
