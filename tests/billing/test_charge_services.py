"""What an admin (or, later, the payment provider) does to a charge: record a payment,
waive, refund. Each is audited with who, when and why; each refusal is logged and changes
nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.billing import services
from elp.billing.models import FeeTerms, Payer
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db as _db
from elp.timeutil import uk_today


@pytest.fixture
def charge(billing):
    (charge,) = services.charges_for_booking(billing.book())  # £52.50
    return charge


def events(charge):
    return _db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "Charge", AuditEvent.subject_id == charge.id)
        .order_by(AuditEvent.id)
    ).all()


def unchanged(charge):
    _db.session.rollback()
    return (charge.status, charge.paid_on, charge.amount_refunded_pence, charge.credit_notes)


def test_an_admin_records_an_offline_payment(billing, charge):
    services.mark_paid(charge, "offline", " BACS ELP-1 ", paid_on=uk_today(), actor=billing.admin)
    _db.session.commit()

    assert (charge.status, charge.paid_via, charge.payment_reference) == (
        "paid",
        "offline",
        "BACS ELP-1",
    )
    assert charge.paid_on == uk_today()
    event = events(charge)[-1]
    assert (event.action, event.actor_id) == ("charge.paid", billing.admin.id)
    assert event.details["reference"] == "BACS ELP-1"
    assert event.details["via"] == "offline"


def test_the_service_itself_marks_a_provider_payment(charge):
    services.mark_paid(charge, "stripe", "pi_123")
    _db.session.commit()
    assert (charge.status, charge.paid_via) == ("paid", "stripe")
    assert events(charge)[-1].actor_id is None


@pytest.mark.parametrize(
    ("via", "reference", "paid_on", "message"),
    [
        ("offline", "", None, "Enter the payment reference"),
        ("offline", "x" * 201, None, "200 characters or fewer"),
        ("offline", "BACS", 1, "must be today or in the past"),
        ("offline", "BACS", -1, "on or after the invoice date"),
        ("cash in hand", "BACS", None, "not a way of paying"),
    ],
)
def test_a_bad_payment_is_refused_logged_and_changes_nothing(
    billing, charge, via, reference, paid_on, message, caplog
):
    before = unchanged(charge)
    day = None if paid_on is None else uk_today() + timedelta(days=paid_on)
    with pytest.raises(ActionRefused, match=message):
        services.mark_paid(charge, via, reference, paid_on=day, actor=billing.admin)
    assert unchanged(charge) == before
    assert message in caplog.text
    assert [e.action for e in events(charge)] == ["charge.issued"]


def test_a_paid_charge_cannot_be_paid_again(billing, charge):
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    _db.session.commit()
    with pytest.raises(ActionRefused, match="A paid charge cannot be paid"):
        services.mark_paid(charge, "stripe", "pi_1")
    assert charge.payment_reference == "BACS 1"


def test_a_school_cannot_mark_its_own_charge_paid(billing, charge):
    with pytest.raises(ActionRefused, match="only an ELP admin or the service itself"):
        services.mark_paid(charge, "offline", "BACS 1", actor=billing.seeking_member)
    assert unchanged(charge)[0] == "pending"


def test_waiving_needs_a_reason_and_issues_a_credit_note(billing, charge, caplog):
    with pytest.raises(InvalidInput, match="Enter the reason for waiving the charge"):
        services.waive(charge, "   ", billing.admin)
    assert unchanged(charge)[0] == "pending"
    assert "Enter the reason for waiving" in caplog.text

    note = services.waive(charge, "Pilot school: no charge this year.", billing.admin)
    _db.session.commit()

    assert charge.status == "waived"
    assert (note.number, note.kind, note.gross_pence) == (
        f"CN-{uk_today().year}-000001",
        "waive",
        5_250,
    )
    event = events(charge)[-1]
    assert (event.action, event.reason, event.actor_id) == (
        "charge.waived",
        "Pilot school: no charge this year.",
        billing.admin.id,
    )
    assert event.details["credit_note"] == note.number


def test_a_refund_is_at_most_what_was_paid_and_can_come_in_parts(billing, charge):
    with pytest.raises(ActionRefused, match="A pending charge cannot be refunded. Nothing has"):
        services.refund(charge, 100, "Goodwill", billing.admin)
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    _db.session.commit()

    with pytest.raises(InvalidInput, match=r"must be £52.50 or less: £52.50 was paid"):
        services.refund(charge, 5_251, "Too much", billing.admin)
    with pytest.raises(InvalidInput, match="more than £0"):
        services.refund(charge, 0, "Nothing", billing.admin)
    with pytest.raises(InvalidInput, match="Enter the reason for the refund"):
        services.refund(charge, 100, "", billing.admin)
    assert unchanged(charge)[1:] == (charge.paid_on, 0, [])

    first = services.refund(charge, 2_000, "Half a day not delivered", billing.admin)
    _db.session.commit()
    assert (charge.status, charge.amount_refunded_pence, first.gross_pence) == (
        "part_refunded",
        2_000,
        2_000,
    )
    with pytest.raises(InvalidInput, match="£32.50 or less: £52.50 was paid and £20.00 has been"):
        services.refund(charge, 3_251, "The rest and more", billing.admin)
    second = services.refund(charge, 3_250, "The rest", billing.admin)
    _db.session.commit()
    assert charge.amount_refunded_pence == 5_250
    assert [note.number[-6:] for note in charge.credit_notes] == ["000001", "000002"]
    assert second.gross_pence == 3_250
    assert charge.status == "refunded"
    with pytest.raises(ActionRefused, match="A refunded charge cannot be refunded"):
        services.refund(charge, 1, "Again", billing.admin)


def test_refund_credit_notes_split_vat_so_the_parts_add_up_to_the_invoice(billing):
    services.create_policy_version(
        FeeTerms(500, 1_000, 25_000, Payer.SEEKING, 2_000, 30, True), uk_today(), billing.admin
    )
    (charge,) = services.charges_for_booking(billing.book())  # £52.50 + £10.50 VAT
    services.mark_paid(charge, "offline", "BACS", actor=billing.admin)
    notes = [
        services.refund(charge, 1_001, "part", billing.admin),
        services.refund(charge, 3_333, "part", billing.admin),
        services.refund(charge, 1_966, "rest", billing.admin),
    ]
    _db.session.commit()
    assert sum(note.gross_pence for note in notes) == charge.gross_pence == 6_300
    assert sum(note.vat_pence for note in notes) == charge.vat_pence == 1_050
    assert sum(note.net_pence for note in notes) == charge.net_pence == 5_250
    assert notes[0].vat_pence == 167  # 1 001 × 1 050 ÷ 6 300 = 166.83 → 167


def test_flagging_asks_an_admin_to_look_without_changing_the_status(billing, charge, caplog):
    services.flag_for_attention(charge, "Paid £5.00 in EUR; expected £52.50 in GBP")
    _db.session.commit()
    assert (charge.status, charge.needs_attention) == ("pending", True)
    assert "expected £52.50" in caplog.text
    services.clear_attention(charge, billing.admin)
    _db.session.commit()
    assert not charge.needs_attention
    assert [e.action for e in events(charge)][-2:] == [
        "charge.flagged",
        "charge.attention_cleared",
    ]
