"""Agreeing a booking levies its service charge in the same transaction, from the fee
policy in force then, copied onto the booking; invoice numbers run on without gaps."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elp.billing import services
from elp.billing.models import (
    DEFAULT_TERMS,
    BookingFeeTerms,
    Charge,
    CreditNote,
    FeePolicy,
    FeeTerms,
    Payer,
)
from elp.bookings import services as bookings
from elp.bookings.models import Booking
from elp.extensions import db as _db
from elp.timeutil import uk_today


def new_policy(admin, in_force_from=None, **changes):
    values = {**DEFAULT_TERMS.__dict__, **changes}
    policy = services.create_policy_version(FeeTerms(**values), in_force_from or uk_today(), admin)
    _db.session.commit()
    return policy


def test_a_booking_gets_one_charge_for_the_seeking_school_under_the_default_policy(billing):
    booking = billing.book(quantity=3)  # 3 days at £350: £1,050.00

    (charge,) = services.charges_for_booking(booking)
    year = uk_today().year
    assert (charge.school_id, charge.party, charge.status) == (
        billing.seeking.id,
        "seeking",
        "pending",
    )
    assert (charge.net_pence, charge.vat_pence, charge.gross_pence) == (5_250, 0, 5_250)
    assert charge.invoice_number == f"ELP-{year}-000001"
    assert charge.invoice_date == uk_today()
    assert charge.due_date == uk_today() + timedelta(days=30)
    copied = services.fee_terms_for(booking)
    assert (copied.terms, copied.fee_policy_id) == (DEFAULT_TERMS, None)


def test_invoice_numbers_run_on_from_booking_to_booking(billing):
    numbers = [services.charges_for_booking(billing.book(1))[0].invoice_number for _ in range(3)]
    year = uk_today().year
    assert numbers == [f"ELP-{year}-000001", f"ELP-{year}-000002", f"ELP-{year}-000003"]


def test_the_charge_is_made_in_the_booking_transaction_and_rolls_back_with_it(billing):
    from tests.factories import make_request

    request = make_request(billing.offer, author=billing.seeking_member, quantity=2)
    request.status = "agreed"
    bookings.book(request, request.latest_proposal, billing.offering_member)
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(Charge)) == 0
    assert _db.session.scalar(select(func.count()).select_from(Booking)) == 0

    booking = billing.book(1)
    # The rolled-back booking gave its number back: no gap.
    assert services.charges_for_booking(booking)[0].invoice_number.endswith("-000001")


def test_the_version_in_force_is_copied_and_a_later_version_changes_nothing(billing):
    policy = new_policy(billing.admin, basis_points=1_000, vat_basis_points=2_000)
    booking = billing.book(quantity=3)  # 10 % of £1,050.00 is £105.00, VAT £21.00
    (charge,) = services.charges_for_booking(booking)
    assert (charge.net_pence, charge.vat_pence, charge.gross_pence) == (10_500, 2_100, 12_600)

    new_policy(billing.admin, basis_points=200, payer=Payer.OFFERING, void_on_cancellation=False)
    _db.session.expire_all()

    (charge,) = services.charges_for_booking(booking)
    assert (charge.net_pence, charge.vat_pence, charge.gross_pence) == (10_500, 2_100, 12_600)
    copied = services.fee_terms_for(booking)
    assert copied.fee_policy_id == policy.id
    assert (copied.basis_points, copied.payer, copied.void_on_cancellation) == (
        1_000,
        "seeking",
        True,
    )
    # ...and its cancellation still follows the copied terms: the charge is voided.
    bookings.cancel(booking, billing.seeking_member, "The teacher has left.")
    _db.session.commit()
    assert charge.status == "void"
    # A booking agreed now follows the new version.
    (later,) = services.charges_for_booking(billing.book(quantity=3))
    assert (later.party, later.net_pence) == ("offering", 2_100)


def test_a_version_in_force_from_a_later_date_waits_for_it(billing):
    new_policy(billing.admin, in_force_from=uk_today() + timedelta(days=7), basis_points=1_000)
    assert services.terms_in_force() == DEFAULT_TERMS
    assert services.terms_in_force(uk_today() + timedelta(days=7)).basis_points == 1_000
    (charge,) = services.charges_for_booking(billing.book(quantity=3))
    assert charge.net_pence == 5_250


def test_a_split_policy_makes_two_charges_whose_nets_add_up(billing):
    new_policy(billing.admin, payer=Payer.SPLIT, basis_points=501, vat_basis_points=2_000)
    booking = billing.book(quantity=3)  # 5.01 % of £1,050.00 is £52.605 → £52.61

    seeking, offering = services.charges_for_booking(booking)
    assert (seeking.school_id, seeking.net_pence, seeking.vat_pence) == (
        billing.seeking.id,
        2_631,
        526,
    )
    assert (offering.school_id, offering.net_pence, offering.vat_pence) == (
        billing.offering.id,
        2_630,
        526,
    )
    year = uk_today().year
    assert [seeking.invoice_number, offering.invoice_number] == [
        f"ELP-{year}-000001",
        f"ELP-{year}-000002",
    ]


def test_cancelling_before_delivery_voids_the_charge_with_a_credit_note(billing, app):
    booking = billing.book()
    (charge,) = services.charges_for_booking(booking)
    with app.test_request_context():
        bookings.cancel(booking, billing.offering_member, "Our expert is ill.")
    _db.session.commit()

    assert charge.status == "void"
    (note,) = charge.credit_notes
    assert note.number == f"CN-{uk_today().year}-000001"
    assert (note.kind, note.gross_pence, note.reason) == (
        "void",
        charge.gross_pence,
        "The booking was cancelled before delivery",
    )
    assert charge.invoice_number.endswith("-000001")  # never renumbered


def test_cancelling_under_a_policy_that_keeps_the_charge_leaves_it_pending(billing, app):
    new_policy(billing.admin, void_on_cancellation=False)
    booking = billing.book()
    with app.test_request_context():
        bookings.cancel(booking, billing.seeking_member, "Plans changed.")
    _db.session.commit()
    (charge,) = services.charges_for_booking(booking)
    assert charge.status == "pending"
    assert _db.session.scalar(select(func.count()).select_from(CreditNote)) == 0


def test_cancelling_a_booking_whose_charge_was_paid_flags_it_for_a_refund(billing, app):
    booking = billing.book()
    (charge,) = services.charges_for_booking(booking)
    services.mark_paid(charge, "offline", "BACS 1234", actor=billing.admin)
    _db.session.commit()
    with app.test_request_context():
        bookings.cancel(booking, billing.seeking_member, "Plans changed.")
    _db.session.commit()
    assert charge.status == "paid"
    assert charge.needs_attention
    assert "refund it" in charge.attention_reason


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"minimum_pence": 30_000}, "minimum", "must be the same as or less than the maximum"),
        ({"basis_points": -1}, "percentage", "between 0 and 100"),
        ({"vat_basis_points": 10_001}, "vat_rate", "between 0 and 100"),
        ({"payer": "nobody"}, "payer", "Select who pays"),
        ({"payment_terms_days": 400}, "payment_terms_days", "between 0 and 365 days"),
    ],
)
def test_a_bad_policy_is_refused_and_nothing_is_saved(billing, changes, field, message, caplog):
    from elp.errors import InvalidInput

    with pytest.raises(InvalidInput, match=message) as refusal:
        new_policy(billing.admin, **changes)
    _db.session.rollback()
    assert refusal.value.field == field
    assert _db.session.scalar(select(func.count()).select_from(FeePolicy)) == 0
    assert message in caplog.text


def test_a_policy_cannot_start_in_the_past(billing, caplog):
    from elp.errors import InvalidInput

    with pytest.raises(InvalidInput, match="must be today or in the future") as refusal:
        new_policy(billing.admin, in_force_from=uk_today() - timedelta(days=1))
    _db.session.rollback()
    assert refusal.value.field == "in_force_from"
    assert _db.session.scalar(select(func.count()).select_from(FeePolicy)) == 0
    assert "Refused a fee policy version" in caplog.text


def test_bookings_made_before_charges_existed_have_no_terms_and_cancel_quietly(billing, app):
    booking = billing.book()
    _db.session.execute(BookingFeeTerms.__table__.delete())
    _db.session.commit()
    assert services.fee_terms_for(booking) is None
    services.booking_cancelled(booking, billing.seeking_member)
    assert services.charges_for_booking(booking)[0].status == "pending"
