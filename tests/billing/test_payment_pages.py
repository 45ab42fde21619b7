"""The pay buttons and where they lead: to Stripe's pages with Stripe configured, nowhere
without it."""

import logging

import pytest
from flask import render_template_string

from elp.billing import services
from elp.extensions import db as _db
from tests.factories import make_member, make_school

PARTIAL = '{% include "billing/_pay.html" %}'


@pytest.fixture
def charge(billing):
    (charge,) = services.charges_for_booking(billing.book())
    return charge


def test_pay_by_card_sends_the_school_to_stripe_checkout(
    client, login_as, billing, charge, fake_stripe
):
    login_as(billing.seeking_member)

    response = client.post(f"/charges/{charge.id}/pay/card")

    assert response.status_code == 303
    assert response.location.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    session = fake_stripe.creates("/v1/checkout/sessions")[0]
    assert session.params["success_url"] == (
        f"http://localhost/charges/{charge.id}/payment-received"
    )
    assert session.params["cancel_url"] == f"http://localhost/bookings/{charge.booking_id}"


def test_pay_by_bank_transfer_sends_the_school_to_the_stripe_invoice(
    client, login_as, billing, charge, fake_stripe
):
    login_as(billing.seeking_member)
    response = client.post(f"/charges/{charge.id}/pay/bank-transfer")
    assert response.status_code == 303
    assert response.location.startswith("https://invoice.stripe.com/i/")


def test_another_school_cannot_pay_or_see_a_charge(
    client, login_as, billing, charge, fake_stripe, caplog
):
    # The offering school is party to the booking but does not pay this charge.
    with caplog.at_level(logging.WARNING):
        for user in (billing.offering_member, make_member(make_school(name="Elsewhere"))):
            login_as(user)
            assert client.post(f"/charges/{charge.id}/pay/card").status_code == 404
            assert client.post(f"/charges/{charge.id}/pay/bank-transfer").status_code == 404
            assert client.get(f"/charges/{charge.id}/payment-received").status_code == 404
    assert fake_stripe.requests == []
    assert caplog.text.count(f"Refused charge {charge.id} to user") == 6
    _db.session.expire_all()
    assert (charge.status, charge.stripe_checkout_session_id) == ("pending", None)


def test_paying_a_paid_charge_is_refused_with_a_clear_message(
    client, login_as, billing, charge, fake_stripe
):
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    _db.session.commit()
    login_as(billing.seeking_member)

    response = client.post(f"/charges/{charge.id}/pay/card")

    assert response.status_code == 409
    assert "It has been paid already" in response.get_data(as_text=True)
    assert fake_stripe.requests == []


def test_stripe_failing_is_a_clear_message_not_a_500(
    client, login_as, billing, charge, fake_stripe
):
    fake_stripe.fail_next(400, "No such customer", "invalid_request_error")
    login_as(billing.seeking_member)
    response = client.post(f"/charges/{charge.id}/pay/card")
    assert response.status_code == 409
    assert "Nothing has been charged" in response.get_data(as_text=True)


def test_the_return_page_says_the_payment_is_being_confirmed(client, login_as, billing, charge):
    login_as(billing.seeking_member)
    page = client.get(f"/charges/{charge.id}/payment-received").get_data(as_text=True)
    assert "Thank you for your payment" in page
    assert charge.invoice_number in page
    assert "you do not need to pay again" in page


def render_partial(app, charge):
    with app.test_request_context():
        return render_template_string(PARTIAL, charge=charge)


def test_the_partial_offers_both_ways_to_pay_a_pending_charge(app, charge, fake_stripe):
    html = render_partial(app, charge)
    assert "Pay by card" in html
    assert "Pay by bank transfer" in html
    assert f'action="/charges/{charge.id}/pay/card"' in html
    assert 'name="csrf_token"' in html


def test_the_amounts_show_pennies_as_the_invoice_does(app, billing, client, login_as, fake_stripe):
    (whole_pounds,) = services.charges_for_booking(billing.book(quantity=2))  # £35.00
    login_as(billing.seeking_member)
    thanks = client.get(f"/charges/{whole_pounds.id}/payment-received").get_data(as_text=True)
    assert "Pay £35.00 by card now" in render_partial(app, whole_pounds)
    assert "your payment of £35.00" in thanks


def test_the_partial_shows_nothing_without_stripe(app, charge):
    assert render_partial(app, charge).strip() == ""


def test_the_partial_shows_nothing_once_the_charge_is_paid(app, billing, charge, fake_stripe):
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    assert render_partial(app, charge).strip() == ""


def test_the_pages_may_send_forms_on_to_stripe(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com https://invoice.stripe.com" in policy
