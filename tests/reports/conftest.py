"""Helpers for the report tests: requests and bookings at chosen times, and CSV reading."""

import csv
import io

import pytest

from elp.extensions import db as _db
from tests.factories import days, make_admin, make_booking, make_request

TWO_DAYS = days(2)


@pytest.fixture
def admin_client(db, login_as):
    return login_as(make_admin())


def request_at(when, school, offer, outcome=None, agreed_after=TWO_DAYS, quantity=2):
    """A request sent at `when` by a member of `school`; with an outcome (confirmed,
    completed or cancelled), the booking it became, agreed `agreed_after` later."""
    request = make_request(offer=offer, seeking_school=school, quantity=quantity)
    request.created_at = when
    booking = None
    if outcome:
        booking = make_booking(request=request)
        booking.created_at = when + agreed_after
        booking.status = outcome
    _db.session.commit()
    return request, booking


def read_csv(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
