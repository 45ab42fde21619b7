"""A school lead pays its service charges in real Chromium: one by card, one by bank
transfer, each marked paid only when Stripe's signed webhook says so, with every page of
ours checked by axe-core.

The live server serves the test's app, so the `fake_stripe` fixture configures it: Stripe's
API is the fake in tests/fake_stripe.py. Stripe's own pages (Checkout, and the hosted
invoice with the account to pay into) are answered inside the browser by `page.route`, as
Stripe would answer them, so nothing leaves this machine.
"""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from elp.billing import services
from tests.factories import PASSWORD, make_booking, make_lead, make_member, make_offer, make_school
from tests.fake_stripe import event, sign

pytestmark = pytest.mark.browser

CHECKOUT = re.compile(r"^https://checkout\.stripe\.com/c/pay/(cs_test_\w+)")
HOSTED_INVOICE = re.compile(r"^https://invoice\.stripe\.com/i/acct_fake/test_(in_\w+)")


def keep_the_browser_on_this_machine(page, live_server):
    """Refuse any request that is not to the live server; the stand-ins below, registered
    later, answer Stripe's pages before this does."""
    page.route(lambda url: not url.startswith(live_server.url + "/"), lambda route: route.abort())


def stand_in_for_stripe_checkout(page, fake_stripe, live_server, paid):
    """Answer the school's arrival at Stripe Checkout as Stripe does once the card is paid:
    the session is complete, and the browser is sent to the session's success URL."""

    def pay(route):
        session_id = CHECKOUT.match(route.request.url).group(1)
        session = fake_stripe.complete_session(session_id, payment_intent="pi_card_paid")
        paid.append(session)
        route.fulfill(status=303, headers={"Location": live_server.url_of(session["success_url"])})

    page.route(CHECKOUT, pay)


def stand_in_for_the_hosted_invoice(page, fake_stripe, opened):
    """Stripe's hosted invoice page, where the school finds the account to pay into."""

    def show(route):
        invoice = fake_stripe.objects[HOSTED_INVOICE.match(route.request.url).group(1)]
        opened.append(invoice)
        route.fulfill(
            content_type="text/html",
            body=f"<!doctype html><title>Stripe invoice</title><h1>Invoice {invoice['number']}</h1>",
        )

    page.route(HOSTED_INVOICE, show)


def deliver_webhook(live_server, event_type, stripe_object):
    """Post an event to the webhook as Stripe does: the raw JSON, signed with the secret."""
    payload = json.dumps(event(event_type, stripe_object))
    request = urllib.request.Request(
        live_server.url + "/stripe/webhook",
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def open_invoice(page, charge):
    page.get_by_role("link", name=re.compile(r"^Charges( \(\d+\))?$")).click()
    expect(page.get_by_role("heading", name="Your school’s charges")).to_be_visible()
    page.get_by_role("link", name=charge.invoice_number).click()
    expect(page.get_by_role("heading", name=f"Invoice {charge.invoice_number}")).to_be_visible()


def expect_paid(page, charge, gross):
    row = page.get_by_role("row", name=re.compile(charge.invoice_number))
    expect(row).to_contain_text(gross)
    expect(row).to_contain_text("Paid")


def test_a_school_lead_pays_one_charge_by_card_and_one_by_bank_transfer(
    db, page, live_server, assert_accessible, sign_in_with_browser, fake_stripe
):
    seeking = make_school(name="Kingswood Meadow Primary School")
    make_lead(seeking, email="tom@kingswood.example")
    offer = make_offer(
        make_school(name="Katherines Brook School"), "Speech and language support",
        capacity=20, price_pence=40_000,
    )  # fmt: skip
    (by_card,) = services.charges_for_booking(
        make_booking(offer=offer, author=make_member(seeking), quantity=3)
    )  # 5 % of £1,200: £60.00
    (by_transfer,) = services.charges_for_booking(
        make_booking(offer=offer, author=make_member(seeking), quantity=5)
    )  # 5 % of £2,000: £100.00
    db.session.commit()
    paid_sessions, opened_invoices = [], []
    keep_the_browser_on_this_machine(page, live_server)
    stand_in_for_stripe_checkout(page, fake_stripe, live_server, paid_sessions)
    stand_in_for_the_hosted_invoice(page, fake_stripe, opened_invoices)
    sign_in_with_browser(page, "tom@kingswood.example", PASSWORD)

    # The invoice offers both ways to pay, in place of the offline instructions.
    open_invoice(page, by_card)
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Pay this invoice")).to_be_visible()
    expect(main).to_contain_text("Pay £60.00 by card now")
    assert_accessible(page)

    # Paying by card: Stripe Checkout for exactly the gross, then back to our thank-you page.
    page.get_by_role("button", name="Pay by card").click()
    expect(page.get_by_role("heading", name="Thank you for your payment")).to_be_visible()
    assert page.url == f"{live_server.url}/charges/{by_card.id}/payment-received"
    (session,) = paid_sessions
    assert session["amount_total"] == 6000 and session["currency"] == "gbp"
    assert session["metadata"] == {
        "charge_id": str(by_card.id), "invoice_number": by_card.invoice_number,
    }  # fmt: skip
    # Coming back proves nothing: only Stripe's webhook marks the charge paid.
    expect(page.locator("main")).to_contain_text("Stripe is confirming your payment of £60.00")
    assert_accessible(page)

    assert deliver_webhook(live_server, "checkout.session.completed", session)["outcome"] == "paid"
    page.reload()
    expect(page.locator("main")).to_contain_text("Your payment of £60.00 has been received")
    open_invoice(page, by_card)
    expect(page.locator("main")).to_contain_text("(payment reference pi_card_paid). Thank you.")
    expect(page.get_by_role("button", name="Pay by card")).to_have_count(0)
    assert_accessible(page)

    # Paying by bank transfer: Stripe's invoice with the account details, paid later.
    open_invoice(page, by_transfer)
    page.get_by_role("button", name="Pay by bank transfer").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Invoice FAKE-"))).to_be_visible()
    (stripe_invoice,) = opened_invoices
    assert stripe_invoice["amount_due"] == 10_000
    assert stripe_invoice["metadata"]["invoice_number"] == by_transfer.invoice_number
    paid_invoice = fake_stripe.pay_invoice(stripe_invoice["id"], payment_intent="pi_bacs_paid")
    assert deliver_webhook(live_server, "invoice.paid", paid_invoice)["outcome"] == "paid"

    page.goto(f"{live_server.url}/charges")
    expect_paid(page, by_card, "£60.00")
    expect_paid(page, by_transfer, "£100.00")
    expect(page.locator("main")).not_to_contain_text("Still to pay")
    assert_accessible(page)
