"""The admin pages that import schools from a GIAS CSV upload, and show the import's progress
and summary (routes on the admin blueprint; decision 23)."""

from flask import redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Regexp

from elp.accounts import school_import, school_import_runs
from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.unit_of_work import unit_of_work


class SchoolImportForm(FlaskForm):
    gias_file = FileField(
        "GIAS establishments CSV",
        validators=[FileRequired("Select the GIAS CSV file")],
        widget=GovFileInput(),
    )
    la_code = StringField(
        "Local authority code",
        default=school_import.ESSEX_LA_CODE,
        validators=[
            InputRequired("Enter the local authority code"),
            Regexp(r"^[0-9]{3}$", message="Enter the local authority code as 3 digits, like 881"),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField("Import schools", widget=GovSubmitInput())


@bp.route("/schools/import", methods=["GET", "POST"])
@admin_required
def import_schools():
    form = SchoolImportForm()
    if form.validate_on_submit():
        upload = form.gias_file.data
        try:
            with unit_of_work():
                run, path = school_import_runs.receive(
                    current_user, upload.stream, upload.filename, form.la_code.data
                )
        except school_import.SchoolFileRefused as refused:
            form.gias_file.errors.append(f"{refused.message} No schools were changed.")
        else:
            school_import_runs.start(run.id, path)
            return redirect(url_for("admin.school_import_progress", run_id=run.id))
    return render_template(
        "admin/import_schools.html", form=form, progress=None, states=school_import_runs
    )


@bp.get("/schools/import/<int:run_id>")
@admin_required
def school_import_progress(run_id):
    """How far an upload's import has got; what it did once it has finished."""
    progress = school_import_runs.progress_of_run(run_id)
    form = SchoolImportForm(formdata=None, la_code=progress.run.la_code)
    if progress.state == school_import_runs.REFUSED:
        # The GOV.UK error pattern, on the form to upload a corrected file.
        form.gias_file.errors = [f"{progress.run.refusal} No schools were changed."]
    return render_template(
        "admin/import_schools.html", form=form, progress=progress, states=school_import_runs
    )
