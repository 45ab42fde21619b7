"""What a school sees of the service charges it pays: its charges, each charge's invoice
(a page, and the same invoice as a PDF rendered from the same template) and how to pay it.

Only the paying school sees a charge: anyone else asking for it by id gets NotFound, the
same as for a charge that does not exist. Reads only; nothing here changes a charge.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, selectinload

from elp import money, pdf
from elp.billing import payments
from elp.billing import transitions as status_table
from elp.billing.models import PAYER_NAMES, Charge
from elp.billing.services import fee_terms_for
from elp.errors import NotFound
from elp.extensions import db
from elp.timeutil import UK_TIME, uk_today
from elp.urls import absolute_url

log = logging.getLogger(__name__)

CHARGES_PER_PAGE = 50
PARTNERSHIP_NAME = "Essex Learning Partnership"

# The status words come from the charge's transitions table, the same for schools and admins.
STATUS_NAMES = status_table.STATUS_NAMES
STATUS_TAG_CLASSES = status_table.STATUS_TAG_CLASSES
OVERDUE = status_table.OVERDUE
CREDIT_NOTE_KINDS = {"void": "Voided", "waive": "Waived", "refund": "Refunded"}


# --- Finding a school's charges -----------------------------------------------------------


def school_charges(school, page=1):
    """One page of the charges the school pays, with their bookings (one query for the rows):
    those still to pay first, the soonest due first, then the rest, the newest first."""
    still_due = Charge.status.in_(status_table.STILL_DUE)
    to_pay_first = case((still_due, 0), else_=1)
    return db.paginate(
        select(Charge)
        .where(Charge.school_id == school.id)
        .options(joinedload(Charge.booking))
        .order_by(
            to_pay_first,
            case((still_due, Charge.due_date)),
            Charge.invoice_date.desc(),
            Charge.id.desc(),
        ),
        page=page,
        per_page=CHARGES_PER_PAGE,
        error_out=False,
    )


def amount_to_pay(school):
    """What the school owes on charges still to pay, and how much of it is overdue (pence)."""
    today = uk_today()
    rows = db.session.execute(
        select(Charge.gross_pence - Charge.amount_paid_pence, Charge.due_date).where(
            Charge.school_id == school.id, Charge.status.in_(status_table.STILL_DUE)
        )
    ).all()
    return (
        sum(gross for gross, _ in rows),
        sum(gross for gross, due in rows if due < today),
    )


def charge_for_school(charge_id, user):
    """The charge, if the user's school pays it; NotFound for anyone else, as for a charge
    that does not exist. The refusal is logged: a school trying other schools' charge ids
    is worth an admin's notice."""
    charge = db.session.get(
        Charge,
        charge_id,
        options=[
            joinedload(Charge.school),
            joinedload(Charge.booking),
            selectinload(Charge.credit_notes),
            selectinload(Charge.payments),
        ],
    )
    if charge is None or user.school_id is None or charge.school_id != user.school_id:
        log.warning(
            "Refused charge %s to user %s of school %s: %s",
            charge_id,
            user.id,
            user.school_id,
            "no such charge" if charge is None else "another school pays it",
        )
        raise NotFound()
    return charge


def school_charges_for_booking(booking, school_id):
    """The booking's charges this school pays (none, one, or its share of a split)."""
    return db.session.scalars(
        select(Charge)
        .where(Charge.booking_id == booking.id, Charge.school_id == school_id)
        .options(selectinload(Charge.credit_notes))
        .order_by(Charge.id)
    ).all()


# --- What the invoice says ----------------------------------------------------------------


is_overdue = status_table.is_overdue
display_status = status_table.display_status


def status_name(charge, today=None):
    return status_table.status_word(charge, today).name


def payments_online():
    """Whether schools pay through Stripe (its keys are configured: the invoice page shows
    "Pay by card" and "Pay by bank transfer") or against the offline invoice, which an ELP
    admin then records."""
    return payments.stripe_payments_available()


@dataclass(frozen=True)
class BankDetail:
    label: str  # "Sort code", or "" for a line without one
    value: str


def bank_details():
    """ELP's bank details from ELP_BANK_DETAILS, one part per ";" or line: "Sort code:
    20-00-00" becomes a label and a value. Empty when they are not configured."""
    text = current_app.config.get("BANK_DETAILS") or ""
    details = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        label, colon, value = part.partition(":")
        details.append(BankDetail(label.strip(), value.strip()) if colon else BankDetail("", part))
    return details


def postal_address():
    """ELP's postal address from ELP_POSTAL_ADDRESS, one line per ";" part (empty when unset)."""
    text = current_app.config.get("POSTAL_ADDRESS") or ""
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]


def supplier_context():
    """Who the invoice or credit note is from: what a valid VAT invoice must name."""
    return {
        "partnership_name": PARTNERSHIP_NAME,
        "postal_address": postal_address(),
        "vat_number": current_app.config.get("VAT_NUMBER") or "",
        "contact_email": current_app.config["CONTACT_EMAIL"],
        "website": current_app.config["BASE_URL"],
    }


def date_of_supply(charge):
    """When ELP supplied what it charges for: the day the booking was agreed (UK time)."""
    return charge.booking.created_at.astimezone(UK_TIME).date()


def invoice_context(charge):
    """Everything the invoice template shows, the same for the page and the PDF."""
    booking = charge.booking
    today = uk_today()
    other_school = booking.offering_school if charge.party == "seeking" else booking.seeking_school
    terms = fee_terms_for(booking)
    credited = sum(note.gross_pence for note in charge.credit_notes)
    return {
        "charge": charge,
        "booking": booking,
        "school": charge.school,
        "other_school": other_school,
        "terms": terms,
        "split": terms is not None and terms.payer == "split",
        "payer_names": PAYER_NAMES,
        "vat_rate": money.format_basis_points(charge.vat_basis_points),
        "status": display_status(charge, today),
        "status_name": status_name(charge, today),
        "status_tag_class": STATUS_TAG_CLASSES[display_status(charge, today)],
        "overdue": is_overdue(charge, today),
        "credit_notes": charge.credit_notes,
        "credit_note_kinds": CREDIT_NOTE_KINDS,
        "credited_pence": credited,
        "date_of_supply": date_of_supply(charge),
        "charges_vat": charge.vat_basis_points > 0,
        **supplier_context(),
        "invoice_url": absolute_url("charges.show", charge_id=charge.id),
        "bank_details": bank_details(),
        "payments_online": payments_online(),
        "money": money,
        "for_pdf": False,
        "for_admin": False,
        "credit_note_endpoint": "charges.credit_note",
    }


# --- The invoice as a PDF -----------------------------------------------------------------

STYLESHEET = Path("css") / "invoice.css"


def pdf_filename(charge):
    return f"{charge.invoice_number}.pdf"


def admin_invoice_context(charge):
    """The invoice as the school sees it, for an ELP admin: its links lead to admin pages
    and it offers no pay buttons."""
    return invoice_context(charge) | {
        "for_admin": True,
        "credit_note_endpoint": "admin.credit_note",
    }


def invoice_pdf(charge):
    """The charge's invoice as PDF bytes: the invoice template in a document of its own,
    with the invoice stylesheet (the one the page prints with). PdfUnavailable where
    WeasyPrint or Pango is missing."""
    context = invoice_context(charge) | {"for_pdf": True}
    html = render_template("billing/invoice_document.html", **context)
    stylesheet = (Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8")
    return pdf.html_to_pdf(html, stylesheet)
