"""A delivered booking completes by itself BOOKING_AUTO_COMPLETE_DAYS after delivery, once,
whoever else acts on it at the same moment."""

import threading
from datetime import timedelta

import pytest

from elp.bookings import timers
from elp.bookings.models import Booking
from elp.extensions import db as _db
from elp.timeutil import utcnow
from tests.factories import make_booking

NOW = utcnow()


@pytest.fixture
def delivered(app, db):
    """A booking delivered exactly BOOKING_AUTO_COMPLETE_DAYS (14) before NOW."""
    booking = make_booking()
    booking.status = "delivered"
    booking.delivered_at = NOW - timedelta(days=app.config["BOOKING_AUTO_COMPLETE_DAYS"])
    _db.session.commit()
    return booking.id


def _booking(booking_id):
    _db.session.expire_all()
    return _db.session.get(Booking, booking_id)


def test_a_booking_completes_fourteen_days_after_delivery_not_before(delivered):
    assert timers.complete_delivered_bookings(NOW - timedelta(seconds=1)) == 0
    assert _booking(delivered).status == "delivered"

    assert timers.complete_delivered_bookings(NOW) == 1

    booking = _booking(delivered)
    assert (booking.status, booking.completed_at) == ("completed", NOW)
    assert timers.complete_delivered_bookings(NOW) == 0


def test_a_confirmed_booking_not_yet_delivered_is_left_alone(db):
    booking = make_booking()
    assert timers.complete_delivered_bookings(NOW + timedelta(days=100)) == 0
    assert _booking(booking.id).status == "confirmed"


def test_two_ticks_at_once_complete_a_booking_once(app, delivered):
    start, results = threading.Barrier(2), []

    def tick():
        with app.app_context():
            start.wait(10)
            results.append(timers.complete_delivered_bookings(NOW))
            _db.session.remove()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results) == [0, 1]
    events = _db.session.scalar(
        _db.text("SELECT count(*) FROM audit_event WHERE action = 'booking.completed'")
    )
    assert events == 1


def test_a_tick_that_read_the_booking_before_it_changed_skips_it(app, delivered):
    read, acted, outcome = threading.Event(), threading.Event(), {}

    def stale_tick():
        with app.app_context():
            booking = _db.session.get(Booking, delivered)
            read.set()
            acted.wait(10)
            outcome["completed"] = timers.complete_booking(booking, NOW)
            _db.session.remove()

    thread = threading.Thread(target=stale_tick)
    thread.start()
    read.wait(10)
    with app.app_context():
        assert timers.complete_delivered_bookings(NOW) == 1
        _db.session.remove()
    acted.set()
    thread.join(30)

    assert outcome == {"completed": False}
    assert _booking(delivered).status == "completed"
