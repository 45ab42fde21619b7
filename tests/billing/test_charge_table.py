"""The CHARGE table, every state × action × party: what is allowed moves the charge on with
an audit event; everything else is refused with a message and changes nothing."""

import itertools

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.billing import services
from elp.billing.transitions import CHARGE
from elp.errors import ActionRefused
from elp.extensions import db as _db

STATES = ("pending", "paid", "waived", "refunded", "void")
ACTIONS = ("pay", "waive", "refund", "void")
PARTIES = ("admin", "system", "school")

# Written out by hand from PRODUCT.md 3.7, 3.8 and issue 9, so the table is checked, not copied.
ALLOWED = {
    ("pending", "pay", "admin"): "paid",
    ("pending", "pay", "system"): "paid",
    ("pending", "waive", "admin"): "waived",
    ("paid", "refund", "admin"): "refunded",
    ("paid", "refund", "system"): "refunded",
    ("refunded", "refund", "admin"): "refunded",  # a second partial refund
    ("refunded", "refund", "system"): "refunded",
    ("pending", "void", "system"): "void",
}
EVERY_CASE = list(itertools.product(STATES, ACTIONS, PARTIES))


def charge_events():
    return select(AuditEvent).where(AuditEvent.subject_type == "Charge")


@pytest.fixture
def charge(billing):
    (charge,) = services.charges_for_booking(billing.book())
    return charge


@pytest.mark.parametrize(("state", "action", "party"), EVERY_CASE)
def test_the_table_allows_exactly_what_the_product_says(billing, charge, state, action, party):
    charge.status = state
    _db.session.commit()
    version = charge.version
    before = len(_db.session.scalars(charge_events()).all())
    actor = {"admin": billing.admin, "system": None, "school": billing.seeking_member}[party]
    target = ALLOWED.get((state, action, party))

    if target is None:
        with pytest.raises(ActionRefused) as refusal:
            CHARGE.apply(charge, action, party, actor)
        _db.session.rollback()
        assert refusal.value.message
        assert (charge.status, charge.version) == (state, version)
        assert len(_db.session.scalars(charge_events()).all()) == before
    else:
        CHARGE.apply(charge, action, party, actor)
        _db.session.commit()
        assert (charge.status, charge.version) == (target, version + 1)
        event = _db.session.scalars(charge_events().order_by(AuditEvent.id.desc())).first()
        assert event.subject_id == charge.id
        assert (event.details["party"], event.details["status"]) == (party, target)


def test_paying_a_paid_or_void_charge_says_why_not():
    with pytest.raises(ActionRefused, match="^A paid charge cannot be paid. It has been paid"):
        CHARGE.check("paid", "pay", "admin")
    with pytest.raises(ActionRefused, match="^A void charge cannot be paid. It was voided"):
        CHARGE.check("void", "pay", "system")
    with pytest.raises(ActionRefused, match="only an ELP admin or the service itself can"):
        CHARGE.check("pending", "pay", "school")


def test_the_admin_buttons_come_from_the_table():
    labels = [t.label for t in CHARGE.actions_for("pending", "admin")]
    assert labels == ["Record offline payment", "Waive"]
    assert [t.label for t in CHARGE.actions_for("paid", "admin")] == ["Refund"]
    assert CHARGE.actions_for("void", "admin") == []
