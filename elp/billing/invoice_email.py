"""The invoice email: when a charge is issued, each lead of the paying school and its finance
contact are sent its invoice, with the invoice attached as a PDF.

The email is queued in the outbox in the transaction that issues the charge, so it goes
after the commit, once, and never for a booking that rolled back. The PDF is made when the
email is sent (the outbox names it "invoice:<charge id>"), not in the accepting
transaction, which keeps accepting a proposal quick; where the PDF cannot be made the email
waits in the outbox rather than going without it.
"""

import logging

from elp import money
from elp.billing import invoices, school_finance
from elp.billing.models import Charge
from elp.extensions import db
from elp.notifications import attachments
from elp.notifications.services import queue_email
from elp.timeutil import format_date
from elp.urls import absolute_url

log = logging.getLogger(__name__)

ATTACHMENT_KIND = "invoice"


def register():
    """Let the outbox attach an invoice's PDF to the emails that name one."""
    attachments.register(ATTACHMENT_KIND, invoice_attachment)


def subject_for(charge):
    return f"Invoice {charge.invoice_number} from ELP Exchange"


def email_invoices(charges):
    """Queue each charge's invoice email to the paying school's leads and its finance
    contact (sent after the commit)."""
    for charge in charges:
        recipients = school_finance.billing_recipients(charge.school_id)
        if not recipients:
            log.warning(
                "Invoice %s not emailed: school %s has no lead or finance contact",
                charge.invoice_number,
                charge.school_id,
            )
        for address in recipients:
            queue_email(
                address,
                subject_for(charge),
                "invoice",
                attachment=attachments.reference(ATTACHMENT_KIND, charge.id),
                charge=charge,
                booking=charge.booking,
                gross=money.format_invoice_amount(charge.gross_pence),
                due_date=format_date(charge.due_date),
                link=absolute_url("charges.show", charge_id=charge.id),
                bank_details=invoices.bank_details(),
                payments_online=invoices.payments_online(),
            )


def invoice_attachment(key):
    """The PDF of the charge an outbox row names."""
    charge = db.session.get(Charge, int(key))
    if charge is None:
        raise LookupError(f"no charge {key} to attach the invoice of")
    return attachments.Attachment(
        filename=invoices.pdf_filename(charge),
        content_type="application/pdf",
        data=invoices.invoice_pdf(charge),
    )
