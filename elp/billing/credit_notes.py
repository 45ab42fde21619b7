"""Credit notes as documents of their own (issue 22 part 4): each credit note's page and
PDF, naming the invoice it credits, for the paying school and for ELP admins; the school's
list of them; and the email that sends one to the school's leads and finance contact.

Only the paying school sees a credit note: anyone else asking for it by id gets NotFound,
as for one that does not exist.
"""

import logging
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from elp import money, pdf
from elp.billing import invoices, school_finance
from elp.billing.models import Charge, CreditNote
from elp.errors import NotFound
from elp.extensions import db
from elp.notifications import attachments
from elp.notifications.services import queue_email
from elp.timeutil import format_date
from elp.urls import absolute_url

log = logging.getLogger(__name__)

ATTACHMENT_KIND = "credit_note"
# What each kind of credit note says it is for.
KIND_NAMES = {
    "void": "The booking was cancelled: the invoice is void",
    "waive": "The charge was waived",
    "refund": "Refund",
}


def _load(credit_note_id):
    return db.session.get(
        CreditNote,
        credit_note_id,
        options=[
            joinedload(CreditNote.charge).joinedload(Charge.school),
            joinedload(CreditNote.charge).joinedload(Charge.booking),
        ],
    )


def credit_note_for_school(credit_note_id, user):
    """The credit note, if the user's school pays the charge it credits; NotFound for
    anyone else, as for one that does not exist."""
    note = _load(credit_note_id)
    if note is None or user.school_id is None or note.charge.school_id != user.school_id:
        log.warning(
            "Refused credit note %s to user %s of school %s: %s",
            credit_note_id,
            user.id,
            user.school_id,
            "no such credit note" if note is None else "another school pays its charge",
        )
        raise NotFound()
    return note


def credit_note_for_admin(credit_note_id):
    note = _load(credit_note_id)
    if note is None:
        raise NotFound()
    return note


def school_credit_notes(school):
    """Every credit note against the school's invoices, the newest first (one query)."""
    return db.session.scalars(
        select(CreditNote)
        .join(Charge, CreditNote.charge_id == Charge.id)
        .where(Charge.school_id == school.id)
        .options(joinedload(CreditNote.charge))
        .order_by(CreditNote.issued_on.desc(), CreditNote.id.desc())
    ).all()


def credit_note_context(note):
    """Everything the credit note template shows, the same for the page and the PDF."""
    charge = note.charge
    return {
        "note": note,
        "charge": charge,
        "booking": charge.booking,
        "school": charge.school,
        "kind_name": KIND_NAMES.get(note.kind, note.kind),
        "vat_rate": money.format_basis_points(charge.vat_basis_points),
        "date_of_supply": invoices.date_of_supply(charge),
        "money": money,
        "for_pdf": False,
        **invoices.supplier_context(),
    }


STYLESHEET = Path("css") / "invoice.css"


def pdf_filename(note):
    return f"{note.number}.pdf"


def credit_note_pdf(note):
    """The credit note as PDF bytes, from the same template as its page."""
    context = credit_note_context(note) | {"for_pdf": True}
    html = render_template("billing/credit_note_document.html", **context)
    stylesheet = (Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8")
    return pdf.html_to_pdf(html, stylesheet)


# --- The credit note email -----------------------------------------------------------------


def register():
    attachments.register(ATTACHMENT_KIND, credit_note_attachment)


def subject_for(note):
    return f"Credit note {note.number} from ELP Exchange"


def email_credit_note(note):
    """Queue the credit note to the paying school's leads and finance contact, its PDF
    attached when the email is sent (after the commit, once)."""
    charge = note.charge
    recipients = school_finance.billing_recipients(charge.school_id)
    if not recipients:
        log.warning(
            "Credit note %s not emailed: school %s has no lead or finance contact",
            note.number,
            charge.school_id,
        )
    for address in recipients:
        queue_email(
            address,
            subject_for(note),
            "credit_note",
            attachment=attachments.reference(ATTACHMENT_KIND, note.id),
            note=note,
            charge=charge,
            booking=charge.booking,
            kind_name=KIND_NAMES.get(note.kind, note.kind),
            gross=money.format_invoice_amount(note.gross_pence),
            issued_on=format_date(note.issued_on),
            link=absolute_url("charges.credit_note", credit_note_id=note.id),
        )


def credit_note_attachment(key):
    note = db.session.get(CreditNote, int(key))
    if note is None:
        raise LookupError(f"no credit note {key} to attach")
    return attachments.Attachment(
        filename=pdf_filename(note), content_type="application/pdf", data=credit_note_pdf(note)
    )
