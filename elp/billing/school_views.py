"""The school's side of service charges: its charges, each charge's invoice page, and the
same invoice as a PDF.

Only the paying school sees a charge; anyone else gets a 404 (`invoices.charge_for_school`).
With Stripe keys the invoice page includes the pay buttons (`billing/_pay.html`, served by
`payment_views`) where the offline payment instructions otherwise stand.
"""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import lead_required, school_user_required
from elp.billing import credit_notes, invoices, school_finance, services, statements
from elp.billing.forms import FinanceSettingsForm, PurchaseOrderForm, StatementPeriodForm
from elp.bounds import page_number
from elp.errors import InvalidInput, link_refusals
from elp.notifications import read_where_read
from elp.unit_of_work import unit_of_work

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
    read_where_read()  # first: a commit would make the page reload what it read
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


@bp.route("/<int:charge_id>/purchase-order", methods=["GET", "POST"])
@school_user_required
def purchase_order(charge_id):
    """The paying school gives its purchase order number for an invoice still to pay."""
    charge = invoices.charge_for_school(charge_id, current_user)
    form = PurchaseOrderForm()
    if request.method == "GET":
        form.purchase_order_number.data = charge.purchase_order_number or ""
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.give_purchase_order_number(
                    charge, form.purchase_order_number.data, current_user
                )
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash(
                f"Purchase order number {charge.purchase_order_number} added to invoice "
                f"{charge.invoice_number}",
                "success",
            )
            return redirect(url_for(".show", charge_id=charge.id))
    return render_template("billing/purchase_order.html", charge=charge, form=form)


@bp.route("/settings", methods=["GET", "POST"])
@lead_required
def finance_settings():
    """A lead's finance settings: the finance contact, purchase orders, the financial year."""
    school = current_user.school
    settings = school_finance.settings_for(school)
    form = FinanceSettingsForm()
    if request.method == "GET":
        form.fill(settings)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                school_finance.update_settings(
                    school,
                    current_user,
                    name=form.finance_contact_name.data,
                    email=form.finance_contact_email.data,
                    purchase_orders=form.purchase_orders.data == "yes",
                    year_start=form.year_start,
                )
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash("Your school’s finance settings are saved", "success")
            return redirect(url_for(".finance_settings"))
    return render_template(
        "billing/finance_settings.html",
        form=form,
        settings=settings,
        default_year_start=school_finance.YEAR_STARTS[
            school_finance.year_start_from_establishment_type(school.establishment_type)
        ],
    )


# --- Statements ----------------------------------------------------------------------------


def read_period(school):
    """The statement period the query string asks for, and the form of dates it was typed
    in: the school's financial year by default; dates that will not do are said on the
    form (and the financial year shown meanwhile)."""
    form = StatementPeriodForm(formdata=request.args)
    if not ({"start", "end"} & set(request.args)):
        return form, statements.period_from_args(request.args, school)
    if form.validate():
        try:
            return form, statements.check_period(form.start.data, form.end.data)
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
    return form, statements.default_period(school)


def statement_page(school, endpoint, back_href, back_text, entry_href, **ids):
    form, period = read_period(school)
    result = statements.statement(school, period)
    return render_template(
        "billing/statement.html",
        form=form,
        years=statements.recent_years(school),
        year_href=lambda year: url_for(endpoint, **ids, **year.as_args()),
        pdf_href=url_for(f"{endpoint}_pdf", **ids, **period.as_args()),
        email_action=url_for(f"{endpoint}_email", **ids),
        csv_href=url_for(f"{endpoint}_csv", **ids, **period.as_args()),
        back_href=back_href,
        back_text=back_text,
        entry_href=entry_href,
        **statements.statement_context(result),
    )


def email_statement(school, redirect_to):
    """Email the statement of the dates the form names to the school's leads and finance
    contact, then go back to it."""
    period = statements.period_from_args(request.form, school)
    with unit_of_work():
        recipients = statements.email_statement(school, period, current_user)
    if recipients:
        flash(
            f"The statement for {period.label} is on its way to {', '.join(recipients)}",
            "success",
        )
    else:
        flash("The statement was not sent: the school has no lead or finance contact", "success")
    return redirect(redirect_to(**period.as_args()))


def statement_file(school, kind):
    """The statement as a PDF or CSV download, for the dates the query string names."""
    result = statements.statement(school, statements.period_from_args(request.args, school))
    if kind == "pdf":
        data, mimetype = statements.statement_pdf(result), "application/pdf"
    else:
        data, mimetype = statements.statement_csv(result), "text/csv"
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": (
                f'attachment; filename="{statements.filename(school, result.period, kind)}"'
            ),
            "Cache-Control": "no-store",
        },
    )


def _school_entry_href(entry):
    if entry.credit_note_id:
        return url_for("charges.credit_note", credit_note_id=entry.credit_note_id)
    return url_for("charges.show", charge_id=entry.charge_id)


@bp.get("/statement")
@school_user_required
def statement():
    return statement_page(
        current_user.school,
        "charges.statement",
        url_for("charges.index"),
        "Your school’s charges",
        _school_entry_href,
    )


@bp.post("/statement/email")
@lead_required
def statement_email():
    return email_statement(
        current_user.school, lambda **period: url_for("charges.statement", **period)
    )


@bp.get("/statement.pdf")
@school_user_required
def statement_pdf():
    return statement_file(current_user.school, "pdf")


@bp.get("/statement.csv")
@school_user_required
def statement_csv():
    return statement_file(current_user.school, "csv")
