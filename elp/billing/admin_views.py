"""ELP admin pages for service charges: the charges list with its totals and CSV export, a
charge's page and history, recording an offline payment, waiving, refunding, and the fee
policy versions."""

import logging

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp import money
from elp.accounts import services as accounts
from elp.accounts.decorators import admin_required
from elp.accounts.services import DISTRICT_NAMES
from elp.admin.views import bp
from elp.billing import credit_notes, invoices, review, school_views, services
from elp.billing.forms import FeePolicyForm, RecordPaymentForm, RefundForm, WaiveForm
from elp.billing.models import DEFAULT_TERMS, PAYER_NAMES, PaidVia
from elp.billing.transitions import admin_buttons
from elp.bounds import page_number
from elp.errors import InvalidInput
from elp.timeutil import uk_today
from elp.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


def _log_form_refusal(what, form, charge=None):
    """Record what a form refused (nothing has changed)."""
    if form.errors:
        subject = f"charge {charge.id} ({charge.invoice_number})" if charge else "fee policy"
        log.warning("Refused %s on %s: %s", what, subject, form.errors)


@bp.get("/charges")
@admin_required
def charges():
    charge_filter = review.ChargeFilter.from_args(request.args)
    return render_template(
        "billing/admin/charges.html",
        review=review.review(charge_filter, page_number(request.args)),
        charge_filter=charge_filter,
        periods=review.periods(),
        districts=DISTRICT_NAMES,
        status_names=review.STATUS_NAMES,
        status_tags=review.STATUS_TAG_CLASSES,
        needs_attention=review.NEEDS_ATTENTION,
        overdue=review.OVERDUE,
    )


@bp.get("/charges/export.csv")
@admin_required
def charges_csv():
    charge_filter = review.ChargeFilter.from_args(request.args)
    body = review.charges_csv(review.filtered_charges(charge_filter))
    filename = f"elp-charges-{uk_today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/charges/<int:charge_id>")
@admin_required
def charge(charge_id):
    charge = services.charge_for_admin(charge_id)
    return render_template(
        "billing/admin/charge.html",
        charge=charge,
        fee_terms=services.fee_terms_for(charge.booking),
        credit_notes=review.credit_notes(charge),
        history=review.history(charge),
        actions=admin_buttons(charge.status),
        status_names=review.STATUS_NAMES,
        status_tags=review.STATUS_TAG_CLASSES,
        payer_names=PAYER_NAMES,
    )


@bp.get("/charges/<int:charge_id>/invoice")
@admin_required
def charge_invoice(charge_id):
    """The invoice as the paying school sees it."""
    charge = services.charge_for_admin(charge_id)
    return render_template("billing/admin/invoice.html", **invoices.admin_invoice_context(charge))


@bp.get("/charges/<int:charge_id>/invoice.pdf")
@admin_required
def charge_invoice_pdf(charge_id):
    """The PDF of the invoice the paying school received."""
    charge = services.charge_for_admin(charge_id)
    return _pdf(invoices.invoice_pdf(charge), invoices.pdf_filename(charge))


@bp.get("/credit-notes/<int:credit_note_id>")
@admin_required
def credit_note(credit_note_id):
    note = credit_notes.credit_note_for_admin(credit_note_id)
    return render_template(
        "billing/admin/credit_note.html", **credit_notes.credit_note_context(note)
    )


@bp.get("/credit-notes/<int:credit_note_id>/credit-note.pdf")
@admin_required
def credit_note_pdf(credit_note_id):
    note = credit_notes.credit_note_for_admin(credit_note_id)
    return _pdf(credit_notes.credit_note_pdf(note), credit_notes.pdf_filename(note))


def _pdf(data, filename):
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _admin_entry_href(entry):
    if entry.credit_note_id:
        return url_for(".credit_note", credit_note_id=entry.credit_note_id)
    return url_for(".charge", charge_id=entry.charge_id)


@bp.get("/schools/<int:school_id>/statement")
@admin_required
def school_statement(school_id):
    """Any school's statement, as the school sees it."""
    school = accounts.school_by_id(school_id)
    return school_views.statement_page(
        school,
        "admin.school_statement",
        url_for(".school", school_id=school.id),
        school.name,
        _admin_entry_href,
        school_id=school.id,
    )


@bp.post("/schools/<int:school_id>/statement/email")
@admin_required
def school_statement_email(school_id):
    school = accounts.school_by_id(school_id)
    return school_views.email_statement(
        school, lambda **period: url_for(".school_statement", school_id=school.id, **period)
    )


@bp.get("/schools/<int:school_id>/statement.pdf")
@admin_required
def school_statement_pdf(school_id):
    return school_views.statement_file(accounts.school_by_id(school_id), "pdf")


@bp.get("/schools/<int:school_id>/statement.csv")
@admin_required
def school_statement_csv(school_id):
    return school_views.statement_file(accounts.school_by_id(school_id), "csv")


@bp.route("/charges/<int:charge_id>/record-payment", methods=["GET", "POST"])
@admin_required
def record_payment(charge_id):
    charge = services.charge_for_admin(charge_id)
    services.check_allowed(charge, "pay", current_user)
    form = RecordPaymentForm()
    if request.method == "GET":
        form.amount.data = money.format_plain_pounds(charge.amount_due_pence)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.mark_paid(
                    charge,
                    PaidVia.OFFLINE,
                    form.reference.data,
                    paid_on=form.paid_on.data,
                    actor=current_user,
                    amount_pence=form.amount_pence,
                )
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            left = charge.amount_due_pence
            flash(
                f"Payment recorded for invoice {charge.invoice_number}"
                + (f": {money.format_invoice_amount(left)} is still due" if left else ""),
                "success",
            )
            return redirect(url_for(".charge", charge_id=charge.id))
    _log_form_refusal("an offline payment", form, charge)
    return render_template("billing/admin/record_payment.html", charge=charge, form=form)


@bp.route("/charges/<int:charge_id>/waive", methods=["GET", "POST"])
@admin_required
def waive_charge(charge_id):
    charge = services.charge_for_admin(charge_id)
    services.check_allowed(charge, "waive", current_user)
    form = WaiveForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                note = services.waive(charge, form.reason.data, current_user)
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash(
                f"Invoice {charge.invoice_number} waived: credit note {note.number} issued",
                "success",
            )
            return redirect(url_for(".charge", charge_id=charge.id))
    _log_form_refusal("a waiver", form, charge)
    return render_template("billing/admin/waive.html", charge=charge, form=form)


@bp.route("/charges/<int:charge_id>/refund", methods=["GET", "POST"])
@admin_required
def refund_charge(charge_id):
    charge = services.charge_for_admin(charge_id)
    services.check_allowed(charge, "refund", current_user)
    form = RefundForm()
    if request.method == "GET":
        form.amount.data = money.format_plain_pounds(charge.refundable_pence)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                note = services.refund(
                    charge, form.amount_pence, form.reason.data, actor=current_user
                )
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash(
                f"Refund recorded for invoice {charge.invoice_number}: credit note "
                f"{note.number} issued",
                "success",
            )
            return redirect(url_for(".charge", charge_id=charge.id))
    _log_form_refusal("a refund", form, charge)
    return render_template("billing/admin/refund.html", charge=charge, form=form)


@bp.post("/charges/<int:charge_id>/dealt-with")
@admin_required
def charge_dealt_with(charge_id):
    charge = services.charge_for_admin(charge_id)
    with unit_of_work():
        services.clear_attention(charge, current_user)
    flash(f"Invoice {charge.invoice_number} no longer needs attention", "success")
    return redirect(url_for(".charge", charge_id=charge.id))


@bp.route("/fee-policy", methods=["GET", "POST"])
@admin_required
def fee_policy():
    in_force = services.policy_in_force()
    form = FeePolicyForm()
    if request.method == "GET":
        form.fill(in_force.terms if in_force else DEFAULT_TERMS)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                policy = services.create_policy_version(
                    form.terms, form.in_force_from.data, current_user
                )
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash(
                f"The new fee policy is in force from {policy.in_force_from.day} "
                f"{policy.in_force_from:%B %Y}",
                "success",
            )
            return redirect(url_for(".fee_policy"))
    _log_form_refusal("a new version", form)
    return render_template(
        "billing/admin/fee_policy.html",
        form=form,
        in_force=in_force,
        default_terms=DEFAULT_TERMS,
        versions=services.policy_versions(),
        payer_names=PAYER_NAMES,
        today=uk_today(),
    )
