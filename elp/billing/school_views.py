"""The school's side of service charges: its charges, each charge's invoice page, and the
same invoice as a PDF.

Only the paying school sees a charge; anyone else gets a 404 (`invoices.charge_for_school`).
With Stripe keys the invoice page includes the pay buttons (`billing/_pay.html`, served by
`payment_views`) where the offline payment instructions otherwise stand.
"""

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.billing import invoices
from elp.bounds import page_number
from elp.errors import link_refusals

bp = Blueprint("charges", __name__, url_prefix="/charges")
link_refusals(bp, "charge_id", "charges.show", "Go to the charge")


@bp.get("")
@school_user_required
def index():
    school = current_user.school
    to_pay, overdue = invoices.amount_to_pay(school)
    return render_template(
        "billing/charges.html",
        page=invoices.school_charges(school, page_number(request.args)),
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
