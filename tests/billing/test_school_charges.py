"""The paying school sees its charges and each charge's invoice: the words on the pages,
how to pay offline, credit notes, and that no other school can open them."""

import logging
import re
from datetime import timedelta

import pytest

from elp.billing import services
from elp.billing.models import DEFAULT_TERMS, FeeTerms
from elp.bookings import services as bookings
from elp.extensions import db as _db
from elp.timeutil import format_date, uk_today
from elp.unit_of_work import unit_of_work
from tests.factories import make_lead, make_member, make_school

BANK_DETAILS = "Payee: Essex Learning Partnership; Sort code: 20-45-77; Account number: 31926819"


@pytest.fixture
def bank_details(app, monkeypatch):
    monkeypatch.setitem(app.config, "BANK_DETAILS", BANK_DETAILS)


def page_text(response):
    """The page's words, without tags or repeated spaces."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def charge_of(booking):
    (charge,) = services.charges_for_booking(booking)
    return charge


# --- The charges page ---------------------------------------------------------------------


def test_the_charges_page_lists_each_charge_with_its_amounts_status_and_due_date(billing, login_as):
    first = charge_of(billing.book(quantity=3))  # 5 % of £1,050.00 is £52.50
    second = charge_of(billing.book(quantity=1))  # 5 % of £350 is £17.50

    response = login_as(billing.seeking_member).get("/charges")

    assert response.status_code == 200
    text = page_text(response)
    assert "Your school’s charges" in text
    for heading in ("Invoice number", "Booking", "Net", "VAT", "Gross", "Status", "Due date"):
        assert heading in text
    for charge, gross in ((first, "£52.50"), (second, "£17.50")):
        assert f"{charge.invoice_number} Phonics catch-up {gross} £0.00 {gross} Due" in text
    assert format_date(first.due_date) in text
    assert "Still to pay: £70.00" in text
    assert "Overdue" not in text


def test_a_charge_past_its_due_date_is_marked_overdue(billing, login_as):
    charge = charge_of(billing.book(quantity=3))
    charge.invoice_date = uk_today() - timedelta(days=40)
    charge.due_date = uk_today() - timedelta(days=10)
    _db.session.commit()

    text = page_text(login_as(billing.seeking_member).get("/charges"))

    assert f"{charge.invoice_number} Phonics catch-up £52.50 £0.00 £52.50 Overdue" in text
    assert "Still to pay: £52.50 , of which £52.50 is overdue" in text


def test_a_school_sees_only_the_charges_it_pays(billing, login_as):
    charge = charge_of(billing.book(quantity=3))  # the seeking school pays

    text = page_text(login_as(billing.offering_member).get("/charges"))

    assert charge.invoice_number not in text
    assert "Your school has no charges" in text


def test_a_split_charge_shows_each_school_only_its_own_share(billing, login_as, client):
    with unit_of_work():
        terms = FeeTerms(**{**DEFAULT_TERMS.__dict__, "payer": "split"})
        services.create_policy_version(terms, uk_today(), billing.admin)
    booking = billing.book(quantity=3)  # £52.50 split: £26.25 each
    seeking, offering = sorted(services.charges_for_booking(booking), key=lambda c: c.party)[::-1]

    seeking_text = page_text(login_as(billing.seeking_member).get("/charges"))
    assert seeking.invoice_number in seeking_text and offering.invoice_number not in seeking_text
    invoice = page_text(client.get(f"/charges/{seeking.id}"))
    assert "split between both schools: this is your school’s share" in invoice
    assert "£26.25" in invoice

    offering_text = page_text(login_as(billing.offering_member).get("/charges"))
    assert offering.invoice_number in offering_text and seeking.invoice_number not in offering_text


def test_charges_is_in_every_school_users_menu_and_marks_its_pages(billing, login_as):
    charge = charge_of(billing.book())
    client = login_as(billing.seeking_member)

    for url in ("/charges", f"/charges/{charge.id}"):
        html = client.get(url).get_data(as_text=True)
        marked = re.findall(
            r'<strong class="govuk-service-navigation__active-fallback">([^<]+)</strong>', html
        )
        assert marked == ["Charges"]


# --- The invoice page ---------------------------------------------------------------------


def test_the_invoice_page_gives_everything_the_invoice_needs(billing, login_as, bank_details):
    billing.seeking.street, billing.seeking.town = "Fesants Croft", "Harlow"
    billing.seeking.postcode = "CM20 3LR"
    _db.session.commit()
    charge = charge_of(billing.book(quantity=3))

    response = login_as(billing.seeking_member).get(f"/charges/{charge.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert f"<title>Invoice {charge.invoice_number} – ELP Exchange</title>" in html
    # ELP's details
    assert (
        "Invoice from Essex Learning Partnership County Hall Market Road Chelmsford CM1 1QH "
        "VAT registration number: GB 999 9999 73 ELP Exchange help@elp-exchange.example"
    ) in text
    # the paying school, with its URN and address
    assert f"Harlow Fields Infants Fesants Croft Harlow CM20 3LR URN {billing.seeking.urn}" in text
    # the invoice's dates and status
    assert f"Invoice date {format_date(charge.invoice_date)}" in text
    assert f"Due date {format_date(charge.due_date)}" in text
    assert "Status Due" in text
    # the booking
    assert "Support Phonics catch-up" in text
    assert "Given by Kingswood Meadow Primary" in text
    assert "Value of the booking £1,050.00" in text
    # net, VAT and gross
    assert "Net VAT rate VAT Gross" in text
    assert "5% of £1,050.00, at least £10.00 and at most £250.00 £52.50 0% £0.00 £52.50" in text
    assert "Total £52.50 £0.00 £52.50" in text
    # how to pay offline: ELP's bank details and the invoice number as the reference
    assert "Please pay £52.50 by " + format_date(charge.due_date) in text
    assert "Payee Essex Learning Partnership Sort code 20-45-77 Account number 31926819" in text
    assert f"Use the invoice number {charge.invoice_number} as the payment reference" in text
    # printing and the PDF
    assert 'href="/static/css/invoice.css" media="print"' in html
    assert f'href="/charges/{charge.id}/invoice.pdf"' in html
    assert "Download the invoice (PDF)" in text
    assert "Credit notes" not in text


def test_without_bank_details_the_invoice_says_whom_to_ask(billing, login_as):
    charge = charge_of(billing.book())

    text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert (
        "Write to help@elp-exchange.example for the Essex Learning Partnership’s bank details"
        in text
    )
    assert f"use the invoice number {charge.invoice_number} as the payment reference" in text
    assert "Sort code" not in text


def test_an_overdue_invoice_says_so(billing, login_as):
    charge = charge_of(billing.book())
    charge.invoice_date = uk_today() - timedelta(days=31)
    charge.due_date = uk_today() - timedelta(days=1)
    _db.session.commit()

    text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert "Status Overdue" in text
    assert "this invoice is overdue" in text


def test_with_stripe_keys_the_pay_buttons_replace_the_offline_instructions(
    app, billing, login_as, bank_details, monkeypatch
):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_elp")
    charge = charge_of(billing.book())

    response = login_as(billing.seeking_member).get(f"/charges/{charge.id}")

    html = response.get_data(as_text=True)
    text = page_text(response)
    assert "Please pay £52.50 by" in text
    assert "Pay by card" in text and "Pay by bank transfer" in text
    assert f'action="/charges/{charge.id}/pay/card"' in html
    assert f'action="/charges/{charge.id}/pay/bank-transfer"' in html
    assert "Sort code" not in text


def test_without_stripe_keys_there_are_no_pay_buttons(billing, login_as, bank_details):
    charge = charge_of(billing.book())

    text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert "Pay by card" not in text
    assert "Sort code 20-45-77" in text


def test_a_paid_charge_has_no_pay_buttons(app, billing, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_elp")
    charge = charge_of(billing.book())
    with unit_of_work():
        services.mark_paid(charge, "offline", "BACS 4471", actor=billing.admin)

    text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert "Pay by card" not in text and "Thank you" in text


# --- Credit notes -------------------------------------------------------------------------


def test_a_voided_charge_shows_its_credit_note_and_that_nothing_is_owed(billing, login_as, app):
    booking = billing.book(quantity=3)
    with app.test_request_context(), unit_of_work():
        bookings.cancel(booking, billing.seeking_member, "The pupils moved school")
    charge = charge_of(booking)
    (note,) = charge.credit_notes

    text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert "Status Void" in text
    assert "Credit notes" in text
    assert (
        f"{note.number} {format_date(note.issued_on)} Voided: The booking was cancelled before "
        "delivery £52.50 £0.00 £52.50"
    ) in text
    assert "Nothing is owed: this invoice has been voided" in text
    assert "Please pay" not in text


def test_a_waived_charge_shows_its_credit_note(billing, login_as):
    charge = charge_of(billing.book())
    with unit_of_work():
        note = services.waive(charge, "A founding member of the partnership", billing.admin)

    text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert f"{note.number}" in text and "Waived: A founding member of the partnership" in text
    assert "Nothing is owed: this invoice has been waived" in text


def test_a_refunded_charge_shows_the_payment_and_the_refund(billing, login_as):
    charge = charge_of(billing.book(quantity=3))
    with unit_of_work():
        services.mark_paid(charge, "offline", "BACS 4471", actor=billing.admin)
        note = services.refund(charge, 2_000, "Half a day was not delivered", billing.admin)

    text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert "Status Part refunded" in text
    assert f"Paid on {format_date(uk_today())} (payment reference BACS 4471)" in text
    assert f"{note.number}" in text and "Refunded: Half a day was not delivered" in text
    assert "£20.00 of the £52.50 paid has been refunded, and £32.50 is kept" in text


def test_a_paid_charge_says_when_it_was_paid(billing, login_as):
    charge = charge_of(billing.book())
    with unit_of_work():
        services.mark_paid(charge, "offline", "BACS 4471", actor=billing.admin)

    list_text = page_text(login_as(billing.seeking_member).get("/charges"))
    invoice_text = page_text(login_as(billing.seeking_member).get(f"/charges/{charge.id}"))

    assert f"{charge.invoice_number} Phonics catch-up £52.50 £0.00 £52.50 Paid" in list_text
    assert "Still to pay" not in list_text
    assert "Status Paid" in invoice_text and "Thank you" in invoice_text


# --- Only the paying school ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/invoice.pdf"])
def test_no_one_but_the_paying_school_opens_a_charge(billing, login_as, path, caplog):
    charge = charge_of(billing.book())
    stranger = make_member(make_school(name="Another School"))
    with caplog.at_level(logging.WARNING):
        for user in (stranger, make_lead(stranger.school), billing.offering_member):
            assert login_as(user).get(f"/charges/{charge.id}{path}").status_code == 404
        assert (
            login_as(billing.seeking_member).get(f"/charges/{charge.id + 1000}{path}").status_code
            == 404
        )
    refusals = [r.getMessage() for r in caplog.records if r.name == "elp.billing.invoices"]
    assert refusals[0] == (
        f"Refused charge {charge.id} to user {stranger.id} of school {stranger.school_id}: "
        "another school pays it"
    )
    assert len(refusals) == 4
    assert refusals[3].endswith("no such charge")


def test_the_booking_page_links_the_paying_school_to_its_invoice(billing, login_as):
    booking = billing.book(quantity=3)
    charge = charge_of(booking)
    link = f'href="/charges/{charge.id}"'

    seeking_page = login_as(billing.seeking_member).get(f"/bookings/{booking.id}")
    offering_page = login_as(billing.offering_member).get(f"/bookings/{booking.id}")

    assert link in seeking_page.get_data(as_text=True)
    assert f"Invoice {charge.invoice_number} : £52.50 Due by" in page_text(seeking_page)
    assert link not in offering_page.get_data(as_text=True)
    assert "Service charge" not in page_text(offering_page)
