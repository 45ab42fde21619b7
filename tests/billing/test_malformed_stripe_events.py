"""A Stripe event that is signed but malformed is refused with a 400, or recorded and
ignored: never a 500, and never a change to a charge."""

import json

import pytest
from sqlalchemy import func, select

from elp.billing import payments, services
from elp.billing.models import StripeEvent
from elp.extensions import db as _db
from tests.fake_stripe import event, sign, stripe_charge

WEBHOOK = "/stripe/webhook"


@pytest.fixture
def charge(billing, fake_stripe):
    (charge,) = services.charges_for_booking(billing.book())  # £52.50 = 5 250 pence
    payments.pay_by_card(charge, billing.seeking_member, "http://localhost/a", "http://localhost/b")
    _db.session.commit()
    return charge


def post_text(client, payload):
    return client.post(
        WEBHOOK,
        data=payload,
        headers={"Stripe-Signature": sign(payload), "Content-Type": "application/json"},
    )


def events_recorded():
    return _db.session.scalar(select(func.count()).select_from(StripeEvent))


def still_pending(charge):
    _db.session.expire_all()
    return charge.status == "pending"


@pytest.mark.parametrize(
    "payload",
    [
        "[1, 2]",
        '"an event"',
        "5",
        "null",
        "{}",
        '{"id": 5, "type": "checkout.session.completed", "created": 1, "data": {"object": {}}}',
        '{"id": "evt_1", "created": 1, "data": {"object": {}}}',
        '{"id": "evt_1", "type": ["x"], "created": 1, "data": {"object": {}}}',
        '{"id": "evt_1", "type": "invoice.paid", "created": "yesterday", "data": {"object": {}}}',
        '{"id": "evt_1", "type": "invoice.paid", "created": 1.5, "data": {"object": {}}}',
        '{"id": "evt_1", "type": "invoice.paid", "created": true, "data": {"object": {}}}',
        '{"id": "evt_1", "type": "invoice.paid", "created": -1, "data": {"object": {}}}',
        '{"id": "evt_1", "type": "invoice.paid", "created": 1e400, "data": {"object": {}}}',
        '{"id": "evt_1", "type": "invoice.paid", "created": NaN, "data": {"object": {}}}',
        (
            '{"id": "evt_1", "type": "invoice.paid", "created": 99999999999999999999999, '
            '"data": {"object": {}}}'
        ),
        '{"id": "evt_1", "type": "invoice.paid", "created": 1, "data": "x"}',
        '{"id": "evt_1", "type": "invoice.paid", "created": 1, "data": {"object": [1]}}',
        '{"id": "evt_1", "type": "invoice.paid", "created": 1}',
        '{"id": "' + "e" * 300 + '", "type": "invoice.paid", "created": 1, "data": {"object": {}}}',
        '{"id": "evt_\\u0000", "type": "invoice.paid", "created": 1, "data": {"object": {}}}',
        "not json at all",
        '{"id": "evt_1", "type": "invoice.paid", "created": ' + "9" * 5000 + "}",
    ],
)
def test_a_signed_envelope_that_cannot_be_recorded_is_a_400(client, charge, payload):
    response = post_text(client, payload)

    assert response.status_code == 400
    assert events_recorded() == 0
    assert still_pending(charge)


def session_event(fake_stripe, charge, **fields):
    session = fake_stripe.complete_session(charge.stripe_checkout_session_id, "pi_card_1")
    session.update(fields)
    return event("checkout.session.completed", session)


@pytest.mark.parametrize(
    "fields",
    [
        {"amount_total": 5250.0},  # a float equal to the amount is not a payment of it
        {"amount_total": "5250"},
        {"amount_total": True},
        {"amount_total": -5250},
        {"amount_total": 2**70},
        {"amount_total": [5250]},
        {"currency": 826},
        {"payment_intent": {"id": "pi_1"}},
        {"payment_status": ["paid"]},
        {"metadata": "charge 1"},
        {"metadata": {"charge_id": 1}},
        {"id": None},
        {"id": 12},
    ],
)
def test_a_recordable_event_with_a_malformed_object_is_recorded_and_ignored(
    client, charge, fake_stripe, fields
):
    body = session_event(fake_stripe, charge, **fields)

    response = post_text(client, json.dumps(body))
    again = post_text(client, json.dumps(body))

    assert response.status_code == 200
    assert response.json["outcome"] == "malformed"
    assert again.json["outcome"] == "received before"
    assert _db.session.get(StripeEvent, body["id"]).outcome == "malformed"
    assert still_pending(charge)


@pytest.mark.parametrize(
    "metadata",
    [
        {"charge_id": "9" * 30},  # beyond any id the column can hold
        {"charge_id": "2147483648"},
        {"charge_id": "-1"},
        {"charge_id": "١"},  # a digit, but not an ASCII one
    ],
)
def test_a_charge_id_out_of_range_finds_no_charge(client, charge, fake_stripe, metadata):
    session = fake_stripe.complete_session(charge.stripe_checkout_session_id, "pi_card_1")
    session.update(metadata=metadata, id="cs_someone_elses")

    response = post_text(client, json.dumps(event("checkout.session.completed", session)))

    assert response.status_code == 200
    assert response.json["outcome"] == "unknown charge"
    assert still_pending(charge)


@pytest.mark.parametrize(
    "fields",
    [{"amount_refunded": None}, {"amount_refunded": 100.5}, {"created": "today"},
     {"created": 10**15}],
)  # fmt: skip
def test_a_refund_event_with_a_malformed_amount_or_time_changes_nothing(
    client, charge, fake_stripe, fields
):
    refund = stripe_charge("pi_card_1", 5250, refunded=5250)
    refund.update(fields)

    response = post_text(client, json.dumps(event("charge.refunded", refund)))

    assert response.status_code == 200
    assert response.json["outcome"] == "malformed"
    assert still_pending(charge)


def test_an_event_time_after_2038_is_stored_whole(client, charge, fake_stripe):
    after_2038 = 2**31 + 86_400  # January 2038 and a day
    body = event("customer.created", {"id": "cus_1", "object": "customer"}, created=after_2038)

    response = post_text(client, json.dumps(body))

    assert response.status_code == 200
    assert _db.session.get(StripeEvent, body["id"]).created == after_2038
