"""Forms of the ELP admin pages about users."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from elp.accounts.models import DISTRICT_NAMES


def _strip(value):
    return value.strip() if value else value


class DeactivateUserForm(FlaskForm):
    reason = StringField(
        "Why is the account being deactivated?",
        widget=GovCharacterCount(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the reason for deactivating the account"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
        description="Kept in the audit log",
    )
    submit = SubmitField("Deactivate account", widget=GovSubmitInput())


class NewAdminForm(FlaskForm):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired("Enter the new admin’s full name")],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[DataRequired("Enter the new admin’s email address")],
        description="They are emailed a link to choose their password",
    )
    submit = SubmitField("Create ELP admin", widget=GovSubmitInput())


class BulkIssueForm(FlaskForm):
    district = SelectField(
        "District",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose a district")]
        + [SelectChoice(name) for name in DISTRICT_NAMES],
        validators=[DataRequired("Choose the district to issue codes for")],
    )
    submit = SubmitField("Issue codes and download the CSV file", widget=GovSubmitInput())
    letters = SubmitField("Issue codes and download the letters as a PDF", widget=GovSubmitInput())
