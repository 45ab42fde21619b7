"""ELP admin pages for schools: list, add, suspend, and their access codes (routes on the
admin blueprint)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts import services
from elp.accounts.decorators import admin_required
from elp.admin import school_activity
from elp.admin.forms import SCHOOL_PHASES, ReactivateSchoolForm, SchoolForm, SuspendSchoolForm
from elp.admin.views import bp
from elp.bounds import page_number, search_text
from elp.errors import ActionRefused, InvalidInput
from elp.unit_of_work import unit_of_work


@bp.get("/schools")
@admin_required
def schools():
    types = services.establishment_types()
    school_filter = services.SchoolFilter.from_args(
        request.args, search_text(request.args), SCHOOL_PHASES, types
    )
    results, user_counts = services.search_schools(school_filter, page_number(request.args))
    return render_template(
        "admin/schools.html",
        results=results,
        user_counts=user_counts,
        school_filter=school_filter,
        districts=services.DISTRICT_NAMES,
        phases=SCHOOL_PHASES,
        establishment_types=types,
    )


@bp.route("/schools/new", methods=["GET", "POST"])
@admin_required
def add_school():
    form = SchoolForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                school = services.add_school(
                    current_user,
                    urn=form.urn.data,
                    name=form.name.data,
                    district=form.district.data,
                    phase=form.phase.data,
                    establishment_type=form.establishment_type.data,
                    postcode=form.postcode.data,
                    easting=int(form.easting.data) if form.easting.data else None,
                    northing=int(form.northing.data) if form.northing.data else None,
                )
        except InvalidInput as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(f"{school.name} has been added", "success")
            return redirect(url_for("admin.school", school_id=school.id))
    return render_template("admin/school_form.html", form=form)


@bp.get("/schools/<int:school_id>")
@admin_required
def school(school_id):
    school = services.school_by_id(school_id)
    return render_template(
        "admin/school.html",
        school=school,
        users=services.school_users(school),
        access_codes=services.school_access_codes(school),
        role_names=services.ROLE_NAMES,
        activity=school_activity.for_school(school),
    )


@bp.post("/schools/<int:school_id>/access-codes")
@admin_required
def issue_access_code(school_id):
    school = services.school_by_id(school_id)
    with unit_of_work():
        issued = services.issue_new_access_code(school, issued_by=current_user)
    page = render_template(
        "admin/access_code_issued.html",
        school=school,
        access_code=issued.access_code,
        code=issued.code,
        replaced=issued.replaced,
    )
    # The code is shown this once: keep it out of every cache.
    return page, 200, {"Cache-Control": "no-store"}


@bp.route(
    "/schools/<int:school_id>/access-codes/<int:access_code_id>/revoke", methods=["GET", "POST"]
)
@admin_required
def revoke_access_code(school_id, access_code_id):
    """Ask before revoking an access code, then revoke it."""
    school = services.school_by_id(school_id)
    access_code = services.find_school_access_code(school, access_code_id) or abort(404)
    if request.method == "POST":
        with unit_of_work():
            services.revoke_access_code(access_code, revoked_by=current_user)
        flash(f"The access code ending {access_code.hint} has been revoked", "success")
        return redirect(url_for("admin.school", school_id=school.id))
    if access_code.state() != "valid":
        raise ActionRefused(
            f"This access code is already {access_code.state()}, so it cannot be revoked."
        )
    return render_template(
        "_confirm.html",
        question=f"Are you sure you want to revoke the access code ending {access_code.hint}?",
        caption=school.name,
        explanation=f"Nobody will be able to join {school.name} with it. "
        "You can issue the school a new code at any time.",
        button="Revoke access code",
        action=url_for(
            "admin.revoke_access_code", school_id=school.id, access_code_id=access_code.id
        ),
        cancel_text="Keep the access code",
        cancel_href=url_for("admin.school", school_id=school.id),
        back_text=school.name,
        back_href=url_for("admin.school", school_id=school.id),
    )


@bp.route("/schools/<int:school_id>/suspend", methods=["GET", "POST"])
@admin_required
def suspend_school(school_id):
    school = services.school_by_id(school_id)
    form = SuspendSchoolForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.suspend_school(current_user, school, form.reason.data)
        flash(f"{school.name} has been suspended", "success")
        return redirect(url_for("admin.school", school_id=school.id))
    return render_template("admin/suspend_school.html", school=school, form=form)


@bp.route("/schools/<int:school_id>/reactivate", methods=["GET", "POST"])
@admin_required
def reactivate_school(school_id):
    school = services.school_by_id(school_id)
    services.refuse_unless_suspended(school)
    form = ReactivateSchoolForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.reactivate_school(current_user, school, form.reason.data)
        flash(f"{school.name} has been reactivated", "success")
        return redirect(url_for("admin.school", school_id=school.id))
    return render_template("admin/reactivate_school.html", school=school, form=form)
