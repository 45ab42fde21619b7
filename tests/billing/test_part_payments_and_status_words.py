"""Payments as they happen (issue 22 part 6, issue 19 part 3): an admin records all or part
of a payment, a partial refund reads "Part refunded" with its amounts, a cancelled booking's
invoice reads "Void" with its credit note, and the school and the admin see the same status
words for the same charge."""

import re
from datetime import timedelta

import pytest

from elp.billing import services
from elp.billing.models import Charge, ChargePayment
from elp.bookings import services as bookings
from elp.extensions import db as _db
from elp.timeutil import uk_today
from elp.unit_of_work import unit_of_work


def text_of(response):
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def charge_of(booking):
    (charge,) = services.charges_for_booking(booking)
    return charge


def record(client, charge, amount, reference="BACS 1", day=None):
    day = day or uk_today()
    return client.post(
        f"/admin/charges/{charge.id}/record-payment",
        data={
            "amount": amount,
            "paid_on": [str(day.day), str(day.month), str(day.year)],
            "reference": reference,
        },
    )


def status_seen(client, path):
    """The words of the status tags on a page (the site header's "Beta" left out)."""
    html = client.get(path).get_data(as_text=True)
    tags = re.findall(r'<strong class="govuk-tag[^"]*">\s*([^<]+?)\s*</strong>', html)
    return [tag for tag in tags if tag != "Beta"]


def test_a_part_payment_leaves_the_rest_due_and_both_sides_say_part_paid(billing, login_as):
    charge = charge_of(billing.book())  # £52.50
    admin = login_as(billing.admin)

    assert 'value="52.50"' in admin.get(f"/admin/charges/{charge.id}/record-payment").text
    assert record(admin, charge, "20", "BACS PART 1").status_code == 302
    _db.session.expire_all()
    charge = _db.session.get(Charge, charge.id)
    assert (charge.status, charge.amount_paid_pence, charge.amount_due_pence) == (
        "part_paid",
        2_000,
        3_250,
    )
    admin_page = text_of(admin.get(f"/admin/charges/{charge.id}"))
    assert "Part paid" in status_seen(admin, f"/admin/charges/{charge.id}")
    assert "Still due £32.50" in admin_page and "Part payment recorded" in admin_page
    assert "Part paid" in status_seen(admin, "/admin/charges")
    assert "Record offline payment" in admin_page  # the rest can be recorded

    school = login_as(billing.seeking_member)
    assert "Part paid" in status_seen(school, f"/charges/{charge.id}")
    assert "Part paid" in status_seen(school, "/charges")
    invoice = text_of(school.get(f"/charges/{charge.id}"))
    assert "£20.00 of £52.50 has been paid. Please pay the £32.50 still due by" in invoice
    assert "BACS PART 1" in invoice
    assert "Still to pay: £32.50" in text_of(school.get("/charges"))

    admin = login_as(billing.admin)
    assert record(admin, charge, "32.50", "BACS PART 2").status_code == 302
    _db.session.expire_all()
    charge = _db.session.get(Charge, charge.id)
    assert (charge.status, charge.amount_paid_pence, charge.amount_due_pence) == ("paid", 5_250, 0)
    payments = _db.session.query(ChargePayment).filter_by(charge_id=charge.id).all()
    assert [(p.amount_pence, p.reference) for p in payments] == [
        (2_000, "BACS PART 1"),
        (3_250, "BACS PART 2"),
    ]
    assert "Paid" in status_seen(login_as(billing.seeking_member), f"/charges/{charge.id}")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "The amount must be more than £0"),
        ("0.00", "The amount must be more than £0"),
        ("-5", "The amount must be more than £0, not negative"),
        ("52.51", "The amount received must be £52.50 or less"),
        ("10.005", "with no more than two decimals"),
        ("ten pounds", "Enter an amount in pounds"),
        ("", "Enter the amount received"),
    ],
)
def test_a_bad_part_payment_is_refused_and_changes_nothing(billing, login_as, amount, message):
    charge = charge_of(billing.book())
    version = charge.version
    response = record(login_as(billing.admin), charge, amount, "BACS 9")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html and message in html
    assert 'value="BACS 9"' in html  # what was typed is kept
    _db.session.expire_all()
    charge = _db.session.get(Charge, charge.id)
    assert (charge.status, charge.amount_paid_pence, charge.version) == ("pending", 0, version)
    assert _db.session.query(ChargePayment).count() == 0


def test_a_partial_refund_reads_part_refunded_with_the_amounts(billing, login_as):
    charge = charge_of(billing.book())
    with unit_of_work():
        services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
        note = services.refund(charge, 1_250, "One session not delivered", billing.admin)

    admin = login_as(billing.admin)
    assert "Part refunded" in status_seen(admin, f"/admin/charges/{charge.id}")
    assert "Refunded £12.50 of £52.50 paid" in text_of(admin.get(f"/admin/charges/{charge.id}"))
    csv_text = admin.get("/admin/charges/export.csv").get_data(as_text=True)
    assert "52.50,12.50,Part refunded" in csv_text

    school = login_as(billing.seeking_member)
    assert "Part refunded" in status_seen(school, f"/charges/{charge.id}")
    invoice = text_of(school.get(f"/charges/{charge.id}"))
    assert "£12.50 of the £52.50 paid has been refunded, and £40.00 is kept" in invoice
    assert note.number in invoice

    with pytest.raises(Exception, match="£40.00 or less"):
        services.refund(charge, 4_001, "Too much", billing.admin)
    services.refund(charge, 4_000, "The rest", billing.admin)
    _db.session.commit()
    assert charge.status == "refunded"


def test_a_cancelled_booking_shows_its_invoice_void_with_its_credit_note(billing, login_as):
    booking = billing.book()
    charge = charge_of(booking)
    with unit_of_work():
        bookings.cancel(booking, billing.seeking_member, "The teacher has left")
    note = charge.credit_notes[0]

    school = login_as(billing.seeking_member)
    booking_page = text_of(school.get(f"/bookings/{booking.id}"))
    assert f"Invoice {charge.invoice_number} : £52.50 Void" in booking_page
    assert f"credit note {note.number} (£52.50)" in booking_page
    assert " Due " not in booking_page and "due by" not in booking_page
    assert status_seen(school, f"/charges/{charge.id}") == ["Void"]
    invoice = text_of(school.get(f"/charges/{charge.id}"))
    assert "Nothing is owed: this invoice has been voided" in invoice
    assert "Please pay" not in invoice
    assert "Still to pay" not in text_of(school.get("/charges"))
    assert "Void" in status_seen(login_as(billing.admin), f"/admin/charges/{charge.id}")


def test_school_and_admin_see_the_same_words_for_each_state(billing, login_as):
    pending = charge_of(billing.book(quantity=1))
    overdue = charge_of(billing.book(quantity=2))
    overdue.due_date = uk_today() - timedelta(days=1)
    overdue.invoice_date = uk_today() - timedelta(days=31)
    waived = charge_of(billing.book(quantity=4))
    services.waive(waived, "Pilot", billing.admin)
    _db.session.commit()

    for charge, word in ((pending, "Due"), (overdue, "Overdue"), (waived, "Waived")):
        school = login_as(billing.seeking_member)
        assert status_seen(school, f"/charges/{charge.id}") == [word]
        assert word in status_seen(login_as(billing.admin), f"/admin/charges/{charge.id}")


def test_a_part_paid_charge_on_a_cancelled_booking_is_flagged_not_voided(billing):
    booking = billing.book()
    charge = charge_of(booking)
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin, amount_pence=1_000)
    bookings.cancel(booking, billing.seeking_member, "The teacher has left")
    _db.session.commit()
    assert (charge.status, charge.needs_attention) == ("part_paid", True)
    assert "part of it had been paid" in charge.attention_reason


def test_waiving_a_part_paid_charge_credits_only_the_rest(billing):
    charge = charge_of(billing.book())
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin, amount_pence=2_000)
    note = services.waive(charge, "Hardship", billing.admin)
    _db.session.commit()
    assert (charge.status, note.gross_pence, charge.amount_due_pence) == ("waived", 3_250, 0)
