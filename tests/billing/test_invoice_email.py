"""When a charge is issued, the paying school's leads are emailed its invoice with the PDF
attached: through the outbox, after the commit, once."""

import io
import re
import sys

from pypdf import PdfReader
from sqlalchemy import select

from elp.billing import services
from elp.extensions import db as _db
from elp.notifications.models import OutboxEmail
from elp.notifications.services import deliver_due_emails, deliver_outbox
from elp.timeutil import format_date
from tests.factories import make_lead, make_request


def invoice_emails(sent_emails):
    return [email for email in sent_emails if email["Subject"].startswith("Invoice ")]


def attachment_of(email):
    (attachment,) = email.iter_attachments()
    return attachment


def pdf_text(data):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_each_lead_of_the_paying_school_gets_the_invoice_with_its_pdf(
    billing, sent_emails, real_pdfs
):
    second_lead = make_lead(billing.seeking, full_name="Amira Shah", email="amira@harlow.example")
    (charge,) = services.charges_for_booking(billing.book(quantity=3))

    emails = invoice_emails(sent_emails)

    seeking_leads = sorted(user.email for user in billing.seeking.users if user.role == "lead")
    assert second_lead.email in seeking_leads
    assert sorted(email["To"] for email in emails) == seeking_leads  # no member, no other school
    email = emails[0]
    assert email["Subject"] == f"Invoice {charge.invoice_number} from ELP Exchange"
    body = email.get_body(("plain",)).get_content()
    assert f"issued invoice {charge.invoice_number} to Harlow Fields Infants" in body
    assert '"Phonics catch-up"' in body
    assert "Amount due: £52.50" in body
    assert f"Due by: {format_date(charge.due_date)}" in body
    assert f"http://localhost/charges/{charge.id}" in body
    attachment = attachment_of(email)
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{charge.invoice_number}.pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert charge.invoice_number in text and "£52.50" in text


def test_the_email_says_how_to_pay_offline(billing, sent_emails, app, monkeypatch):
    monkeypatch.setitem(app.config, "BANK_DETAILS", "Sort code: 20-45-77; Account number: 31926819")
    (charge,) = services.charges_for_booking(billing.book(quantity=3))

    body = invoice_emails(sent_emails)[0].get_body(("plain",)).get_content()

    assert "Pay by bank transfer to:\nSort code: 20-45-77\nAccount number: 31926819\n" in body
    assert f"Use the invoice number {charge.invoice_number} as the payment reference." in body


def test_the_invoice_email_is_queued_with_the_charge_and_sent_once(billing, sent_emails):
    (charge,) = services.charges_for_booking(billing.book(quantity=3))

    (queued,) = _db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.attachment.is_not(None))
    ).all()
    assert queued.attachment == f"invoice:{charge.id}"
    assert queued.sent_at is not None
    assert len(invoice_emails(sent_emails)) == 1
    assert deliver_outbox() == 0
    assert len(invoice_emails(sent_emails)) == 1


def test_a_booking_that_rolls_back_sends_no_invoice(billing, sent_emails):
    from elp.bookings import services as bookings

    request = make_request(billing.offer, author=billing.seeking_member, quantity=2)
    request.status = "agreed"
    bookings.book(request, request.latest_proposal, billing.offering_member)
    _db.session.rollback()

    assert deliver_outbox() == 0
    assert invoice_emails(sent_emails) == []


def test_a_split_charge_sends_each_school_its_own_invoice(billing, sent_emails):
    from elp.billing.models import DEFAULT_TERMS, FeeTerms
    from elp.timeutil import uk_today

    services.create_policy_version(
        FeeTerms(**{**DEFAULT_TERMS.__dict__, "payer": "split"}), uk_today(), billing.admin
    )
    _db.session.commit()
    charges = services.charges_for_booking(billing.book(quantity=3))

    sent = {email["To"]: email["Subject"] for email in invoice_emails(sent_emails)}
    for charge in charges:
        (lead,) = [user for user in charge.school.users if user.role == "lead"]
        assert sent[lead.email] == f"Invoice {charge.invoice_number} from ELP Exchange"


def test_where_the_pdf_cannot_be_made_the_email_waits_rather_than_going_without_it(
    billing, sent_emails, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PDF_RENDERER", "weasyprint")
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    billing.book(quantity=3)

    assert invoice_emails(sent_emails) == []
    email = _db.session.scalar(select(OutboxEmail).where(OutboxEmail.attachment.is_not(None)))
    assert email.sent_at is None
    assert "The PDF cannot be made" in email.last_error
    assert "WeasyPrint is not installed" in email.last_error

    monkeypatch.setitem(app.config, "PDF_RENDERER", "placeholder")  # the library is back
    assert deliver_outbox() == 0  # the next attempt is due a minute after the failure
    assert deliver_due_emails(now=email.next_attempt_at).sent == 1
    (sent,) = invoice_emails(sent_emails)
    assert attachment_of(sent).get_content().startswith(b"%PDF-")
