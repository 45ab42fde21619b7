"""The school's side of service charges: its charges, each charge's invoice page, and the
same invoice as a PDF.

Only the paying school sees a charge; anyone else gets a 404 (`invoices.charge_for_school`).
With Stripe keys the invoice page includes the pay buttons (`billing/_pay.html`, served by
`payment_views`) where the offline payment instructions otherwise stand.
"""

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.billing import credit_notes, invoices
from elp.bounds import page_number

bp = Blueprint("charges", __name__, url_prefix="/charges")


@bp.get("")
@school_user_required
def index():
    school = current_user.school
    to_pay, overdue = invoices.amount_to_pay(school)
    return render_template(
        "billing/charges.html",
        page=invoices.school_charges(school, page_number(request.args)),
        credit_notes=credit_notes.school_credit_notes(school),
        to_pay_pence=to_pay,
        overdue_pence=overdue,
        display_status=invoices.display_status,
        status_name=invoices.status_name,
        status_tag_classes=invoices.STATUS_TAG_CLASSES,
    )


@bp.get("/<int:charge_id>")
@school_user_required
def show(charge_id):
    charge = invoices.charge_for_school(charge_id, current_user)
    return render_template("billing/invoice.html", **invoices.invoice_context(charge))


@bp.get("/<int:charge_id>/invoice.pdf")
@school_user_required
def invoice_pdf(charge_id):
    charge = invoices.charge_for_school(charge_id, current_user)
    return Response(
        invoices.invoice_pdf(charge),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{invoices.pdf_filename(charge)}"'},
    )


@bp.get("/credit-notes/<int:credit_note_id>")
@school_user_required
def credit_note(credit_note_id):
    note = credit_notes.credit_note_for_school(credit_note_id, current_user)
    return render_template("billing/credit_note.html", **credit_notes.credit_note_context(note))


@bp.get("/credit-notes/<int:credit_note_id>/credit-note.pdf")
@school_user_required
def credit_note_pdf(credit_note_id):
    note = credit_notes.credit_note_for_school(credit_note_id, current_user)
    return _pdf(credit_notes.credit_note_pdf(note), credit_notes.pdf_filename(note))


def _pdf(data, filename):
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
