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
from elp.timeutil import uk_today
from tests.bookings.conftest import last_session_form
from tests.factories import make_admin

STATES = ("confirmed", "delivered", "disputed", "completed", "cancelled")
ACTIONS = (
    "deliver",
    "complete",
    "cancel",
    "report_problem",
    "resolve_completed",
    "resolve_cancelled",
    "set_session_dates",
)
PARTIES = ("seeking", "offering", "system", "admin")

# Written out by hand from PRODUCT.md 3.6 and issue 19, so the table is checked, not copied.
ALLOWED = {
    ("confirmed", "deliver", "offering"): "delivered",
    ("delivered", "complete", "seeking"): "completed",
    ("delivered", "complete", "system"): "completed",
    ("confirmed", "cancel", "seeking"): "cancelled",
    ("confirmed", "cancel", "offering"): "cancelled",
    ("delivered", "report_problem", "seeking"): "disputed",
    ("disputed", "resolve_completed", "admin"): "completed",
    ("disputed", "resolve_cancelled", "admin"): "cancelled",
    # Session dates keep the booking confirmed.
    ("confirmed", "set_session_dates", "seeking"): "confirmed",
    ("confirmed", "set_session_dates", "offering"): "confirmed",
}
EVERY_CASE = list(itertools.product(STATES, ACTIONS, PARTIES))
SCHOOLS = ("seeking", "offering")
SCHOOL_ACTIONS = ("deliver", "complete", "cancel", "report_problem", "set_session_dates")
ADMIN_ACTIONS = ("resolve_completed", "resolve_cancelled")


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
    if party == "system":
        actor = None
    else:
        actor = make_admin() if party == "admin" else parties.user(party)
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


def school_form(action, booking):
    """What a school fills in for each action, valid for a booking in the right state."""
    day = uk_today()
    return {
        "cancel": {"reason": "The expert is ill."},
        "report_problem": {"reason": "Only one of the three days took place."},
        "deliver": last_session_form(day),
        "set_session_dates": {"session_dates": f"{day.day}/{day.month}/{day.year}"},
    }.get(action, {})


PATHS = {"report_problem": "report-problem", "set_session_dates": "session-dates"}


@pytest.mark.parametrize(
    ("state", "action", "party"), list(itertools.product(STATES, SCHOOL_ACTIONS, SCHOOLS))
)
def test_each_school_action_over_http_is_allowed_or_refused_as_the_table_says(
    parties, login_as, state, action, party
):
    """Through the pages, as each school would do it (the service's own timers use no page)."""
    booking = parties.booking
    version = put_in_state(booking, state)
    client = login_as(parties.user(party))

    path = PATHS.get(action, action)
    response = client.post(f"/bookings/{booking.id}/{path}", data=school_form(action, booking))

    _db.session.expire_all()
    after = _db.session.get(Booking, booking.id)
    target = ALLOWED.get((state, action, party))
    if target is None:
        assert response.status_code == 409
        assert "Sorry, you cannot do that" in response.get_data(as_text=True)
        assert (after.status, after.version) == (state, version)
    else:
        assert response.status_code == 302
        assert (after.status, after.version) == (target, version + 1)


@pytest.mark.parametrize(("state", "action"), list(itertools.product(STATES, ADMIN_ACTIONS)))
def test_each_admin_action_over_http_is_allowed_or_refused_as_the_table_says(
    parties, login_as, state, action
):
    booking = parties.booking
    version = put_in_state(booking, state)
    client = login_as(make_admin())

    response = client.post(
        f"/admin/bookings/{booking.id}",
        data={"outcome": action.removeprefix("resolve_"), "reason": "Both schools agreed."},
    )

    _db.session.expire_all()
    after = _db.session.get(Booking, booking.id)
    target = ALLOWED.get((state, action, "admin"))
    if target is None:
        assert response.status_code == 409
        assert "cannot be resolved as" in response.get_data(as_text=True)
        assert (after.status, after.version) == (state, version)
    else:
        assert response.status_code == 302
        assert (after.status, after.version) == (target, version + 1)


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

    assert labels("confirmed", "offering") == [
        "Mark as delivered",
        "Cancel booking",
        "Set the session dates",
    ]
    assert labels("confirmed", "seeking") == ["Cancel booking", "Set the session dates"]
    assert labels("delivered", "seeking") == ["Confirm completed", "Report a problem"]
    assert labels("delivered", "offering") == []
    assert labels("disputed", "seeking") == labels("disputed", "offering") == []
    assert labels("disputed", "admin") == ["Resolve as completed", "Resolve as cancelled"]
    assert labels("completed", "seeking") == labels("cancelled", "offering") == []
