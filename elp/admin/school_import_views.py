"""The admin page that imports schools from a GIAS CSV upload (routes on the admin blueprint)."""

from flask import render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Regexp

from elp.accounts import school_import
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
    result = None
    if form.validate_on_submit():
        upload = form.gias_file.data
        try:
            with unit_of_work():
                result = school_import.import_schools(
                    upload.stream, la_code=form.la_code.data, actor=current_user,
                    file_name=upload.filename,
                )
        except school_import.SchoolFileRefused as refused:
            form.gias_file.errors.append(f"{refused.message} No schools were changed.")
    return render_template("admin/import_schools.html", form=form, result=result)
