"""Two ELP admins acting on the same charge at once (or an admin and the payment provider):
exactly one wins, the other is told, and the charge never ends in a mix of the two, such
as a payment recorded on a charge that was waived.

Each admin is a separate app context, so a separate database session and connection, as
two requests on two workers would be. Runs on SQLite by default and on PostgreSQL with
ELP_TEST_DATABASE_URL set.
"""

import threading

import pytest
from sqlalchemy import func, select

from elp.accounts.models import User
from elp.billing import services
from elp.billing.models import Charge, CreditNote
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.unit_of_work import unit_of_work


def _pay(charge, admin):
    services.mark_paid(charge, "offline", "BACS 1234", actor=admin)


def _waive(charge, admin):
    services.waive(charge, "The school was told the wrong price.", admin)


@pytest.fixture
def charge_and_admin(billing, db):
    (charge,) = services.charges_for_booking(billing.book())
    db.session.commit()
    return charge.id, billing.admin.id


def _race(app, charge_id, admin_id, first_action, second_action):
    """The first admin reads the charge; the second reads it, acts and commits; then the
    first acts on what it read. Return the first admin's refusal and the charge's status."""
    read, acted, outcome = threading.Event(), threading.Event(), {}

    def first_admin():
        with app.app_context():
            charge = _db.session.get(Charge, charge_id)
            admin = _db.session.get(User, admin_id)
            read.set()
            acted.wait(10)
            try:
                with unit_of_work():
                    first_action(charge, admin)
                outcome["done"] = True
            except ActionRefused as refusal:
                outcome["refused"] = refusal.message
            finally:
                _db.session.remove()

    thread = threading.Thread(target=first_admin)
    thread.start()
    read.wait(10)
    with app.app_context():
        with unit_of_work():
            second_action(_db.session.get(Charge, charge_id), _db.session.get(User, admin_id))
        _db.session.remove()
    acted.set()
    thread.join(20)
    with app.app_context():
        charge = _db.session.get(Charge, charge_id)
        status, paid_on = charge.status, charge.paid_on
        notes = _db.session.scalar(select(func.count()).select_from(CreditNote))
        _db.session.remove()
    return outcome.get("refused"), status, paid_on, notes


def test_a_payment_recorded_while_the_charge_is_waived_is_refused(app, charge_and_admin):
    refused, status, paid_on, notes = _race(app, *charge_and_admin, _pay, _waive)
    assert refused and refused.startswith("Someone else changed this")
    assert (status, paid_on, notes) == ("waived", None, 1)


def test_a_waiver_made_while_a_payment_is_recorded_is_refused(app, charge_and_admin):
    refused, status, paid_on, notes = _race(app, *charge_and_admin, _waive, _pay)
    assert refused and refused.startswith("Someone else changed this")
    assert status == "paid" and paid_on is not None and notes == 0


def test_one_payment_recorded_twice_at_once_is_recorded_once(app, charge_and_admin):
    refused, status, _, _ = _race(app, *charge_and_admin, _pay, _pay)
    assert refused and refused.startswith("Someone else changed this")
    assert status == "paid"
