"""`elp sync-payments`: the events the webhook missed are asked of Stripe and put through
the same handler, each once."""

import pytest
from sqlalchemy import select

from elp.billing import payments, services
from elp.billing.models import StripeEvent
from elp.extensions import db as _db
from tests.fake_stripe import event, stripe_charge


@pytest.fixture
def charge(billing, fake_stripe):
    (charge,) = services.charges_for_booking(billing.book())
    payments.pay_by_card(charge, billing.seeking_member, "http://localhost/a", "http://localhost/b")
    _db.session.commit()
    return charge


def test_a_missed_payment_and_refund_are_caught_up_in_order(runner, charge, fake_stripe):
    session = fake_stripe.complete_session(charge.stripe_checkout_session_id, "pi_card_1")
    # Stripe lists newest first; the refund came a minute after the payment.
    fake_stripe.events[:] = [
        event(
            "charge.refunded",
            stripe_charge("pi_card_1", 5_250, refunded=5_250),
            "evt_2",
            created=1_900_000_060,
        ),
        event("checkout.session.completed", session, "evt_1", created=1_900_000_000),
    ]

    result = runner.invoke(args=["sync-payments"])

    assert result.exit_code == 0, result.output
    assert "2 Stripe events applied" in result.output
    _db.session.expire_all()
    assert (charge.status, charge.amount_refunded_pence) == ("refunded", 5_250)
    listing = next(r for r in fake_stripe.requests if r.path == "/v1/events")
    assert listing.params["types"] == [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "invoice.paid",
        "charge.refunded",
    ]
    assert "created" not in listing.params  # nothing seen yet: all Stripe still has


def test_it_asks_for_events_since_the_last_one_seen_and_skips_those_received(
    client, runner, charge, fake_stripe
):
    session = fake_stripe.complete_session(charge.stripe_checkout_session_id, "pi_card_1")
    paid = event("checkout.session.completed", session, "evt_1", created=1_900_000_000)
    _db.session.add(
        StripeEvent(id="evt_0", type="customer.created", created=1_800_000_000, outcome="ignored")
    )
    _db.session.commit()
    fake_stripe.events[:] = [paid]

    assert "1 Stripe events applied" in runner.invoke(args=["sync-payments"]).output
    assert "0 Stripe events applied" in runner.invoke(args=["sync-payments"]).output

    listings = [r for r in fake_stripe.requests if r.path == "/v1/events"]
    three_days = 3 * 24 * 60 * 60
    assert listings[0].params["created"] == {"gte": str(1_800_000_000 - three_days)}
    assert listings[1].params["created"] == {"gte": str(1_900_000_000 - three_days)}
    _db.session.expire_all()
    assert charge.status == "paid"
    assert len(_db.session.scalars(select(StripeEvent)).all()) == 2


def test_without_stripe_keys_it_says_there_is_nothing_to_sync(runner, db):
    result = runner.invoke(args=["sync-payments"])
    assert result.exit_code == 0
    assert "Stripe is not configured" in result.output


def test_an_event_missed_while_a_later_one_arrived_is_still_caught(
    client, runner, charge, fake_stripe
):
    session = fake_stripe.complete_session(charge.stripe_checkout_session_id, "pi_card_1")
    missed = event("checkout.session.completed", session, "evt_1", created=1_900_000_000)
    _db.session.add(
        StripeEvent(id="evt_2", type="customer.updated", created=1_900_000_600, outcome="ignored")
    )
    _db.session.commit()
    fake_stripe.events[:] = [missed]

    assert "1 Stripe events applied" in runner.invoke(args=["sync-payments"]).output
    _db.session.expire_all()
    assert charge.status == "paid"
