"""The negotiation's timers: a reminder a day before expiry, the expiry itself, each once,
whoever else is acting on the request at the same moment."""

import threading
from datetime import timedelta

import pytest

from elp.bookings.models import Booking
from elp.bookings.services import book
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.negotiation import timers
from elp.negotiation.models import SupportRequest
from elp.negotiation.transitions import REQUEST
from elp.notifications.models import Notification
from elp.offers.models import Offer
from elp.parties import Party
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work
from tests.factories import make_member, make_offer, make_request, make_school

NOW = utcnow()


@pytest.fixture
def request_due(db):
    """An open request on Harlow's offer from Tendring, each school with one user, whose
    latest proposal (Tendring's) expires at NOW."""
    harlow, tendring = make_school(name="Harlow Primary"), make_school(name="Tendring Academy")
    offering_user = make_member(harlow)
    request = make_request(make_offer(harlow, "Phonics catch-up"), author=make_member(tendring))
    request.expires_at = NOW
    _db.session.commit()
    return request.id, offering_user.id


def _expires_at(request_id, when):
    request = _db.session.get(SupportRequest, request_id)
    request.expires_at = when
    _db.session.commit()


def _notifications(kind):
    return _db.session.scalars(
        _db.select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    ).all()


def _status(app, request_id):
    with app.app_context():
        status = _db.session.get(SupportRequest, request_id).status
        _db.session.remove()
    return status


# --- Reminders ----------------------------------------------------------------------------


def test_the_school_that_must_answer_is_reminded_once_a_day_before(request_due, sent_emails):
    request_id, harlow_user_id = request_due
    _expires_at(request_id, NOW + timedelta(hours=23))

    assert timers.send_expiry_reminders(NOW) == 1
    assert timers.send_expiry_reminders(NOW) == 0

    (reminder,) = _notifications("expiry_reminder")
    assert reminder.user_id == harlow_user_id
    assert reminder.link == f"/requests/{request_id}"
    assert reminder.text == (
        "Tendring Academy’s proposal for Phonics catch-up expires tomorrow unless you accept "
        "it or make a counter-proposal"
    )
    assert [email["Subject"] for email in sent_emails] == [reminder.text]


def test_no_reminder_more_than_a_day_before(request_due):
    request_id, _ = request_due
    _expires_at(request_id, NOW + timedelta(days=1, seconds=1))

    assert timers.send_expiry_reminders(NOW) == 0
    assert timers.send_expiry_reminders(NOW + timedelta(seconds=1)) == 1


def test_a_counter_proposal_after_the_request_was_found_due_is_not_reminded(request_due):
    request_id, _ = request_due
    old_expiry = NOW + timedelta(hours=2)
    _expires_at(request_id, NOW + timedelta(days=10))  # countered meanwhile

    assert timers._claim_reminder(request_id, old_expiry, NOW) is False


def test_two_ticks_at_once_send_one_reminder(app, request_due):
    request_id, _ = request_due
    _expires_at(request_id, NOW + timedelta(hours=12))

    assert sum(_at_once(app, lambda: timers.send_expiry_reminders(NOW))) == 1
    assert len(_notifications("expiry_reminder")) == 1


# --- Expiry -------------------------------------------------------------------------------


def test_a_request_expires_when_its_latest_proposal_does_and_both_schools_are_told(
    request_due, sent_emails
):
    request_id, _ = request_due
    assert timers.expire_requests(NOW - timedelta(seconds=1)) == 0

    assert timers.expire_requests(NOW) == 1

    request = _db.session.get(SupportRequest, request_id)
    assert (request.status, request.closed_at) == ("expired", NOW)
    assert sorted(n.text for n in _notifications("expired")) == [
        "Tendring Academy’s request for Phonics catch-up expired unanswered",
        "Your request to Harlow Primary for Phonics catch-up expired unanswered",
    ]
    assert len(sent_emails) == 2
    assert timers.expire_requests(NOW) == 0


def test_two_ticks_at_once_expire_a_request_once(app, request_due):
    request_id, _ = request_due

    assert sum(_at_once(app, lambda: timers.expire_requests(NOW))) == 1
    assert len(_notifications("expired")) == 2
    assert _status(app, request_id) == "expired"


def test_a_tick_that_read_the_request_before_another_expired_it_skips_it(app, request_due):
    request_id, _ = request_due

    def other_tick():
        assert timers.expire_requests(NOW) == 1

    expired = _act_on_what_was_read(app, request_id, other_tick,
                                    lambda request: timers.expire_request(request, NOW))

    assert expired is False
    assert len(_notifications("expired")) == 2


def test_a_school_accepting_before_the_tick_acts_wins(app, request_due):
    request_id, harlow_user_id = request_due

    expired = _act_on_what_was_read(
        app, request_id, lambda: _accept(request_id, harlow_user_id),
        lambda request: timers.expire_request(request, NOW),
    )

    assert expired is False
    assert _status(app, request_id) == "agreed"
    assert _notifications("expired") == []


def test_a_tick_expiring_before_the_school_accepts_wins(app, request_due):
    request_id, harlow_user_id = request_due

    def accept_what_was_read(request):
        with pytest.raises(ActionRefused):
            _accept_loaded(request, harlow_user_id)
        return True

    _act_on_what_was_read(
        app, request_id, lambda: timers.expire_requests(NOW), accept_what_was_read
    )

    assert _status(app, request_id) == "expired"
    assert _db.session.scalars(_db.select(Booking)).all() == []
    offer = _db.session.scalar(_db.select(Offer))
    assert offer.units_booked == 0


# --- Helpers: real concurrency, each side in its own app context (session, connection) ---


def _at_once(app, work):
    """Run `work` in two threads at once, each with its own database connection; return
    what each returned."""
    start, results, errors = threading.Barrier(2), [], []

    def run():
        with app.app_context():
            try:
                start.wait(10)
                results.append(work())
            except Exception as error:  # noqa: BLE001  (reported below, naming its cause)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    _db.session.expire_all()
    return results


def _act_on_what_was_read(app, request_id, meanwhile, then):
    """One side reads the request; `meanwhile` acts and commits on its own connection; then
    the first side acts on what it read. Return what the first side's action returned."""
    read, acted, outcome = threading.Event(), threading.Event(), {}

    def first_side():
        with app.app_context():
            try:
                request = _db.session.get(SupportRequest, request_id)
                request.offer, request.latest_proposal  # noqa: B018  (read all it will use)
                read.set()
                acted.wait(10)
                outcome["result"] = then(request)
            except Exception as error:  # noqa: BLE001  (reported below)
                outcome["error"] = error
            finally:
                read.set()
                _db.session.remove()

    thread = threading.Thread(target=first_side)
    thread.start()
    read.wait(10)
    with app.app_context():
        meanwhile()
        _db.session.remove()
    acted.set()
    thread.join(30)
    assert "error" not in outcome, outcome.get("error")
    _db.session.expire_all()
    return outcome["result"]


def _accept(request_id, user_id):
    _accept_loaded(_db.session.get(SupportRequest, request_id), user_id)


def _accept_loaded(request, user_id):
    """What accepting the other school's latest proposal does: the transition and the
    booking, in one transaction."""
    from elp.accounts.models import User

    user = _db.session.get(User, user_id)
    with unit_of_work():
        REQUEST.apply(request, "accept", Party.OFFERING, user)
        book(request, request.latest_proposal, user)
