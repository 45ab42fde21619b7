"""Service charges: the fee policy in force, levying the charge when a booking is agreed,
and every change to a charge afterwards (paid, waived, refunded, voided), each with its
audit event and, where money is given back or not asked for, a credit note.

The payment pages and the payment provider's webhook call `mark_paid`, `refund`, `waive`
and `flag_for_attention` (a payment whose amount did not match, say). `actor` None means the service itself (a webhook, a timer); an ELP admin acts as "admin";
anyone else is a school and is refused by the transitions table. Services flush, never
commit (decision 13).
"""

import logging
from datetime import timedelta

from sqlalchemy import select

from elp import audit, money
from elp.billing import crediting, formula, numbering, payments
from elp.billing.fee_policy import (  # noqa: F401 (the services' names for the fee policy)
    create_policy_version,
    missing_vat_details,
    policy_in_force,
    policy_versions,
    terms_in_force,
    vat_charged_without_vat_details,
)
from elp.billing.models import (
    DEFAULT_TERMS,
    TERMS_FIELDS,
    BookingFeeTerms,
    Charge,
    ChargePayment,
    ChargeStatus,
    CreditNoteKind,
    DocumentKind,
    PaidVia,
)
from elp.billing.quotes import Quote, amount_words, charge_words, quote, rule_words  # noqa: F401
from elp.billing.school_finance import (  # noqa: F401 (services of the school's finances)
    clean_purchase_order_number,
    give_purchase_order_number,
    purchase_order_given_at_booking,
    purchase_orders_required,
)
from elp.billing.transitions import CHARGE, ChargeParty
from elp.billing.waiting import (  # noqa: F401 (what waits on a school or on ELP admins)
    charges_waiting,
    charges_waiting_count,
    count_flagged_for_attention,
    overdue_charges,
)
from elp.errors import ActionRefused, InvalidInput, NotFound
from elp.extensions import db
from elp.timeutil import format_date, uk_today

log = logging.getLogger(__name__)

REASON_MAX = 1_000
REFERENCE_MAX = 200


def _refuse(error, charge=None):
    """Log a refusal (nothing has changed) and raise it."""
    subject = f"charge {charge.id} ({charge.invoice_number})" if charge is not None else "billing"
    log.warning("Refused on %s: %s", subject, error.message)
    raise error


# --- Levying the charge when a booking is agreed ------------------------------------------


def levy(booking):
    """Copy the fee policy in force onto a just-agreed booking and issue its charges, in the
    booking's transaction: one charge, or two when the policy splits it. Each gets the next
    invoice number of the year."""
    today = uk_today()
    policy = policy_in_force(today)
    terms = policy.terms if policy is not None else DEFAULT_TERMS
    db.session.add(
        BookingFeeTerms(
            booking_id=booking.id,
            fee_policy_id=policy.id if policy is not None else None,
            **{field: getattr(terms, field) for field in TERMS_FIELDS},
        )
    )
    charges = []
    for share in formula.shares(booking.total_pence, terms):
        school_id = (
            booking.seeking_school_id if share.party == "seeking" else booking.offering_school_id
        )
        charge = Charge(
            booking_id=booking.id,
            school_id=school_id,
            party=share.party,
            invoice_number=numbering.issue_number(DocumentKind.INVOICE, today),
            invoice_date=today,
            due_date=today + timedelta(days=terms.payment_terms_days),
            net_pence=share.net_pence,
            vat_basis_points=terms.vat_basis_points,
            vat_pence=share.vat_pence,
            gross_pence=share.gross_pence,
            status=ChargeStatus.PENDING,
        )
        db.session.add(charge)
        charges.append(charge)
    db.session.flush()
    for charge in charges:
        audit.record(
            "charge.issued",
            charge,
            actor=None,
            invoice_number=charge.invoice_number,
            booking_id=booking.id,
            school_id=charge.school_id,
            net_pence=charge.net_pence,
            vat_pence=charge.vat_pence,
            gross_pence=charge.gross_pence,
            fee_policy_id=policy.id if policy is not None else None,
        )
    return charges


def fee_terms_for(booking):
    """The fee terms copied onto the booking when it was agreed (None for a booking agreed
    before charges existed)."""
    return db.session.get(BookingFeeTerms, booking.id)


def charges_for_booking(booking):
    return db.session.scalars(
        select(Charge).where(Charge.booking_id == booking.id).order_by(Charge.id)
    ).all()


def booking_cancelled(booking, actor, reason="The booking was cancelled before delivery"):
    """A booking was cancelled (before delivery, or by an ELP admin settling a problem
    reported after it): its charges follow the fee terms copied onto it. Voiding issues a
    credit note for a charge not yet paid; a charge already paid is left for an admin to
    refund, flagged; otherwise the charge stands."""
    terms = fee_terms_for(booking)
    if terms is None or not terms.void_on_cancellation:
        return
    for charge in charges_for_booking(booking):
        if charge.status == ChargeStatus.PENDING:
            void(charge, reason, actor)
        elif charge.status == ChargeStatus.PAID:
            flag_for_attention(
                charge,
                f"{reason} and the fee policy voids its charge, but it had been paid: refund it.",
            )
        elif charge.status == ChargeStatus.PART_PAID:
            flag_for_attention(
                charge,
                f"{reason} and the fee policy voids its charge, but part of it had been paid: "
                "waive the rest and refund what was paid.",
            )


# --- Finding a charge ---------------------------------------------------------------------


def charge_for_admin(charge_id):
    charge = db.session.get(Charge, charge_id)
    if charge is None:
        raise NotFound()
    return charge


# --- Changes of state ---------------------------------------------------------------------


def party_of(actor):
    """Who acts on a charge: the service itself (no user), an ELP admin, or a school."""
    if actor is None:
        return ChargeParty.SYSTEM
    return ChargeParty.ADMIN if actor.is_admin else ChargeParty.SCHOOL


def check_allowed(charge, action, actor):
    try:
        return CHARGE.check(charge.status, action, party_of(actor))
    except ActionRefused as refusal:
        _refuse(refusal, charge)


def mark_paid(charge, via, reference, paid_on=None, actor=None, amount_pence=None):
    """Record money received on `paid_on` (today by default), `via` "offline" (an admin
    records it) or "stripe" (the provider confirmed it), with the payer's or provider's
    reference: `amount_pence` of it, or all that is still due when None. Less than is due
    is a part payment, which leaves the rest due ("Part paid")."""
    check_allowed(charge, "pay", actor)
    if via not in set(PaidVia):
        _refuse(ActionRefused(f"‘{via}’ is not a way of paying a charge."), charge)
    due = charge.amount_due_pence
    if amount_pence is None:
        amount_pence = due
    elif isinstance(amount_pence, bool) or not isinstance(amount_pence, int):
        _refuse(InvalidInput("amount", "Enter the amount received, like 120.50"), charge)
    if amount_pence <= 0:
        _refuse(InvalidInput("amount", "The amount received must be more than £0"), charge)
    if amount_pence > due:
        _refuse(
            InvalidInput(
                "amount",
                f"The amount received must be {money.format_invoice_amount(due)} or less: "
                "that is what is still due on this invoice",
            ),
            charge,
        )
    reference = (reference or "").strip()
    if not reference:
        _refuse(InvalidInput("reference", "Enter the payment reference"), charge)
    if len(reference) > REFERENCE_MAX:
        _refuse(
            InvalidInput(
                "reference", f"The payment reference must be {REFERENCE_MAX} characters or fewer"
            ),
            charge,
        )
    today = uk_today()
    paid_on = paid_on or today
    if paid_on > today:
        _refuse(InvalidInput("paid_on", "The date received must be today or in the past"), charge)
    if paid_on < charge.invoice_date:
        _refuse(
            InvalidInput(
                "paid_on",
                "The date received must be on or after the invoice date, "
                f"{format_date(charge.invoice_date)}",
            ),
            charge,
        )
    action = "pay" if amount_pence == due else "pay_part"
    check_allowed(charge, action, actor)
    charge.paid_on = paid_on
    charge.paid_via = str(via)
    charge.payment_reference = reference
    charge.amount_paid_pence += amount_pence
    db.session.add(
        ChargePayment(
            charge=charge,
            amount_pence=amount_pence,
            received_on=paid_on,
            via=str(via),
            reference=reference,
            created_by_id=getattr(actor, "id", None),
        )
    )
    CHARGE.apply(
        charge,
        action,
        party_of(actor),
        actor,
        invoice_number=charge.invoice_number,
        via=str(via),
        reference=reference,
        paid_on=paid_on.isoformat(),
        amount_pence=amount_pence,
        amount_paid_pence=charge.amount_paid_pence,
        gross_pence=charge.gross_pence,
    )
    return charge


def waive(charge, reason, actor):
    """An ELP admin waives what is still due on a charge, saying why: nothing more is owed,
    and a credit note cancels the invoice (or, after a part payment, the rest of it)."""
    check_allowed(charge, "waive", actor)
    reason = _required_reason(reason, charge, "Enter the reason for waiving the charge")
    net, vat = crediting.split_gross(charge, charge.amount_due_pence)
    note = crediting.credit_note(charge, CreditNoteKind.WAIVE, net, vat, reason, actor)
    CHARGE.apply(
        charge,
        "waive",
        party_of(actor),
        actor,
        reason=reason,
        invoice_number=charge.invoice_number,
        credit_note=note.number,
        gross_pence=note.gross_pence,
    )
    crediting.send_credit_note(note)
    return note


def void(charge, reason, actor=None):
    """Void a charge not yet paid (its booking was cancelled before delivery): a credit note
    cancels the invoice. `actor` is whoever cancelled; the service itself applies it."""
    try:
        transition = CHARGE.check(charge.status, "void", ChargeParty.SYSTEM)
    except ActionRefused as refusal:
        _refuse(refusal, charge)
    note = crediting.credit_note(
        charge, CreditNoteKind.VOID, charge.net_pence, charge.vat_pence, reason, actor
    )
    CHARGE.apply(
        charge,
        transition.action,
        ChargeParty.SYSTEM,
        actor,
        reason=reason,
        invoice_number=charge.invoice_number,
        credit_note=note.number,
        gross_pence=note.gross_pence,
    )
    crediting.send_credit_note(note)
    return note


def refund(charge, amount_pence, reason, actor=None, reference=None):
    """Refund some or all of what was paid, never more than is left: a credit note for the
    amount. An admin records a refund made outside the service; the payment provider's
    webhook records one made there (actor None)."""
    check_allowed(charge, "refund", actor)
    reason = _required_reason(reason, charge, "Enter the reason for the refund")
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence <= 0:
        _refuse(InvalidInput("amount", "Enter an amount to refund of more than £0"), charge)
    left = charge.refundable_pence
    if amount_pence > left:
        paid = money.format_invoice_amount(charge.amount_paid_pence)
        _refuse(
            InvalidInput(
                "amount",
                f"The amount to refund must be {money.format_invoice_amount(left)} or less: "
                f"{paid} was paid"
                + (
                    f" and {money.format_invoice_amount(charge.amount_refunded_pence)} "
                    "has been refunded already"
                    if charge.amount_refunded_pence
                    else ""
                ),
            ),
            charge,
        )
    if actor is not None and charge.paid_via == PaidVia.STRIPE:
        # Paid through Stripe: the money goes back there first (decision 15).
        reference = payments.refund_through_stripe(charge, amount_pence, reason)
    action = "refund" if amount_pence == left else "refund_part"
    vat = crediting.vat_in_refund(charge, amount_pence)
    note = crediting.credit_note(
        charge, CreditNoteKind.REFUND, amount_pence - vat, vat, reason, actor
    )
    charge.amount_refunded_pence += amount_pence
    CHARGE.apply(
        charge,
        action,
        party_of(actor),
        actor,
        reason=reason,
        invoice_number=charge.invoice_number,
        credit_note=note.number,
        amount_pence=amount_pence,
        amount_refunded_pence=charge.amount_refunded_pence,
        reference=(reference or "").strip() or None,
    )
    crediting.send_credit_note(note)
    return note


def flag_for_attention(charge, reason, actor=None):
    """Ask an admin to look at a charge (its status does not change)."""
    charge.needs_attention = True
    charge.attention_reason = reason[:REASON_MAX]
    log.warning("Charge %s (%s) needs attention: %s", charge.id, charge.invoice_number, reason)
    audit.record(
        "charge.flagged",
        charge,
        actor=actor,
        reason=charge.attention_reason,
        invoice_number=charge.invoice_number,
    )
    db.session.flush()


def clear_attention(charge, actor):
    """An admin has dealt with what the charge was flagged for."""
    if not charge.needs_attention:
        return
    charge.needs_attention = False
    audit.record(
        "charge.attention_cleared",
        charge,
        actor=actor,
        reason=charge.attention_reason,
        invoice_number=charge.invoice_number,
    )
    db.session.flush()


def _required_reason(reason, charge, missing):
    reason = (reason or "").strip()
    if not reason:
        _refuse(InvalidInput("reason", missing), charge)
    if len(reason) > REASON_MAX:
        _refuse(
            InvalidInput("reason", f"The reason must be {REASON_MAX:,} characters or fewer"),
            charge,
        )
    return reason

