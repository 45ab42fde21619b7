"""Service charges from end to end with no Stripe configuration, as the service runs out of
the box: the booking is agreed, the school is emailed the invoice and pays it by bank
transfer as the invoice says, an ELP admin records the payment, and the school sees it paid.
Nothing is sent to Stripe and nothing offers to."""

import json
import re

import pytest
from sqlalchemy import select

from elp import money
from elp.billing.models import Charge
from elp.extensions import db as _db
from elp.timeutil import format_date, uk_today
from tests.factories import make_request
from tests.fake_stripe import event, sign

BANK_DETAILS = "Payee: Essex Learning Partnership; Sort code: 20-45-77; Account number: 31926819"


@pytest.fixture
def offline(app, monkeypatch):
    """The configuration a fresh install has: no Stripe keys, only ELP's bank details."""
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_HTTP_CLIENT"):
        assert not app.config.get(name)
    monkeypatch.setitem(app.config, "BANK_DETAILS", BANK_DETAILS)


def text_of(response):
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_charge_is_invoiced_paid_offline_and_recorded_without_stripe(
    offline, billing, client, login_as, runner, sent_emails
):
    # The offering school accepts the request, having checked the booking and its charge:
    # the booking and its charge are made.
    support_request = make_request(billing.offer, author=billing.seeking_member, quantity=3)
    proposal_id = support_request.latest_proposal.id
    check = login_as(billing.offering_member).get(
        f"/requests/{support_request.id}/accept?proposal={proposal_id}"
    )
    assert "ELP service charge: £52.50, no VAT, paid by" in text_of(check)
    client.post(f"/requests/{support_request.id}/accept", data={"proposal_id": proposal_id})
    charge = _db.session.scalars(select(Charge)).one()
    assert (charge.school_id, charge.gross_pence, charge.status) == (
        billing.seeking.id,
        5_250,
        "pending",
    )

    # The seeking school's lead is emailed the invoice, with how to pay it offline.
    (email,) = [e for e in sent_emails if e["Subject"].startswith("Invoice ")]
    body = email.get_body(("plain",)).get_content()
    assert "Sort code: 20-45-77" in body
    assert f"Use the invoice number {charge.invoice_number} as the payment reference." in body

    # The school sees the charge due and, on the invoice, the bank details; no pay buttons.
    login_as(billing.seeking_member)
    assert f"{charge.invoice_number} Phonics catch-up £52.50 £0.00 £52.50 Due" in text_of(
        client.get("/charges")
    )
    invoice = text_of(client.get(f"/charges/{charge.id}"))
    assert "Sort code 20-45-77" in invoice
    assert f"Use the invoice number {charge.invoice_number} as the payment reference" in invoice
    assert "Pay by card" not in invoice

    # Paying through the service is refused with the offline instructions instead.
    for way in ("card", "bank-transfer"):
        refused = client.post(f"/charges/{charge.id}/pay/{way}")
        assert refused.status_code == 409
        assert "Pay by bank transfer using the details on the invoice" in refused.text
    # A webhook cannot be verified without a secret, so it changes nothing.
    payload = json.dumps(event("checkout.session.completed", {"id": "cs_test_1"}))
    webhook = client.post(
        "/stripe/webhook", data=payload, headers={"Stripe-Signature": sign(payload)}
    )
    assert webhook.status_code == 400
    assert "Stripe is not configured" in runner.invoke(args=["sync-payments"]).output

    # The money arrives in ELP's account; an ELP admin records it.
    today = uk_today()
    recorded = login_as(billing.admin).post(
        f"/admin/charges/{charge.id}/record-payment",
        data={
            "amount": money.format_plain_pounds(charge.gross_pence),
            "paid_on": [str(today.day), str(today.month), str(today.year)],
            "reference": f"BACS {charge.invoice_number}",
        },
    )
    assert recorded.status_code == 302
    export = client.get("/admin/charges/export.csv").get_data(as_text=True)
    assert f"Paid,{today.isoformat()},BACS {charge.invoice_number}" in export

    # The school sees it paid, with nothing left to pay.
    login_as(billing.seeking_member)
    charges = text_of(client.get("/charges"))
    assert f"{charge.invoice_number} Phonics catch-up £52.50 £0.00 £52.50 Paid" in charges
    assert "Still to pay" not in charges
    invoice = text_of(client.get(f"/charges/{charge.id}"))
    assert (
        f"Paid on {format_date(today)} (payment reference BACS {charge.invoice_number}). Thank you."
        in invoice
    )
    _db.session.expire_all()
    assert (charge.status, charge.paid_via) == ("paid", "offline")
    assert (charge.stripe_checkout_session_id, charge.stripe_invoice_id) == (None, None)
    assert billing.seeking.stripe_customer_id is None
