"""Invoice numbers stay gap-free and unique when bookings are agreed at the same moment,
each in its own thread with its own database connection (as on several workers), even
when some of those transactions roll back after taking a number.

Run on SQLite by default and on PostgreSQL with ELP_TEST_DATABASE_URL set.
"""

import threading

from sqlalchemy import select

from elp.accounts.models import User
from elp.billing.models import Charge, CreditNote
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.negotiation import services as negotiation
from elp.timeutil import uk_today
from elp.unit_of_work import unit_of_work
from tests.factories import make_member, make_offer, make_request

THREADS = 8


class ChangedMyMind(Exception):
    """Raised after the booking is made, so its transaction rolls back with its number."""


def _agree_at_once(app, attempts):
    """Each (request id, user id, roll back?) accepts in its own thread, all released
    together once each has read its request."""
    ready = threading.Barrier(len(attempts), timeout=20)
    outcomes = [None] * len(attempts)

    def accept(index, request_id, user_id, roll_back):
        with app.app_context(), app.test_request_context():
            user = _db.session.get(User, user_id)
            support_request = negotiation.request_for_user(request_id, user)
            proposal_id = support_request.latest_proposal.id
            ready.wait()
            try:
                with unit_of_work():
                    negotiation.accept(support_request, proposal_id, user)
                    if roll_back:
                        raise ChangedMyMind()
                outcomes[index] = "booked"
            except ChangedMyMind:
                outcomes[index] = "rolled back"
            except ActionRefused as refusal:
                outcomes[index] = refusal.message
            finally:
                _db.session.remove()

    threads = [
        threading.Thread(target=accept, args=(index, *attempt))
        for index, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert None not in outcomes, "a thread failed with something other than a refusal"
    return outcomes


def _invoice_numbers(app):
    with app.app_context():
        numbers = _db.session.scalars(select(Charge.invoice_number)).all()
        _db.session.remove()
    return numbers


def test_concurrent_bookings_take_consecutive_invoice_numbers_without_gaps(app, billing):
    attempts = []
    for index in range(THREADS):
        # Each booking on its own offer, so nothing but the invoice number is shared.
        offer = make_offer(billing.offering, f"Coaching {index}", capacity=5)
        support_request = make_request(offer, quantity=1)
        attempts.append((support_request.id, make_member(billing.offering).id, index % 3 == 0))
    _db.session.remove()

    outcomes = _agree_at_once(app, attempts)

    booked = outcomes.count("booked")
    assert booked + outcomes.count("rolled back") == THREADS
    year = uk_today().year
    assert sorted(_invoice_numbers(app)) == [
        f"ELP-{year}-{number:06d}" for number in range(1, booked + 1)
    ]


def test_concurrent_cancellations_take_consecutive_credit_note_numbers(app, billing):
    from elp.bookings import services as bookings

    booking_ids = [billing.book(quantity=1).id for _ in range(THREADS)]
    user_id = billing.seeking_member.id
    _db.session.remove()
    ready = threading.Barrier(THREADS, timeout=20)
    failures = []

    def cancel(booking_id):
        with app.app_context(), app.test_request_context():
            user = _db.session.get(User, user_id)
            booking = bookings.booking_for_user(booking_id, user)
            ready.wait()
            try:
                with unit_of_work():
                    bookings.cancel(booking, user, "Plans changed.")
            except Exception as error:  # noqa: BLE001 — reported below
                failures.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=cancel, args=(booking_id,)) for booking_id in booking_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    with app.app_context():
        numbers = sorted(_db.session.scalars(select(CreditNote.number)))
        _db.session.remove()
    year = uk_today().year
    assert numbers == [f"CN-{year}-{number:06d}" for number in range(1, THREADS + 1)]
