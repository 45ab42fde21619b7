"""A booking between two schools, each with a lead and a member, for the booking tests."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from elp.bookings.models import Booking
from elp.extensions import db as _db
from elp.notifications import mailer
from elp.notifications.models import OutboxEmail
from elp.timeutil import uk_today
from tests.factories import make_booking, make_lead, make_member, make_offer, make_school


@dataclass
class Parties:
    booking: Booking
    offering_lead: object
    offering_member: object
    seeking_lead: object
    seeking_member: object

    def user(self, party, role="member"):
        """A user of the seeking or offering school."""
        return getattr(self, f"{party}_{role}")


@pytest.fixture
def parties(db):
    offering = make_school(name="Kingswood Meadow Primary")
    seeking = make_school(name="Harlow Fields Infants")
    offering_lead = make_lead(offering, full_name="Helen Carter", email="helen@kingswood.example")
    seeking_lead = make_lead(seeking, full_name="David Okafor", email="david@harlow.example")
    offering_member = make_member(offering)
    seeking_member = make_member(seeking)
    offer = make_offer(offering, "Phonics catch-up", capacity=10)
    # Agreed as a window that opened a week ago, so the work may already be delivered.
    today = uk_today()
    booking = make_booking(
        offer=offer,
        author=seeking_member,
        accepted_by=offering_member,
        quantity=3,
        earliest_start=today - timedelta(days=7),
        latest_end=today + timedelta(days=60),
    )
    # Forget the booking's invoice email to the seeking school's lead (tests/billing proves
    # it), so each test counts only the emails its own actions send.
    _db.session.execute(OutboxEmail.__table__.delete())
    _db.session.commit()
    mailer.sent_messages.clear()
    return Parties(booking, offering_lead, offering_member, seeking_lead, seeking_member)


@pytest.fixture
def in_request(app, db):
    """A request context, as services that link to pages run in (notifications build URLs)."""
    with app.test_request_context():
        yield


def last_session_form(day=None):
    """The "When was the last session?" form, as a school fills it in (today by default)."""
    day = day or uk_today()
    return {"last_session_on": [str(day.day), str(day.month), str(day.year)]}
