"""`elp tick`: runs every timer, says what it did, and acts once however often it runs."""

import threading
from datetime import timedelta

import pytest

from elp.bookings.models import Booking
from elp.extensions import db as _db
from elp.negotiation.models import SupportRequest
from elp.notifications.models import Notification, OutboxEmail
from elp.timers import tick
from elp.timeutil import utcnow
from tests.factories import make_booking, make_member, make_request


@pytest.fixture
def due(app, db):
    """Two requests past expiry, one a day from it, one booking delivered 15 days ago,
    each school with one user."""
    now = utcnow()
    requests = [make_request() for _ in range(3)]
    for request in requests:
        make_member(request.offering_school)
    requests[0].expires_at = requests[1].expires_at = now - timedelta(minutes=1)
    requests[2].expires_at = now + timedelta(hours=6)
    booking = make_booking()
    booking.status, booking.delivered_at = "delivered", now - timedelta(days=15)
    _db.session.commit()
    return [request.id for request in requests], booking.id


def _count(model):
    return _db.session.scalar(_db.select(_db.func.count()).select_from(model))


def test_elp_tick_says_what_it_did_and_sends_the_emails(runner, due, sent_emails):
    result = runner.invoke(args=["tick"])

    assert result.exit_code == 0, result.output
    assert result.output == "Expired 2 requests, sent 1 reminder, completed 1 booking.\n"
    assert len(sent_emails) == 5  # 2 schools × 2 expiries, 1 reminder
    assert _count(OutboxEmail) == 5


def test_a_second_tick_in_a_row_does_nothing(runner, due):
    runner.invoke(args=["tick"])
    notifications = _count(Notification)

    result = runner.invoke(args=["tick"])

    assert result.output == "Expired 0 requests, sent 0 reminders, completed 0 bookings.\n"
    assert _count(Notification) == notifications


def test_two_ticks_at_once_act_once(app, due):
    request_ids, booking_id = due
    start, reports, errors = threading.Barrier(2), [], []

    def run_tick():
        with app.app_context():
            try:
                start.wait(10)
                reports.append(tick())
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run_tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(report.expired for report in reports) == 2
    assert sum(report.reminded for report in reports) == 1
    assert sum(report.completed for report in reports) == 1
    assert _count(Notification) == 5
    assert _count(OutboxEmail) == 5
    statuses = [_db.session.get(SupportRequest, id).status for id in request_ids]
    assert statuses == ["expired", "expired", "open"]
    assert _db.session.get(Booking, booking_id).status == "completed"
