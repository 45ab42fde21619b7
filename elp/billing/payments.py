"""A school pays its service charge through Stripe: "Pay by card" (a Checkout Session) or
"Pay by bank transfer" (a Stripe invoice with UK bank details). Stripe's webhook, not the
school's return to the site, marks the charge paid (`billing.stripe_events`).

Without Stripe keys neither is offered; the invoice's offline payment instructions are
(decision 15).
"""

import logging

from elp import audit
from elp.billing import stripe_gateway as gateway
from elp.billing.transitions import CHARGE, ChargeParty
from elp.errors import ActionRefused
from elp.extensions import db

log = logging.getLogger(__name__)

NOT_CONFIGURED = (
    "Paying through the service is not available. Pay by bank transfer using the details "
    "on the invoice, with the invoice number as the reference."
)


PART_PAID_OFFLINE = (
    "Part of this invoice has been paid already. Pay the rest by bank transfer using the "
    "details on the invoice, with the invoice number as the reference."
)


def stripe_payments_available():
    return gateway.is_configured()


def _check_payable(charge):
    """Refuse, and log, paying a charge that is not pending or while Stripe is off."""
    try:
        if not gateway.is_configured():
            raise ActionRefused(NOT_CONFIGURED)
        # The service itself marks a charge paid when Stripe confirms it: a charge it may
        # not mark paid (paid, waived, void) is not offered for payment.
        CHARGE.check(charge.status, "pay", ChargeParty.SYSTEM)
        if charge.amount_paid_pence:
            # Stripe takes the whole invoice; the rest of a part payment goes the way the
            # first part went.
            raise ActionRefused(PART_PAID_OFFLINE)
    except ActionRefused as refusal:
        log.warning(
            "Refused payment of charge %s (%s): %s",
            charge.id,
            charge.invoice_number,
            refusal.message,
        )
        raise


def stripe_customer(school):
    """The school's Stripe customer id, made and kept the first time it pays."""
    if not school.stripe_customer_id:
        school.stripe_customer_id = gateway.create_customer(school).id
        db.session.flush()
    return school.stripe_customer_id


def pay_by_card(charge, user, success_url, cancel_url):
    """The address of the Checkout Session to pay the charge's gross by card: the same one
    while it is open, a new one once it expired unpaid."""
    _check_payable(charge)
    replaces = None
    if charge.stripe_checkout_session_id:
        session = gateway.retrieve_checkout_session(charge.stripe_checkout_session_id)
        if session.status == "open":
            return session.url
        if session.status == "complete" and session.payment_status != "unpaid":
            raise ActionRefused(
                "Your card payment has been made and is being confirmed. The invoice will "
                "show it as paid within a few minutes."
            )
        replaces = session.id
    customer_id = stripe_customer(charge.school)
    session = gateway.create_checkout_session(
        charge, customer_id, success_url, cancel_url, replaces=replaces
    )
    charge.stripe_checkout_session_id = session.id
    audit.record(
        "charge.card_payment_started",
        charge,
        actor=user,
        invoice_number=charge.invoice_number,
        checkout_session=session.id,
    )
    db.session.flush()
    return session.url


def pay_by_bank_transfer(charge, user):
    """The address of the Stripe invoice's page, with the account to pay the charge's gross
    into by bank transfer; made once per charge."""
    _check_payable(charge)
    if charge.stripe_invoice_id:
        return gateway.retrieve_invoice(charge.stripe_invoice_id).hosted_invoice_url
    customer_id = stripe_customer(charge.school)
    invoice = gateway.create_bank_transfer_invoice(charge, customer_id)
    charge.stripe_invoice_id = invoice.id
    audit.record(
        "charge.bank_transfer_invoice_issued",
        charge,
        actor=user,
        invoice_number=charge.invoice_number,
        stripe_invoice=invoice.id,
    )
    db.session.flush()
    return invoice.hosted_invoice_url


def refund_through_stripe(charge, amount_pence, reason):
    """Called by `services.refund` when an admin refunds a charge paid through Stripe: give
    the money back there first, so the refund recorded here is one Stripe made. Returns
    Stripe's refund id, the refund's reference. Stripe's `charge.refunded` event then finds
    this refund already recorded."""
    if not gateway.is_configured() or not charge.stripe_payment_intent_id:
        raise ActionRefused(
            "This charge was paid through Stripe, which this service cannot reach now. "
            "Refund it in Stripe's dashboard: the refund is recorded here when Stripe "
            "reports it."
        )
    return gateway.refund(charge, amount_pence, reason).id
