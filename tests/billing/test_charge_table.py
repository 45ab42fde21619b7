"""The CHARGE table, every state × action × party: what is allowed moves the charge on with
an audit event; everything else is refused with a message and changes nothing."""

import itertools

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.billing import services
from elp.billing.transitions import CHARGE, STATUS_WORDS, admin_buttons
from elp.errors import ActionRefused
from elp.extensions import db as _db

STATES = ("pending", "part_paid", "paid", "waived", "part_refunded", "refunded", "void")
ACTIONS = ("pay", "pay_part", "waive", "refund", "refund_part", "void")
PARTIES = ("admin", "system", "school")

# Written out by hand from PRODUCT.md 3.7, 3.8 and issue 9, so the table is checked, not copied.
# Issue 22 added part payments ("Part paid": only an admin records one) and partial refunds
# ("Part refunded": a second refund takes up to what is left).
ALLOWED = {
    ("pending", "pay", "admin"): "paid",
    ("pending", "pay", "system"): "paid",
    ("part_paid", "pay", "admin"): "paid",
    ("part_paid", "pay", "system"): "paid",
    ("pending", "pay_part", "admin"): "part_paid",
    ("part_paid", "pay_part", "admin"): "part_paid",
    ("pending", "waive", "admin"): "waived",
    ("part_paid", "waive", "admin"): "waived",
    ("paid", "refund", "admin"): "refunded",
    ("paid", "refund", "system"): "refunded",
    ("part_refunded", "refund", "admin"): "refunded",
    ("part_refunded", "refund", "system"): "refunded",
    ("paid", "refund_part", "admin"): "part_refunded",
    ("paid", "refund_part", "system"): "part_refunded",
    ("part_refunded", "refund_part", "admin"): "part_refunded",
    ("part_refunded", "refund_part", "system"): "part_refunded",
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
    assert [t.label for t in admin_buttons("pending")] == ["Record offline payment", "Waive"]
    assert [t.label for t in admin_buttons("part_paid")] == ["Record offline payment", "Waive"]
    assert [t.label for t in admin_buttons("paid")] == ["Refund"]
    assert [t.label for t in admin_buttons("part_refunded")] == ["Refund"]
    assert admin_buttons("refunded") == admin_buttons("void") == []


def test_a_part_paid_charge_is_refused_in_words():
    with pytest.raises(ActionRefused, match="^A part paid charge cannot be refunded. It is part"):
        CHARGE.check("part_paid", "refund", "admin")


def test_every_state_has_one_name_for_school_and_admin():
    assert set(STATUS_WORDS) == set(STATES)
    assert [STATUS_WORDS[state].name for state in STATES] == [
        "Due", "Part paid", "Paid", "Waived", "Part refunded", "Refunded", "Void",
    ]  # fmt: skip
    assert CHARGE.actions_for("void", "admin") == []
