"""A school's finance settings (issue 22 parts 1, 2 and 7) and purchase order numbers: a
lead sets the finance contact, whether bookings need a purchase order number and when the
financial year runs; a school that needs one is asked for it and sees it on the invoice,
its PDF and the finance CSV; a school that does not is never asked."""

import csv
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.billing import school_finance, services
from elp.billing.models import Charge, SchoolFinance
from elp.extensions import db as _db
from elp.unit_of_work import unit_of_work


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def lead_of(school):
    return next(user for user in school.users if user.role == "lead")


def settings_form(**changes):
    values = {
        "finance_contact_name": "Priya Natarajan",
        "finance_contact_email": "bursar@harlow-fields.example",
        "purchase_orders": "yes",
        "financial_year_start_month": "9",
    }
    return values | changes


def needs_purchase_orders(billing):
    with unit_of_work():
        school_finance.update_settings(
            billing.seeking,
            lead_of(billing.seeking),
            name="",
            email="",
            purchase_orders=True,
            year_start=4,
        )


def charge_of(booking):
    (charge,) = services.charges_for_booking(booking)
    return charge


def test_a_lead_saves_the_finance_settings(billing, login_as):
    lead = login_as(lead_of(billing.seeking))
    page = lead.get("/charges/settings")
    assert page.status_code == 200
    assert 'value="4" checked' in page.text  # a maintained school's year runs April to March

    response = lead.post("/charges/settings", data=settings_form())

    assert response.status_code == 302
    row = _db.session.get(SchoolFinance, billing.seeking.id)
    assert (row.finance_contact_name, row.finance_contact_email) == (
        "Priya Natarajan",
        "bursar@harlow-fields.example",
    )
    assert (row.purchase_orders_required, row.financial_year_start_month) == (True, 9)
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "school.finance_settings_changed")
    ).one()
    assert event.actor_id == lead_of(billing.seeking).id
    assert event.details["after"]["finance_contact_email"] == "bursar@harlow-fields.example"
    again = lead.get("/charges/settings").text
    assert 'value="bursar@harlow-fields.example"' in again and 'value="9" checked' in again


def test_an_academys_year_runs_september_to_august_until_its_lead_says_otherwise(billing):
    billing.seeking.establishment_type = "Academy converter"
    _db.session.commit()
    assert school_finance.settings_for(billing.seeking).financial_year_start_month == 9
    billing.seeking.establishment_type = "Community school"
    assert school_finance.settings_for(billing.seeking).financial_year_start_month == 4


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"finance_contact_email": "bursar@"}, "finance_contact_email", "in the correct format"),
        ({"finance_contact_email": "not an address"}, "finance_contact_email", "correct format"),
        (
            {"finance_contact_email": ""},
            "finance_contact_email",
            "Enter the finance contact’s email",
        ),
        ({"finance_contact_name": ""}, "finance_contact_name", "Enter the finance contact’s name"),
        ({"finance_contact_name": "x" * 121}, "finance_contact_name", "120 characters or fewer"),
        ({"purchase_orders": ""}, "purchase_orders", "Select whether your bookings need"),
        ({"financial_year_start_month": "13"}, "financial_year_start_month", "Select when"),
    ],
)
def test_bad_finance_settings_are_refused_and_change_nothing(
    billing, login_as, changes, field, message
):
    response = login_as(lead_of(billing.seeking)).post(
        "/charges/settings", data=settings_form(**changes)
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html and message in html
    assert f'href="#{field}' in html  # the error summary links the field
    assert _db.session.get(SchoolFinance, billing.seeking.id) is None
    if changes.get("finance_contact_email"):
        assert f'value="{changes["finance_contact_email"]}"' in html  # kept as typed


def test_a_school_that_needs_purchase_orders_is_asked_and_the_number_is_printed(
    billing, login_as, real_pdfs
):
    needs_purchase_orders(billing)
    booking = billing.book()
    charge = charge_of(booking)
    school = login_as(billing.seeking_member)

    booking_page = text_of(school.get(f"/bookings/{booking.id}"))
    assert "Your school needs a purchase order number on this invoice" in booking_page
    assert "Your school needs a purchase order number" in text_of(
        school.get(f"/charges/{charge.id}")
    )

    response = school.post(
        f"/charges/{charge.id}/purchase-order", data={"purchase_order_number": " PO-2026/0417 "}
    )

    assert response.status_code == 302
    _db.session.expire_all()
    charge = _db.session.get(Charge, charge.id)
    assert charge.purchase_order_number == "PO-2026/0417"
    invoice = text_of(school.get(f"/charges/{charge.id}"))
    assert "Purchase order number PO-2026/0417" in invoice
    assert "Your school needs a purchase order number" not in invoice
    pdf = school.get(f"/charges/{charge.id}/invoice.pdf").data
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Purchase order number PO-2026/0417" in re.sub(r"\s+", " ", pdf_text)
    export = login_as(billing.admin).get("/admin/charges/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert rows[0]["Purchase order number"] == "PO-2026/0417"
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "charge.purchase_order_given")
    ).one()
    assert event.details["purchase_order_number"] == "PO-2026/0417"


def test_a_school_that_needs_no_purchase_order_is_never_asked(billing, login_as):
    booking = billing.book()
    charge = charge_of(booking)
    school = login_as(billing.seeking_member)
    assert "purchase order" not in school.get(f"/bookings/{booking.id}").text.lower()
    assert "purchase order" not in school.get(f"/charges/{charge.id}").text.lower()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("P" * 51, "50 characters or fewer"),
        ("PO\x07123", "no control characters"),
        ("PO\u200b123", "no control characters"),
        ("   ", "Enter the purchase order number"),
    ],
)
def test_a_bad_purchase_order_number_is_refused_and_changes_nothing(
    billing, login_as, number, message
):
    needs_purchase_orders(billing)
    charge = charge_of(billing.book())
    response = login_as(billing.seeking_member).post(
        f"/charges/{charge.id}/purchase-order", data={"purchase_order_number": number}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html and message in html
    _db.session.expire_all()
    assert _db.session.get(Charge, charge.id).purchase_order_number is None


def test_a_paid_invoices_purchase_order_cannot_change(billing, login_as):
    charge = charge_of(billing.book())
    services.mark_paid(charge, "offline", "BACS", actor=billing.admin)
    _db.session.commit()
    response = login_as(billing.seeking_member).post(
        f"/charges/{charge.id}/purchase-order", data={"purchase_order_number": "PO-1"}
    )
    assert response.status_code == 409
    assert "is paid, so its purchase order number can no longer be changed" in response.text
    _db.session.expire_all()
    assert _db.session.get(Charge, charge.id).purchase_order_number is None


def test_another_school_cannot_give_a_purchase_order_number(billing, login_as):
    charge = charge_of(billing.book())
    response = login_as(billing.offering_member).post(
        f"/charges/{charge.id}/purchase-order", data={"purchase_order_number": "PO-1"}
    )
    assert response.status_code == 404
