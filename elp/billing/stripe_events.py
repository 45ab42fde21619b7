"""What Stripe tells ELP about payments, from the webhook or from `elp sync-payments`.

Each event is recorded in `stripe_event` in the same transaction as its effect, so one
delivered five times, or by the webhook and the catch-up command both, acts once. Every
handler reads the state it is told about and moves the charge only forward: a payment
marks a pending charge paid (once its amount and currency match the invoice), a refund
records what Stripe has refunded beyond what is recorded here. So events in any order end
in the same state (decision 15).
"""

import logging
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from elp import audit, money
from elp.billing import services, stripe_event_shape
from elp.billing import stripe_gateway as gateway
from elp.billing.models import Charge, ChargeStatus, PaidVia, StripeEvent
from elp.bounds import MAX_ID, whole_number
from elp.extensions import db
from elp.timeutil import UK_TIME, uk_today
from elp.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
field = gateway.field

PAID = "paid"
FLAGGED = "flagged"
UNKNOWN_CHARGE = "unknown charge"
NOTHING_TO_DO = "nothing to do"


def receive(event):
    """Record the event and apply it, in the caller's transaction. Returns what it did,
    or None when it had been received before (nothing changes)."""
    if db.session.get(StripeEvent, event.id) is not None:
        log.info("Stripe event %s (%s) was received before; ignored", event.id, event.type)
        return None
    record = StripeEvent(id=event.id, type=event.type, created=event.created, outcome="")
    db.session.add(record)
    # A second delivery racing this one fails here, on the primary key, before any effect.
    db.session.flush()
    handler = HANDLERS.get(event.type)
    stripe_object = field(event.data, "object")
    problem = handler and stripe_event_shape.object_problem(event.type, stripe_object)
    if problem:
        # Recorded, so a redelivery is not applied either; an admin can look it up at Stripe.
        log.warning("Stripe event %s (%s) is malformed (%s); ignored", event.id, event.type,
                    problem)  # fmt: skip
        charge, outcome = None, stripe_event_shape.MALFORMED
    elif handler:
        charge, outcome = handler(stripe_object, event)
    else:
        charge, outcome = None, "ignored"
    record.charge_id = charge.id if charge is not None else None
    record.outcome = outcome
    log.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    db.session.flush()
    return outcome


# `sync_payments` looks back this far before the last event seen: an event missed while
# later ones arrived is still caught (Stripe itself retries a failed delivery for 3 days).
SYNC_OVERLAP_SECONDS = 3 * 24 * 60 * 60


def sync_payments():
    """Ask Stripe for the events since the last one seen (less the overlap) and put each
    one not yet received through `receive`, each in its own transaction. Returns how many
    were applied."""
    last = db.session.scalar(select(func.max(StripeEvent.created)))
    since = max(last - SYNC_OVERLAP_SECONDS, 0) if last is not None else None
    applied = 0
    for event in gateway.events_since(since, HANDLERS):
        problem = stripe_event_shape.envelope_problem(event)
        if problem:
            log.warning("Stripe listed an event ELP cannot record (%s); skipped", problem)
            continue
        try:
            with unit_of_work():
                outcome = receive(event)
        except IntegrityError:
            outcome = None  # the webhook was applying the same event at that moment
        if outcome is not None:
            applied += 1
    return applied


# --- Finding the charge -------------------------------------------------------------------


def _charge_by_metadata(stripe_object):
    # An id no charge can have (too many digits for the column) finds nothing.
    charge_id = whole_number(field(field(stripe_object, "metadata"), "charge_id"), MAX_ID)
    if charge_id is None:
        return None
    charge = db.session.get(Charge, charge_id)
    invoice_number = field(field(stripe_object, "metadata"), "invoice_number")
    if charge is not None and invoice_number and invoice_number != charge.invoice_number:
        return None  # another database's charge with the same id (a test Stripe account)
    return charge


def _charge_by(column, value):
    if not value:
        return None
    return db.session.scalar(select(Charge).where(column == value))


def _unknown(stripe_object, event):
    log.warning(
        "Stripe event %s (%s) is for %s, which is no charge of ELP's; nothing changed",
        event.id,
        event.type,
        field(stripe_object, "id"),
    )
    return None, UNKNOWN_CHARGE


# --- Payments -----------------------------------------------------------------------------


def _paid_on(charge, timestamp):
    """The UK date Stripe took the payment, within the dates a payment may have."""
    day = datetime.fromtimestamp(timestamp, UTC).astimezone(UK_TIME).date()
    return min(max(day, charge.invoice_date), uk_today())


def _settle(charge, amount, currency, payment_intent, timestamp, source):
    """Mark a pending charge paid through Stripe if the amount and currency are exactly the
    invoice's; otherwise flag it for an admin. A payment for a charge settled already is
    nothing new when it is the same payment, and flagged when it is a second one."""
    received = f"{money.format_invoice_amount(amount or 0)} {str(currency or '').upper()}"
    if charge.status != ChargeStatus.PENDING:
        if payment_intent and payment_intent == charge.stripe_payment_intent_id:
            return NOTHING_TO_DO
        services.flag_for_attention(
            charge,
            f"Stripe received a payment of {received} ({source}) for a charge that is "
            f"{charge.status} already: if it was paid twice, refund one payment in Stripe.",
        )
        return FLAGGED
    if str(currency or "").lower() != gateway.CURRENCY or amount != charge.gross_pence:
        services.flag_for_attention(
            charge,
            f"Stripe reported a payment of {received} ({source}) but the invoice is for "
            f"{money.format_invoice_amount(charge.gross_pence)} GBP, so it was not marked "
            "as paid: check the payment in Stripe.",
        )
        return FLAGGED
    charge.stripe_payment_intent_id = payment_intent
    services.mark_paid(
        charge,
        PaidVia.STRIPE,
        payment_intent or source,
        paid_on=_paid_on(charge, timestamp),
    )
    return PAID


def checkout_session_paid(session, event):
    """`checkout.session.completed` (paid at once, as cards are, or still to be paid) and
    `checkout.session.async_payment_succeeded`."""
    charge = _charge_by_metadata(session) or _charge_by(
        Charge.stripe_checkout_session_id, field(session, "id")
    )
    if charge is None:
        return _unknown(session, event)
    if field(session, "payment_status") == "unpaid":
        return charge, "awaiting payment"
    return charge, _settle(
        charge,
        field(session, "amount_total"),
        field(session, "currency"),
        field(session, "payment_intent"),
        event.created,
        f"Checkout Session {field(session, 'id')}",
    )


def checkout_session_failed(session, event):
    """`checkout.session.async_payment_failed`: the charge is still owed; say so in its
    history."""
    charge = _charge_by_metadata(session) or _charge_by(
        Charge.stripe_checkout_session_id, field(session, "id")
    )
    if charge is None:
        return _unknown(session, event)
    if charge.status != ChargeStatus.PENDING:
        return charge, NOTHING_TO_DO
    audit.record(
        "charge.payment_failed",
        charge,
        actor=None,
        reason="Stripe reported that the payment failed",
        invoice_number=charge.invoice_number,
        checkout_session=field(session, "id"),
    )
    return charge, "payment failed"


def invoice_paid(invoice, event):
    """`invoice.paid`: the school paid the Stripe invoice by bank transfer."""
    charge = _charge_by_metadata(invoice) or _charge_by(
        Charge.stripe_invoice_id, field(invoice, "id")
    )
    if charge is None:
        return _unknown(invoice, event)
    payment_intent = gateway.invoice_payment_intent(field(invoice, "id"))
    return charge, _settle(
        charge,
        field(invoice, "amount_paid"),
        field(invoice, "currency"),
        payment_intent,
        event.created,
        f"Stripe invoice {field(invoice, 'id')}",
    )


def charge_refunded(stripe_charge, event):
    """`charge.refunded`: record what Stripe has refunded (its running total) beyond what is
    recorded here: nothing when an admin's refund here made it. A refund that arrives before
    its payment's event proves the payment, so the charge is marked paid first."""
    payment_intent = field(stripe_charge, "payment_intent")
    charge = _charge_by(Charge.stripe_payment_intent_id, payment_intent) or _charge_by_metadata(
        stripe_charge
    )
    if charge is None:
        return _unknown(stripe_charge, event)
    if charge.status == ChargeStatus.PENDING:
        outcome = _settle(
            charge,
            field(stripe_charge, "amount"),
            field(stripe_charge, "currency"),
            payment_intent,
            field(stripe_charge, "created") or event.created,
            f"card payment {field(stripe_charge, 'id')}",
        )
        if outcome != PAID:
            return charge, outcome
    elif charge.stripe_payment_intent_id != payment_intent:
        return charge, NOTHING_TO_DO  # a refund of a payment this charge did not keep
    if charge.status not in (
        ChargeStatus.PAID,
        ChargeStatus.PART_REFUNDED,
        ChargeStatus.REFUNDED,
    ):
        return charge, NOTHING_TO_DO
    more = field(stripe_charge, "amount_refunded") - charge.amount_refunded_pence
    if more <= 0:
        return charge, NOTHING_TO_DO
    services.refund(
        charge,
        min(more, charge.refundable_pence),
        "Refunded in Stripe",
        actor=None,
        reference=payment_intent,
    )
    return charge, "refunded"


HANDLERS = {
    "checkout.session.completed": checkout_session_paid,
    "checkout.session.async_payment_succeeded": checkout_session_paid,
    "checkout.session.async_payment_failed": checkout_session_failed,
    "invoice.paid": invoice_paid,
    "charge.refunded": charge_refunded,
}
