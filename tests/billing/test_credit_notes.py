"""Credit notes as documents (issue 22 parts 2, 4 and 5): each has its own page and PDF
naming the invoice it credits, is emailed to the paying school's leads and finance contact,
is listed on the school's charges page and in the admin's charge page; admins open any
invoice or credit note, page and PDF, as the school sees it."""

import io
import re

from pypdf import PdfReader

from elp.billing import school_finance, services
from elp.bookings import services as bookings
from elp.extensions import db as _db
from elp.timeutil import format_date, uk_today
from elp.unit_of_work import unit_of_work
from tests.factories import make_booking, make_lead, make_offer, make_school


def text_of(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def pdf_text(data):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def charge_of(booking):
    (charge,) = services.charges_for_booking(booking)
    return charge


def with_finance_contact(billing, email="finance@harlow-fields.example"):
    lead = next(user for user in billing.seeking.users if user.role == "lead")
    with unit_of_work():
        school_finance.update_settings(
            billing.seeking,
            lead,
            name="Priya Natarajan",
            email=email,
            purchase_orders=False,
            year_start=4,
        )
    return email


def test_a_cancelled_booking_sends_its_credit_note_to_the_leads_and_finance_contact(
    billing, sent_emails, real_pdfs
):
    finance = with_finance_contact(billing)
    booking = billing.book()
    charge = charge_of(booking)
    sent_emails.clear()

    with unit_of_work():
        bookings.cancel(booking, billing.seeking_member, "The teacher has left")

    (note,) = charge.credit_notes
    emails = [
        e for e in sent_emails if e["Subject"] == f"Credit note {note.number} from ELP Exchange"
    ]
    leads = sorted(u.email for u in billing.seeking.users if u.role == "lead")
    assert sorted(e["To"] for e in emails) == sorted([*leads, finance])
    body = emails[0].get_body(("plain",)).get_content()
    assert f"issued credit note {note.number} to Harlow Fields Infants" in body
    assert f"against invoice {charge.invoice_number}" in body
    assert "Amount credited: £52.50" in body
    assert f"Nothing more is owed on invoice {charge.invoice_number}" in body
    assert f"http://localhost/charges/credit-notes/{note.id}" in body
    (attachment,) = emails[0].iter_attachments()
    assert attachment.get_filename() == f"{note.number}.pdf"
    text = pdf_text(attachment.get_content())
    assert f"Credit note {note.number}" in text
    assert f"Credits invoice {charge.invoice_number}" in text
    assert "Total credited £52.50 £0.00 £52.50" in text


def test_the_invoice_goes_to_the_finance_contact_as_well(billing, sent_emails):
    finance = with_finance_contact(billing, email="Bursar@Harlow-Fields.example")
    charge = charge_of(billing.book())
    invoices = [
        e for e in sent_emails if e["Subject"].startswith(f"Invoice {charge.invoice_number}")
    ]
    assert finance in [e["To"] for e in invoices]
    assert len(invoices) == len({e["To"].lower() for e in invoices})  # each address once


def test_a_finance_contact_who_is_also_a_lead_gets_one_email(billing, sent_emails):
    lead = next(user for user in billing.seeking.users if user.role == "lead")
    with_finance_contact(billing, email=lead.email.upper())
    charge = charge_of(billing.book())
    to = [
        e["To"] for e in sent_emails if e["Subject"].startswith(f"Invoice {charge.invoice_number}")
    ]
    assert sorted(address.lower() for address in to) == sorted(
        u.email.lower() for u in billing.seeking.users if u.role == "lead"
    )


def test_the_school_sees_each_credit_note_as_a_page_listed_with_its_charges(billing, login_as):
    charge = charge_of(billing.book())
    note = services.waive(charge, "A founding member", billing.admin)
    _db.session.commit()
    school = login_as(billing.seeking_member)

    listing = school.get("/charges").get_data(as_text=True)
    assert f'href="/charges/credit-notes/{note.id}"' in listing
    assert "Credit notes" in listing

    page = school.get(f"/charges/credit-notes/{note.id}")
    text = text_of(page)
    assert f"Credit note {note.number}" in text
    assert f"Credits invoice {charge.invoice_number}" in text
    assert f'href="/charges/{charge.id}"' in page.get_data(as_text=True)
    assert f"Date issued {format_date(uk_today())}" in text
    assert "The charge was waived: A founding member" in text
    assert "nothing more is owed on it" in text
    pdf = school.get(f"/charges/credit-notes/{note.id}/credit-note.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f'filename="{note.number}.pdf"' in pdf.headers["Content-Disposition"]
    # The invoice links its credit note.
    assert f'href="/charges/credit-notes/{note.id}"' in school.get(f"/charges/{charge.id}").text


def test_another_schools_credit_note_is_not_found(billing, login_as):
    charge = charge_of(billing.book())
    note = services.waive(charge, "Pilot", billing.admin)
    _db.session.commit()
    outsider = login_as(billing.offering_member)  # the other side of the booking pays nothing
    assert outsider.get(f"/charges/credit-notes/{note.id}").status_code == 404
    assert outsider.get(f"/charges/credit-notes/{note.id}/credit-note.pdf").status_code == 404
    assert outsider.get("/charges/credit-notes/999999").status_code == 404


def test_an_admin_opens_the_invoice_and_credit_notes_the_school_received(
    billing, login_as, real_pdfs
):
    charge = charge_of(billing.book())
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    note = services.refund(charge, 1_000, "One session short", billing.admin)
    _db.session.commit()
    admin = login_as(billing.admin)

    charge_page = admin.get(f"/admin/charges/{charge.id}").get_data(as_text=True)
    for link in (
        f"/admin/charges/{charge.id}/invoice",
        f"/admin/charges/{charge.id}/invoice.pdf",
        f"/admin/credit-notes/{note.id}",
        f"/admin/credit-notes/{note.id}/credit-note.pdf",
    ):
        assert f'href="{link}"' in charge_page

    invoice = text_of(admin.get(f"/admin/charges/{charge.id}/invoice"))
    assert "This is the invoice as Harlow Fields Infants sees it" in invoice
    assert f"Invoice {charge.invoice_number}" in invoice and "Part refunded" in invoice
    school_pdf = login_as(billing.seeking_member).get(f"/charges/{charge.id}/invoice.pdf").data
    admin = login_as(billing.admin)
    admin_pdf = admin.get(f"/admin/charges/{charge.id}/invoice.pdf").data
    assert pdf_text(admin_pdf) == pdf_text(school_pdf)

    credit = text_of(admin.get(f"/admin/credit-notes/{note.id}"))
    assert (
        f"Credit note {note.number}" in credit
        and f"Credits invoice {charge.invoice_number}" in credit
    )
    assert "£10.00 of what your school paid against invoice" in credit
    text = pdf_text(admin.get(f"/admin/credit-notes/{note.id}/credit-note.pdf").data)
    assert f"Credit note {note.number}" in text and "Refund: One session short" in text


def test_an_admin_opens_any_schools_documents_but_a_missing_one_is_not_found(billing, login_as):
    other = make_school(name="Tendring Vale Primary")
    make_lead(other)
    charge = charge_of(make_booking(offer=make_offer(make_school()), seeking_school=other))
    admin = login_as(billing.admin)
    assert admin.get(f"/admin/charges/{charge.id}/invoice").status_code == 200
    assert admin.get("/admin/credit-notes/424242").status_code == 404
