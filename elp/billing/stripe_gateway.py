"""Every call ELP makes to Stripe, through one `stripe.StripeClient` (decision 15).

Configuration: `STRIPE_SECRET_KEY` (without it nothing here is called and charges are
invoiced offline), `STRIPE_WEBHOOK_SECRET`, `STRIPE_API_BASE` (Stripe itself, or stripe-mock
or a local stand-in) and `STRIPE_HTTP_CLIENT` (the tests' fake). Every create call carries an
idempotency key derived from the charge or the school, so a retry, a double click or a
second "Pay by card" never makes a second object. A failure at Stripe becomes
`PaymentProviderError`, a refusal the school or admin is shown; nothing has changed.
"""

import json
import logging
from datetime import datetime, time, timedelta

import stripe
from flask import current_app

from elp.billing import stripe_event_shape
from elp.errors import ActionRefused
from elp.timeutil import UK_TIME, uk_today

log = logging.getLogger(__name__)

CURRENCY = "gbp"
# Connection failures and Stripe's own 409/5xx are retried; the idempotency keys make that safe.
NETWORK_RETRIES = 2


class PaymentProviderError(ActionRefused):
    """Stripe refused a call or could not be reached: nothing was charged or changed here."""


def is_configured():
    """Whether payments go through Stripe (a secret key is set) or charges are invoiced
    offline."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def client():
    return stripe.StripeClient(
        current_app.config["STRIPE_SECRET_KEY"],
        base_addresses={"api": current_app.config["STRIPE_API_BASE"]},
        http_client=current_app.config.get("STRIPE_HTTP_CLIENT"),
        max_network_retries=NETWORK_RETRIES,
    )


def _call(what, method, *args, **kwargs):
    try:
        return method(*args, **kwargs)
    except stripe.StripeError as error:
        log.error("Stripe refused %s: %s", what, error.user_message or error)
        raise PaymentProviderError(
            f"Stripe could not {what} just now. Nothing has been charged. "
            "Try again in a few minutes."
        ) from None


def field(stripe_object, name):
    """A field of a Stripe object, or None when it is absent (Stripe objects are not dicts)."""
    if stripe_object is None:
        return None
    return getattr(stripe_object, name, None)


def _key(*parts):
    return "-".join(str(part) for part in parts)


def charge_metadata(charge):
    """What ELP puts on every Stripe object of a charge, so an event finds its charge."""
    return {"charge_id": str(charge.id), "invoice_number": charge.invoice_number}


def _description(charge):
    return f"ELP Exchange service charge, invoice {charge.invoice_number}"


# --- Customers ----------------------------------------------------------------------------


def create_customer(school):
    """One customer per school, made the first time it pays through Stripe."""
    params = {
        "name": school.name,
        "metadata": {"school_id": str(school.id), "urn": school.urn},
    }
    address = {
        "line1": school.street,
        "city": school.town,
        "postal_code": school.postcode,
    }
    if any(address.values()):
        params["address"] = {
            "country": "GB",
            **{name: value for name, value in address.items() if value},
        }
    return _call(
        "set up your school as a customer",
        client().v1.customers.create,
        params,
        options={"idempotency_key": _key("school", school.id, school.urn, "customer")},
    )


# --- Pay by card: a Checkout Session ------------------------------------------------------


def checkout_session_key(charge, replaces=None):
    """The same charge gets the same session; only a session that expired unpaid is
    replaced, by one whose key names it."""
    key = _key("charge", charge.id, charge.invoice_number, "checkout")
    return _key(key, "after", replaces) if replaces else key


def create_checkout_session(charge, customer_id, success_url, cancel_url, replaces=None):
    """A Checkout Session for exactly the charge's gross, in pounds, paid by card."""
    metadata = charge_metadata(charge)
    params = {
        "mode": "payment",
        "customer": customer_id,
        "client_reference_id": str(charge.id),
        "payment_method_types": ["card"],
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": charge.gross_pence,
                    "product_data": {"name": _description(charge)},
                },
            }
        ],
        "metadata": metadata,
        "payment_intent_data": {"description": _description(charge), "metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    return _call(
        "start the card payment",
        client().v1.checkout.sessions.create,
        params,
        options={"idempotency_key": checkout_session_key(charge, replaces)},
    )


def retrieve_checkout_session(session_id):
    return _call("find the card payment", client().v1.checkout.sessions.retrieve, session_id)


# --- Pay by bank transfer: a Stripe invoice paid through the customer balance -----------


def _due_timestamp(charge):
    """The end of the charge's due date in the UK; Stripe wants a due date in the future,
    so an overdue charge's Stripe invoice is due in 7 days."""
    due = charge.due_date if charge.due_date > uk_today() else uk_today() + timedelta(days=7)
    return int(datetime.combine(due, time(23, 59, 59), tzinfo=UK_TIME).timestamp())


def create_bank_transfer_invoice(charge, customer_id):
    """A Stripe invoice for the charge's gross, paid by UK bank transfer into the
    customer's balance (`gb_bank_transfer`); finalised, so it has a hosted page with the
    account to pay into."""
    metadata = charge_metadata(charge)
    stripe_client = client()
    base_key = _key("charge", charge.id, charge.invoice_number, "bank-transfer-invoice")
    invoice = _call(
        "make the invoice to pay by bank transfer",
        stripe_client.v1.invoices.create,
        {
            "customer": customer_id,
            "collection_method": "send_invoice",
            "currency": CURRENCY,
            "due_date": _due_timestamp(charge),
            "auto_advance": False,
            "pending_invoice_items_behavior": "exclude",
            "description": _description(charge),
            "metadata": metadata,
            "payment_settings": {
                "payment_method_types": ["customer_balance"],
                "payment_method_options": {
                    "customer_balance": {
                        "funding_type": "bank_transfer",
                        "bank_transfer": {"type": "gb_bank_transfer"},
                    }
                },
            },
        },
        options={"idempotency_key": base_key},
    )
    _call(
        "make the invoice to pay by bank transfer",
        stripe_client.v1.invoice_items.create,
        {
            "customer": customer_id,
            "invoice": invoice.id,
            "amount": charge.gross_pence,
            "currency": CURRENCY,
            "description": _description(charge),
            "metadata": metadata,
        },
        options={"idempotency_key": _key(base_key, "item")},
    )
    return _call(
        "make the invoice to pay by bank transfer",
        stripe_client.v1.invoices.finalize_invoice,
        invoice.id,
        {"auto_advance": False},
        options={"idempotency_key": _key(base_key, "finalize")},
    )


def retrieve_invoice(invoice_id):
    return _call(
        "find the invoice to pay by bank transfer", client().v1.invoices.retrieve, invoice_id
    )


def invoice_payment_intent(invoice_id):
    """The PaymentIntent that paid a Stripe invoice (kept on the charge, so a refund can be
    made and Stripe's `charge.refunded` event finds the charge), or None."""
    payments = _call(
        "find how the invoice was paid",
        client().v1.invoice_payments.list,
        {"invoice": invoice_id, "limit": 10},
    )
    for invoice_payment in payments.data:
        payment_intent = field(field(invoice_payment, "payment"), "payment_intent")
        if field(invoice_payment, "status") == "paid" and payment_intent:
            return payment_intent
    return None


# --- Refunds ------------------------------------------------------------------------------


def refund_key(charge, amount_pence):
    """Derived from what had been refunded before and the amount, so the same refund asked
    for twice is made once, and a later part refund is a new one."""
    return _key(
        "charge",
        charge.id,
        charge.invoice_number,
        "refund",
        charge.amount_refunded_pence,
        amount_pence,
    )


def refund(charge, amount_pence, reason):
    """Give back part or all of a charge paid through Stripe, to the card or account that
    paid it."""
    return _call(
        "make the refund",
        client().v1.refunds.create,
        {
            "payment_intent": charge.stripe_payment_intent_id,
            "amount": amount_pence,
            "metadata": {**charge_metadata(charge), "reason": reason[:500]},
        },
        options={"idempotency_key": refund_key(charge, amount_pence)},
    )


# --- Events -------------------------------------------------------------------------------


def construct_event(payload, signature_header):
    """The event in a webhook's raw body, once its `Stripe-Signature` is verified with the
    configured secret and Stripe's default tolerance (5 minutes). Raises ValueError or
    `stripe.SignatureVerificationError` otherwise."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise stripe.SignatureVerificationError("No webhook secret is configured", signature_header)
    text = payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else payload
    stripe.WebhookSignature.verify_header(
        text, signature_header, secret, stripe.Webhook.DEFAULT_TOLERANCE
    )
    # Signed is not well formed: an envelope ELP cannot record is refused before the
    # library reads it (which fails on a body that is not an object).
    problem = stripe_event_shape.envelope_problem(json.loads(text))
    if problem:
        raise ValueError(f"The event is not one ELP can record: {problem}")
    return stripe.Webhook.construct_event(text, signature_header, secret)


def events_since(created, types):
    """Every event of these types Stripe has from `created` (Unix seconds) on, oldest
    first. Stripe keeps events for 30 days."""
    params = {"types": list(types), "limit": 100}
    if created is not None:
        params["created"] = {"gte": created}
    events = _call("list its events", client().v1.events.list, params)
    return sorted(events.auto_paging_iter(), key=lambda event: (event.created, event.id))
