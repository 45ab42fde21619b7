"""Stripe's webhook: signatures checked, each event applied once, amounts checked against
the invoice, and events in any order ending in the right state."""

import json
import logging
import threading
import time

import pytest
from sqlalchemy import func, select

from elp.audit import AuditEvent
from elp.billing import payments, services
from elp.billing.models import StripeEvent
from elp.extensions import db as _db
from tests.fake_stripe import event, sign, stripe_charge

WEBHOOK = "/stripe/webhook"


@pytest.fixture
def charge(billing, fake_stripe):
    (charge,) = services.charges_for_booking(billing.book())  # £52.50
    payments.pay_by_card(charge, billing.seeking_member, "http://localhost/a", "http://localhost/b")
    _db.session.commit()
    return charge


def post(client, body, header=None):
    payload = json.dumps(body)
    return client.post(
        WEBHOOK,
        data=payload,
        headers={"Stripe-Signature": header or sign(payload), "Content-Type": "application/json"},
    )


def session_completed(fake_stripe, charge, payment_intent="pi_card_1", event_type=None, **fields):
    session = fake_stripe.complete_session(charge.stripe_checkout_session_id, payment_intent)
    session.update(fields)
    return event(event_type or "checkout.session.completed", session)


def refreshed(charge):
    _db.session.expire_all()
    return charge


def charge_events(charge, action):
    return _db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.subject_id == charge.id, AuditEvent.action == action)
    )


def test_a_completed_checkout_marks_the_charge_paid(client, charge, fake_stripe):
    body = session_completed(fake_stripe, charge)

    response = post(client, body)

    assert response.status_code == 200
    assert response.json["outcome"] == "paid"
    charge = refreshed(charge)
    assert (charge.status, charge.paid_via, charge.payment_reference) == (
        "paid",
        "stripe",
        "pi_card_1",
    )
    assert charge.stripe_payment_intent_id == "pi_card_1"
    assert _db.session.get(StripeEvent, body["id"]).charge_id == charge.id


def test_a_bad_signature_is_refused_and_changes_nothing(client, charge, fake_stripe, caplog):
    body = session_completed(fake_stripe, charge)
    payload = json.dumps(body)

    with caplog.at_level(logging.WARNING):
        forged = post(client, body, header=sign(payload, secret="whsec_someone_else"))
        unsigned = client.post(WEBHOOK, data=payload)
        tampered = post(client, body, header=sign(payload.replace("5250", "1")))

    assert [r.status_code for r in (forged, unsigned, tampered)] == [400, 400, 400]
    assert refreshed(charge).status == "pending"
    assert _db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0
    assert "Refused a Stripe webhook" in caplog.text


def test_a_stale_timestamp_is_refused(client, charge, fake_stripe, caplog):
    body = session_completed(fake_stripe, charge)
    payload = json.dumps(body)
    six_minutes_ago = int(time.time()) - 360

    with caplog.at_level(logging.WARNING):
        response = post(client, body, header=sign(payload, timestamp=six_minutes_ago))

    assert response.status_code == 400
    assert refreshed(charge).status == "pending"
    assert _db.session.scalar(select(func.count()).select_from(StripeEvent)) == 0
    assert "Refused a Stripe webhook: Timestamp outside the tolerance zone" in caplog.text


def test_within_the_tolerance_a_delayed_delivery_is_accepted(client, charge, fake_stripe):
    body = session_completed(fake_stripe, charge)
    four_minutes_ago = int(time.time()) - 240
    assert (
        post(client, body, header=sign(json.dumps(body), timestamp=four_minutes_ago)).status_code
        == 200
    )


def test_an_event_delivered_five_times_acts_once(client, charge, fake_stripe):
    body = session_completed(fake_stripe, charge)

    responses = [post(client, body) for _ in range(5)]

    assert [r.status_code for r in responses] == [200] * 5
    assert [r.json["outcome"] for r in responses] == ["paid"] + ["received before"] * 4
    assert charge_events(refreshed(charge), "charge.paid") == 1
    assert _db.session.scalar(select(func.count()).select_from(StripeEvent)) == 1


def test_a_refund_replayed_five_times_is_recorded_once(client, charge, fake_stripe):
    post(client, session_completed(fake_stripe, charge))
    body = event("charge.refunded", stripe_charge("pi_card_1", 5_250, refunded=2_000))

    for _ in range(5):
        assert post(client, body).status_code == 200

    charge = refreshed(charge)
    assert (charge.status, charge.amount_refunded_pence, len(charge.credit_notes)) == (
        "part_refunded",
        2_000,
        1,
    )


def test_the_wrong_amount_is_flagged_for_an_admin_and_never_paid(
    client, charge, fake_stripe, caplog
):
    body = session_completed(fake_stripe, charge, amount_total=5_000)

    with caplog.at_level(logging.WARNING):
        response = post(client, body)

    assert response.status_code == 200
    assert response.json["outcome"] == "flagged"
    charge = refreshed(charge)
    assert (charge.status, charge.needs_attention) == ("pending", True)
    assert "£50.00 GBP" in charge.attention_reason
    assert "£52.50 GBP" in charge.attention_reason
    assert "needs attention" in caplog.text


def test_the_wrong_currency_is_flagged_and_never_paid(client, charge, fake_stripe):
    post(client, session_completed(fake_stripe, charge, currency="eur"))
    charge = refreshed(charge)
    assert (charge.status, charge.needs_attention) == ("pending", True)
    assert "EUR" in charge.attention_reason


def test_an_event_for_an_unknown_charge_changes_nothing_and_is_logged(
    client, charge, fake_stripe, caplog
):
    session = session_completed(fake_stripe, charge)["data"]["object"]
    session.update(id="cs_test_elsewhere", metadata={"charge_id": "999999"})

    with caplog.at_level(logging.WARNING):
        response = post(client, event("checkout.session.completed", session))

    assert (response.status_code, response.json["outcome"]) == (200, "unknown charge")
    assert refreshed(charge).status == "pending"
    assert "no charge of ELP's" in caplog.text


def test_another_database_s_charge_with_the_same_id_is_not_this_one(client, charge, fake_stripe):
    body = session_completed(fake_stripe, charge)
    session = body["data"]["object"]
    session.update(
        id="cs_test_other", metadata={**session["metadata"], "invoice_number": "ELP-2020-000001"}
    )
    assert post(client, body).json["outcome"] == "unknown charge"
    assert refreshed(charge).status == "pending"


def test_an_unknown_event_type_is_answered_with_200(client, charge):
    response = post(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")


def test_an_asynchronous_payment_is_paid_when_it_succeeds(client, charge, fake_stripe):
    completed = session_completed(fake_stripe, charge, payment_status="unpaid")
    assert post(client, completed).json["outcome"] == "awaiting payment"
    assert refreshed(charge).status == "pending"

    succeeded = session_completed(
        fake_stripe, charge, event_type="checkout.session.async_payment_succeeded"
    )
    assert post(client, succeeded).json["outcome"] == "paid"
    assert refreshed(charge).status == "paid"


def test_a_failed_asynchronous_payment_leaves_the_charge_owed_with_a_history_entry(
    client, charge, fake_stripe
):
    failed = session_completed(
        fake_stripe,
        charge,
        event_type="checkout.session.async_payment_failed",
        payment_status="unpaid",
    )
    assert post(client, failed).json["outcome"] == "payment failed"
    charge = refreshed(charge)
    assert charge.status == "pending"
    assert charge_events(charge, "charge.payment_failed") == 1


def test_out_of_order_the_success_before_the_completion_ends_paid_once(client, charge, fake_stripe):
    succeeded = session_completed(
        fake_stripe, charge, event_type="checkout.session.async_payment_succeeded"
    )
    completed = session_completed(fake_stripe, charge, payment_status="unpaid")

    assert post(client, succeeded).json["outcome"] == "paid"
    assert post(client, completed).json["outcome"] == "awaiting payment"
    failed_late = session_completed(
        fake_stripe, charge, event_type="checkout.session.async_payment_failed"
    )
    assert post(client, failed_late).json["outcome"] == "nothing to do"
    charge = refreshed(charge)
    assert charge.status == "paid"
    assert charge_events(charge, "charge.paid") == 1


def test_out_of_order_a_refund_before_its_payment_ends_paid_and_refunded(
    client, charge, fake_stripe
):
    metadata = {"charge_id": str(charge.id), "invoice_number": charge.invoice_number}
    refunded = event(
        "charge.refunded", stripe_charge("pi_card_1", 5_250, refunded=5_250, metadata=metadata)
    )
    completed = session_completed(fake_stripe, charge)

    assert post(client, refunded).json["outcome"] == "refunded"
    assert post(client, completed).json["outcome"] == "nothing to do"

    charge = refreshed(charge)
    assert (charge.status, charge.paid_via, charge.amount_refunded_pence) == (
        "refunded",
        "stripe",
        5_250,
    )
    assert charge_events(charge, "charge.paid") == 1
    assert not charge.needs_attention


def test_a_second_payment_for_a_settled_charge_is_flagged(client, billing, charge, fake_stripe):
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    _db.session.commit()

    assert post(client, session_completed(fake_stripe, charge)).json["outcome"] == "flagged"
    charge = refreshed(charge)
    assert (charge.paid_via, charge.needs_attention) == ("offline", True)
    assert "paid twice" in charge.attention_reason


def test_an_admin_s_refund_is_not_recorded_again_when_stripe_reports_it(
    client, billing, charge, fake_stripe
):
    post(client, session_completed(fake_stripe, charge))
    charge = refreshed(charge)
    services.refund(charge, 2_000, "Two days", actor=billing.admin)
    _db.session.commit()

    body = event("charge.refunded", stripe_charge("pi_card_1", 5_250, refunded=2_000))
    assert post(client, body).json["outcome"] == "nothing to do"
    charge = refreshed(charge)
    assert (charge.amount_refunded_pence, len(charge.credit_notes)) == (2_000, 1)


def test_a_bank_transfer_invoice_paid_marks_the_charge_paid(client, billing, fake_stripe):
    (charge,) = services.charges_for_booking(billing.book())
    payments.pay_by_bank_transfer(charge, billing.seeking_member)
    _db.session.commit()

    invoice = fake_stripe.pay_invoice(charge.stripe_invoice_id, "pi_bank_1")
    assert post(client, event("invoice.paid", invoice)).json["outcome"] == "paid"

    charge = refreshed(charge)
    assert (charge.status, charge.stripe_payment_intent_id) == ("paid", "pi_bank_1")
    refund = event("charge.refunded", stripe_charge("pi_bank_1", 5_250, refunded=5_250))
    assert post(client, refund).json["outcome"] == "refunded"
    assert refreshed(charge).status == "refunded"


def test_the_webhook_needs_no_csrf_token(app, charge, fake_stripe, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    body = session_completed(fake_stripe, charge)
    assert post(client, body).status_code == 200
    # …while the pay buttons keep theirs.
    assert client.post(f"/charges/{charge.id}/pay/card").status_code == 400


def test_the_same_event_delivered_twice_at_once_acts_once(app, charge, fake_stripe):
    """Two deliveries racing, each on its own connection: the event's primary key lets
    one apply it; the other is told it was received."""
    body = session_completed(fake_stripe, charge)
    start = threading.Barrier(2)
    statuses = []

    def deliver():
        client = app.test_client()
        start.wait()
        statuses.append(post(client, body).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [200, 200]
    assert charge_events(refreshed(charge), "charge.paid") == 1
    assert refreshed(charge).status == "paid"
