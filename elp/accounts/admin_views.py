"""ELP admin pages about users and access codes across every school (routes on the admin
blueprint): the users list and search, a user's page, deactivating and reactivating, making
or unmaking a school lead, resending an invitation and creating another ELP admin; the access
codes list with their status, revoking, reissuing, a new code's letter as a PDF, and bulk
issue for a district as a CSV file for a mail merge or as one PDF of letters."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts import services
from elp.accounts.admin_forms import BulkIssueForm, DeactivateUserForm, NewAdminForm
from elp.accounts.decorators import admin_required
from elp.accounts.models import DISTRICT_NAMES, ROLE_NAMES, AccessCode, Invitation, User
from elp.accounts.services.access_code_admin import STATUS_NAMES
from elp.admin import access_code_letters
from elp.admin.views import bp
from elp.bounds import page_number, search_text
from elp.errors import InvalidInput
from elp.extensions import db
from elp.reports.csv_export import csv_response
from elp.timeutil import format_date
from elp.unit_of_work import unit_of_work
from elp.urls import absolute_url


@bp.get("/users")
@admin_required
def users():
    user_filter = services.UserFilter.from_args(request.args, search_text(request.args))
    return render_template(
        "accounts/admin/users.html",
        results=services.find_users(user_filter, page_number(request.args)),
        invitations=services.pending_invitations(user_filter),
        user_filter=user_filter,
        role_names=ROLE_NAMES,
    )


@bp.get("/users/<int:user_id>")
@admin_required
def user(user_id):
    person = db.get_or_404(User, user_id)
    return render_template("accounts/admin/user.html", person=person, role_names=ROLE_NAMES)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_required
def deactivate_user(user_id):
    person = db.get_or_404(User, user_id)
    services.check_can_deactivate(current_user, person)
    form = DeactivateUserForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.deactivate_user(current_user, person, form.reason.data)
        except InvalidInput as error:
            form.reason.errors.append(error.message)
        else:
            flash(f"{person.full_name}’s account has been deactivated", "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("accounts/admin/deactivate_user.html", person=person, form=form)


def _act(user_id, action, message):
    person = db.get_or_404(User, user_id)
    with unit_of_work():
        action(current_user, person)
    flash(message.format(name=person.full_name), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate_user(user_id):
    return _act(user_id, services.reactivate_user, "{name}’s account has been reactivated")


@bp.post("/users/<int:user_id>/make-lead")
@admin_required
def make_school_lead(user_id):
    return _act(user_id, services.make_school_lead, "{name} is now a school lead")


@bp.post("/users/<int:user_id>/unmake-lead")
@admin_required
def unmake_school_lead(user_id):
    return _act(user_id, services.unmake_school_lead, "{name} is no longer a school lead")


@bp.post("/invitations/<int:invitation_id>/resend")
@admin_required
def resend_invitation(invitation_id):
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    with unit_of_work():
        fresh = services.resend_invitation(current_user, invitation)
    flash(f"The invitation to {fresh.email} has been sent again with a new link", "success")
    return redirect(url_for("admin.users", q=fresh.email))


@bp.route("/users/new-admin", methods=["GET", "POST"])
@admin_required
def new_admin():
    form = NewAdminForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                admin = services.create_admin_by_admin(
                    current_user, form.email.data, form.full_name.data
                )
        except InvalidInput as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(
                f"{admin.full_name} is now an ELP admin and has been emailed a link to choose a password",
                "success",
            )
            return redirect(url_for("admin.user", user_id=admin.id))
    return render_template("accounts/admin/new_admin.html", form=form)


# --- access codes ---------------------------------------------------------------------------


def _issued_page(school, access_code, code, replaced=()):
    page = render_template(
        "admin/access_code_issued.html",
        school=school,
        access_code=access_code,
        code=code,
        replaced=replaced,
    )
    # The code is shown this once: keep it out of every cache.
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/access-codes")
@admin_required
def access_codes():
    code_filter = services.CodeFilter.from_args(request.args, search_text(request.args))
    codes, users_by_id = services.find_access_codes(code_filter, page_number(request.args))
    return render_template(
        "accounts/admin/access_codes.html",
        codes=codes,
        users_by_id=users_by_id,
        code_filter=code_filter,
        status_of=services.access_code_status,
        status_names=STATUS_NAMES,
        districts=DISTRICT_NAMES,
    )


@bp.route("/access-codes/<int:access_code_id>/revoke", methods=["GET", "POST"])
@admin_required
def revoke_code(access_code_id):
    access_code = db.get_or_404(AccessCode, access_code_id)
    if request.method == "POST":
        with unit_of_work():
            services.revoke_access_code(access_code, revoked_by=current_user)
        flash(f"The access code ending {access_code.hint} has been revoked", "success")
        return redirect(url_for("admin.access_codes"))
    return render_template("accounts/admin/revoke_access_code.html", access_code=access_code,
                           status=services.access_code_status(access_code))  # fmt: skip


@bp.post("/access-codes/<int:access_code_id>/reissue")
@admin_required
def reissue_code(access_code_id):
    access_code = db.get_or_404(AccessCode, access_code_id)
    with unit_of_work():
        issued = services.reissue_access_code(current_user, access_code)
    return _issued_page(issued.access_code.school, issued.access_code, issued.code,
                        issued.replaced)  # fmt: skip


@bp.post("/access-codes/<int:access_code_id>/letter.pdf")
@admin_required
def access_code_letter_pdf(access_code_id):
    """The letter of a code just issued, as a PDF: the issued page sends the code back."""
    access_code = db.get_or_404(AccessCode, access_code_id)
    issued = services.issued_code_for_letter(access_code, request.form.get("code", ""))
    filename = f"elp-access-code-letter-{access_code.school.urn}.pdf"
    return access_code_letters.pdf_response([issued], filename)


@bp.route("/access-codes/bulk", methods=["GET", "POST"])
@admin_required
def bulk_issue_codes():
    form = BulkIssueForm()
    if form.validate_on_submit():
        name = form.district.data.lower().replace(" ", "-")
        try:
            # The file is made before the commit: if it cannot be made (no PDF renderer),
            # no codes are issued and the earlier ones still work.
            with unit_of_work():
                issued = services.bulk_issue(current_user, form.district.data)
                if form.letters.data:
                    download = access_code_letters.pdf_response(
                        issued, f"elp-access-code-letters-{name}.pdf"
                    )
                else:
                    rows = [_mail_merge_row(each) for each in issued]
                    download = csv_response(
                        f"elp-access-codes-{name}.csv", MAIL_MERGE_COLUMNS, rows
                    )
        except InvalidInput as error:
            form.district.errors.append(error.message)
        else:
            return download
    counts = {district: len(services.schools_not_joined(district)) for district in DISTRICT_NAMES}
    return render_template("accounts/admin/bulk_issue.html", form=form, counts=counts)


MAIL_MERGE_COLUMNS = ("urn", "school_name", "district", "postcode", "access_code",
                      "expires_on", "join_link")  # fmt: skip


def _mail_merge_row(issued):
    school = issued.school
    return (
        school.urn,
        school.name,
        school.district or "",
        school.postcode or "",
        issued.code,
        format_date(issued.access_code.expires_at),
        absolute_url("accounts.join"),
    )
