"""`elp demo` adds negotiations between the demo schools in every state, made through the
services, so each screen has something to show; loading again changes nothing."""

from sqlalchemy import func, select

from elp.bookings.models import Booking, BookingStatus, Feedback
from elp.demo import load_demo
from elp.negotiation.models import Message, Proposal, RequestStatus, SupportRequest
from elp.notifications.models import Notification


def _counts(db, column):
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


def test_the_demo_has_requests_and_bookings_in_every_state(db):
    result = load_demo()
    assert result.requests_created == 10
    assert set(_counts(db, SupportRequest.status)) == set(RequestStatus)
    assert set(_counts(db, Booking.status)) == set(BookingStatus)
    # A real back-and-forth: a counter-proposal, a message, feedback from both schools.
    assert db.session.scalar(select(func.count()).select_from(Proposal)) > 9
    assert db.session.scalar(select(func.count()).select_from(Message)) >= 1
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 2
    assert db.session.scalar(select(func.count()).select_from(Notification)) > 0


def test_loading_the_demo_twice_adds_no_second_negotiation(db):
    load_demo()
    before = (_counts(db, SupportRequest.status), _counts(db, Booking.status))
    again = load_demo()
    assert again.requests_created == 0 and not again.changed_anything
    assert (_counts(db, SupportRequest.status), _counts(db, Booking.status)) == before
