"""Paying a service charge through Stripe, and Stripe's webhook.

The pay buttons are `templates/billing/_pay.html`, included on a charge's invoice page; they
show only while Stripe is configured and the charge is pending. The school leaves for
Stripe's own pages and comes back to `payment_received`; the webhook marks the charge paid.
"""

import logging

import stripe
from flask import Blueprint, jsonify, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from elp.accounts.decorators import school_user_required
from elp.billing import invoices, payments, stripe_events
from elp.billing import stripe_gateway as gateway
from elp.errors import ActionRefused, link_refusals
from elp.extensions import csrf
from elp.unit_of_work import unit_of_work
from elp.urls import absolute_url

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__)
link_refusals(bp, "charge_id", "charges.show", "Go to the charge")


@bp.app_template_global()
def stripe_payments_available():
    """Whether the pay buttons are shown (the partial asks)."""
    return payments.stripe_payments_available()


@bp.post("/charges/<int:charge_id>/pay/card")
@school_user_required
def pay_by_card(charge_id):
    charge = invoices.charge_for_school(charge_id, current_user)
    with unit_of_work():
        address = payments.pay_by_card(
            charge,
            current_user,
            success_url=absolute_url("payments.payment_received", charge_id=charge.id),
            cancel_url=absolute_url("bookings.show", booking_id=charge.booking_id),
        )
    return redirect(address, code=303)


@bp.post("/charges/<int:charge_id>/pay/bank-transfer")
@school_user_required
def pay_by_bank_transfer(charge_id):
    charge = invoices.charge_for_school(charge_id, current_user)
    with unit_of_work():
        address = payments.pay_by_bank_transfer(charge, current_user)
    return redirect(address, code=303)


@bp.get("/charges/<int:charge_id>/payment-received")
@school_user_required
def payment_received(charge_id):
    charge = invoices.charge_for_school(charge_id, current_user)
    return render_template("billing/payment_received.html", charge=charge)


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: the raw body verified against `Stripe-Signature` (400 if it fails),
    each event applied once."""
    try:
        event = gateway.construct_event(request.get_data(), request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError) as error:
        log.warning("Refused a Stripe webhook: %s", error)
        return jsonify(error="The signature or the payload is not valid."), 400
    try:
        with unit_of_work():
            outcome = stripe_events.receive(event)
    except IntegrityError:
        # The same event, delivered twice at once: the other delivery applied it.
        log.info("Stripe event %s was being received at the same time; ignored", event.id)
        outcome = None
    except ActionRefused as refusal:
        # The charge changed while the event was applied: Stripe delivers it again.
        log.warning("Stripe event %s not applied yet: %s", event.id, refusal.message)
        return jsonify(error=refusal.message), 409
    return jsonify(received=True, outcome=outcome or "received before")
