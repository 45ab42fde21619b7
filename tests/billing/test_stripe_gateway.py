"""What ELP sends Stripe, exactly: the parameters and idempotency keys of the card payment,
the bank-transfer invoice and refunds, and that asking twice makes nothing twice."""

import logging

import pytest

from elp.billing import payments, services
from elp.billing.stripe_gateway import PaymentProviderError
from elp.errors import ActionRefused
from elp.extensions import db as _db

SUCCESS = "http://localhost/charges/1/payment-received"
CANCEL = "http://localhost/bookings/1"


@pytest.fixture
def charge(billing):
    (charge,) = services.charges_for_booking(billing.book())  # 3 days at £350: £52.50
    return charge


def pay_by_card(charge, billing):
    address = payments.pay_by_card(charge, billing.seeking_member, SUCCESS, CANCEL)
    _db.session.commit()
    return address


def test_pay_by_card_makes_one_customer_and_a_checkout_session_for_the_gross(
    billing, charge, fake_stripe
):
    address = pay_by_card(charge, billing)

    customer, session = fake_stripe.creates()
    assert (customer.path, customer.idempotency_key) == (
        "/v1/customers",
        f"school-{billing.seeking.id}-{billing.seeking.urn}-customer",
    )
    assert customer.params["name"] == "Harlow Fields Infants"
    assert customer.params["metadata"] == {
        "school_id": str(billing.seeking.id),
        "urn": billing.seeking.urn,
    }
    metadata = {"charge_id": str(charge.id), "invoice_number": charge.invoice_number}
    description = f"ELP Exchange service charge, invoice {charge.invoice_number}"
    assert session.path == "/v1/checkout/sessions"
    assert session.idempotency_key == f"charge-{charge.id}-{charge.invoice_number}-checkout"
    assert session.params == {
        "mode": "payment",
        "customer": billing.seeking.stripe_customer_id,
        "client_reference_id": str(charge.id),
        "payment_method_types": ["card"],
        "line_items": [
            {
                "quantity": "1",
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": "5250",
                    "product_data": {"name": description},
                },
            }
        ],
        "metadata": metadata,
        "payment_intent_data": {"description": description, "metadata": metadata},
        "success_url": SUCCESS,
        "cancel_url": CANCEL,
    }
    assert address == f"https://checkout.stripe.com/c/pay/{charge.stripe_checkout_session_id}"
    assert billing.seeking.stripe_customer_id.startswith("cus_")
    assert charge.status == "pending"  # only Stripe's webhook marks it paid


def test_paying_by_card_again_reuses_the_open_session_and_the_customer(
    billing, charge, fake_stripe
):
    first = pay_by_card(charge, billing)
    second = pay_by_card(charge, billing)

    assert second == first
    assert [r.path for r in fake_stripe.creates()] == ["/v1/customers", "/v1/checkout/sessions"]


def test_an_expired_session_is_replaced_under_a_key_naming_it(billing, charge, fake_stripe):
    pay_by_card(charge, billing)
    expired = charge.stripe_checkout_session_id
    fake_stripe.expire_session(expired)

    pay_by_card(charge, billing)

    replacement = fake_stripe.creates("/v1/checkout/sessions")[-1]
    assert replacement.idempotency_key == (
        f"charge-{charge.id}-{charge.invoice_number}-checkout-after-{expired}"
    )
    assert charge.stripe_checkout_session_id not in (None, expired)
    assert len(fake_stripe.creates("/v1/customers")) == 1


def test_a_lost_answer_retried_with_the_same_key_gets_the_same_session(
    billing, charge, fake_stripe
):
    """The session is made, but the transaction that keeps its id rolls back: the next
    attempt sends the same key and Stripe answers with the same session."""
    payments.pay_by_card(charge, billing.seeking_member, SUCCESS, CANCEL)
    first = charge.stripe_checkout_session_id
    _db.session.rollback()

    pay_by_card(charge, billing)

    assert charge.stripe_checkout_session_id == first
    keys = [r.idempotency_key for r in fake_stripe.creates("/v1/checkout/sessions")]
    assert keys[0] == keys[1]


def test_pay_by_bank_transfer_makes_a_finalised_stripe_invoice_paid_through_the_balance(
    billing, charge, fake_stripe
):
    address = payments.pay_by_bank_transfer(charge, billing.seeking_member)
    _db.session.commit()

    customer, invoice, item, finalize = fake_stripe.creates()
    key = f"charge-{charge.id}-{charge.invoice_number}-bank-transfer-invoice"
    metadata = {"charge_id": str(charge.id), "invoice_number": charge.invoice_number}
    description = f"ELP Exchange service charge, invoice {charge.invoice_number}"
    assert customer.path == "/v1/customers"
    assert (invoice.path, invoice.idempotency_key) == ("/v1/invoices", key)
    due_date = invoice.params.pop("due_date")
    assert invoice.params == {
        "customer": billing.seeking.stripe_customer_id,
        "collection_method": "send_invoice",
        "currency": "gbp",
        "auto_advance": "false",
        "pending_invoice_items_behavior": "exclude",
        "description": description,
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
    }
    assert int(due_date) > 0
    assert (item.path, item.idempotency_key) == ("/v1/invoiceitems", f"{key}-item")
    assert item.params == {
        "customer": billing.seeking.stripe_customer_id,
        "invoice": charge.stripe_invoice_id,
        "amount": "5250",
        "currency": "gbp",
        "description": description,
        "metadata": metadata,
    }
    assert (finalize.path, finalize.idempotency_key) == (
        f"/v1/invoices/{charge.stripe_invoice_id}/finalize",
        f"{key}-finalize",
    )
    assert address == f"https://invoice.stripe.com/i/acct_fake/test_{charge.stripe_invoice_id}"


def test_pay_by_bank_transfer_again_links_to_the_same_invoice(billing, charge, fake_stripe):
    first = payments.pay_by_bank_transfer(charge, billing.seeking_member)
    _db.session.commit()
    second = payments.pay_by_bank_transfer(charge, billing.seeking_member)

    assert second == first
    assert len(fake_stripe.creates("/v1/invoices")) == 1


def test_a_card_and_a_bank_transfer_share_the_school_s_one_customer(billing, charge, fake_stripe):
    pay_by_card(charge, billing)
    (other,) = services.charges_for_booking(billing.book(quantity=1))
    payments.pay_by_bank_transfer(other, billing.seeking_member)
    _db.session.commit()

    assert len(fake_stripe.creates("/v1/customers")) == 1
    assert fake_stripe.creates("/v1/invoices")[0].params["customer"] == (
        billing.seeking.stripe_customer_id
    )


@pytest.mark.parametrize("status", ["paid", "waived", "void"])
def test_a_charge_that_is_not_owed_is_not_sent_to_stripe(
    billing, charge, fake_stripe, status, caplog
):
    charge.status = status
    _db.session.commit()
    with caplog.at_level(logging.WARNING):
        with pytest.raises(ActionRefused):
            payments.pay_by_card(charge, billing.seeking_member, SUCCESS, CANCEL)
        with pytest.raises(ActionRefused):
            payments.pay_by_bank_transfer(charge, billing.seeking_member)
    assert fake_stripe.requests == []
    assert caplog.text.count(f"Refused payment of charge {charge.id}") == 2
    assert (charge.stripe_checkout_session_id, charge.stripe_invoice_id) == (None, None)


def test_without_stripe_keys_nothing_is_sent_and_the_school_is_told_how_to_pay(billing, charge):
    with pytest.raises(ActionRefused, match="using the details on the invoice"):
        payments.pay_by_card(charge, billing.seeking_member, SUCCESS, CANCEL)


def test_a_refusal_at_stripe_changes_nothing_here(billing, charge, fake_stripe):
    fake_stripe.fail_next(400, "Invalid request", "invalid_request_error")
    with pytest.raises(PaymentProviderError, match="Nothing has been charged"):
        payments.pay_by_card(charge, billing.seeking_member, SUCCESS, CANCEL)
    _db.session.rollback()
    assert (charge.stripe_checkout_session_id, billing.seeking.stripe_customer_id) == (None, None)


# --- Refunds ------------------------------------------------------------------------------


def paid_through_stripe(charge, payment_intent="pi_fake_card"):
    charge.stripe_payment_intent_id = payment_intent
    services.mark_paid(charge, "stripe", payment_intent)
    _db.session.commit()


def test_an_admin_refund_of_a_stripe_payment_is_made_in_stripe_first(billing, charge, fake_stripe):
    paid_through_stripe(charge)

    note = services.refund(charge, 2_000, "Two of the three days", actor=billing.admin)
    _db.session.commit()

    (refund,) = fake_stripe.creates("/v1/refunds")
    assert refund.idempotency_key == f"charge-{charge.id}-{charge.invoice_number}-refund-0-2000"
    assert refund.params == {
        "payment_intent": "pi_fake_card",
        "amount": "2000",
        "metadata": {
            "charge_id": str(charge.id),
            "invoice_number": charge.invoice_number,
            "reason": "Two of the three days",
        },
    }
    assert (charge.status, charge.amount_refunded_pence, note.gross_pence) == (
        "part_refunded",
        2_000,
        2_000,
    )
    assert charge.credit_notes[-1].reason == "Two of the three days"


def test_a_second_part_refund_has_its_own_key(billing, charge, fake_stripe):
    paid_through_stripe(charge)
    services.refund(charge, 2_000, "Two days", actor=billing.admin)
    _db.session.commit()
    services.refund(charge, 3_250, "The rest", actor=billing.admin)
    _db.session.commit()

    keys = [r.idempotency_key for r in fake_stripe.creates("/v1/refunds")]
    prefix = f"charge-{charge.id}-{charge.invoice_number}-refund"
    assert keys == [f"{prefix}-0-2000", f"{prefix}-2000-3250"]
    assert charge.refundable_pence == 0


def test_a_refund_stripe_refuses_is_not_recorded(billing, charge, fake_stripe):
    paid_through_stripe(charge)
    fake_stripe.fail_next(400, "Charge has already been refunded.", "invalid_request_error")

    with pytest.raises(PaymentProviderError):
        services.refund(charge, 2_000, "Two days", actor=billing.admin)
    _db.session.rollback()

    assert (charge.status, charge.amount_refunded_pence, charge.credit_notes) == ("paid", 0, [])


def test_an_offline_payment_is_refunded_without_stripe(billing, charge, fake_stripe):
    services.mark_paid(charge, "offline", "BACS 123", actor=billing.admin)
    services.refund(charge, 1_000, "Overpaid", actor=billing.admin)
    _db.session.commit()
    assert fake_stripe.requests == []
    assert charge.amount_refunded_pence == 1_000
