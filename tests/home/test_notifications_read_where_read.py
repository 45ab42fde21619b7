"""Opening a request, a booking or a charge marks the user's notifications about it read:
the header's count drops on that very page, and only that user's, only about that thing."""

import re

import pytest

from elp.billing.models import Charge
from elp.extensions import db as _db
from elp.notifications.in_app import notify
from elp.notifications.models import Notification
from tests.factories import make_booking, make_member, make_offer, make_request, make_school
from tests.queries import statements_run


@pytest.fixture
def schools(db):
    harlow, brentwood = make_school(name="Harlow Primary"), make_school(name="Brentwood High")
    offer = make_offer(harlow, "Phonics catch-up")
    return harlow, brentwood, offer, make_member(harlow), make_member(brentwood)


def _notify(school, endpoint, **values):
    notify(school.id, "message", "Something happened", endpoint, **values)
    _db.session.commit()


def _header_count(page):
    found = re.search(r"Notifications\s*\((\d+)<", page)
    return int(found.group(1)) if found else 0


def _unread(user):
    return _db.session.scalar(
        _db.select(_db.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def test_opening_a_request_marks_its_notifications_read_and_the_count_drops(
    client, login_as, schools
):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    request = make_request(offer, author=brentwood_member)
    other = make_request(make_offer(harlow, "Reading recovery"), author=brentwood_member)
    colleague = make_member(harlow)
    _notify(harlow, "negotiation.show", request_id=request.id)
    _notify(harlow, "negotiation.show", request_id=request.id)
    _notify(harlow, "negotiation.show", request_id=other.id)
    client = login_as(harlow_member)
    assert _header_count(client.get("/").get_data(as_text=True)) == 3

    page = client.get(f"/requests/{request.id}").get_data(as_text=True)

    assert _header_count(page) == 1  # the other request's notification is still unread
    assert _unread(harlow_member) == 1
    assert _unread(colleague) == 3  # each user reads for themselves


def test_opening_a_booking_marks_its_notifications_read(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    booking = make_booking(make_request(offer, author=brentwood_member))
    _notify(brentwood, "bookings.show", booking_id=booking.id)
    _notify(brentwood, "negotiation.show", request_id=booking.request_id)

    client = login_as(brentwood_member)
    page = client.get(f"/bookings/{booking.id}").get_data(as_text=True)

    assert _header_count(page) == 1
    assert _unread(brentwood_member) == 1


def test_opening_a_charge_marks_its_notifications_read(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    booking = make_booking(make_request(offer, author=brentwood_member))
    charge = _db.session.scalar(_db.select(Charge).where(Charge.booking_id == booking.id))
    _notify(brentwood, "charges.show", charge_id=charge.id)

    client = login_as(brentwood_member)
    assert client.get(f"/charges/{charge.id}").status_code == 200

    assert _unread(brentwood_member) == 0


def test_another_schools_request_by_id_marks_nothing_and_is_not_found(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    request = make_request(offer, author=brentwood_member)
    _notify(harlow, "negotiation.show", request_id=request.id)
    outsider = make_member(make_school(name="Maldon Infants"))

    assert login_as(outsider).get(f"/requests/{request.id}").status_code == 404
    assert _unread(harlow_member) == 1


def test_a_page_with_nothing_unread_about_it_writes_nothing(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    booking = make_booking(make_request(offer, author=brentwood_member))
    client = login_as(brentwood_member)
    client.get(f"/bookings/{booking.id}")

    with statements_run(_db.engine) as statements:
        assert client.get(f"/bookings/{booking.id}").status_code == 200

    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []
