"""Forms for the ELP admin screens."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from elp.accounts.services import DISTRICT_NAMES
from elp.text import one_line

# GIAS "PhaseOfEducation (name)" values, so hand-added schools match imported ones.
SCHOOL_PHASES = (
    "Nursery",
    "Primary",
    "Middle deemed primary",
    "Secondary",
    "Middle deemed secondary",
    "16 plus",
    "All-through",
    "Not applicable",
)

POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def _upper_without_extra_spaces(value):
    return " ".join(value.upper().split()) if value else value


def _strip(value):
    return value.strip() if value else value


def _whole_metres(name, highest):
    def check(form, field):
        if not re.fullmatch(r"[0-9]{1,7}", field.data) or int(field.data) > highest:
            raise ValidationError(f"{name} must be a whole number of metres from 0 to {highest:,}")

    return StringField(
        f"{name} (optional)",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Optional(), check],
        description=f"British National Grid metres, 0 to {highest:,}",
    )


class SchoolForm(FlaskForm):
    urn = StringField(
        "URN",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the school's URN"),
            Regexp(r"^[0-9]{6}$", message="URN must be 6 digits, like 115123"),
        ],
        description="The school's unique reference number in Get Information About Schools",
    )
    name = StringField(
        "School name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the school's name"),
            Length(max=200, message="School name must be 200 characters or fewer"),
            one_line("School name"),
        ],
    )
    district = SelectField(
        "District",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose a district")]
        + [SelectChoice(name) for name in DISTRICT_NAMES],
        validators=[DataRequired("Choose the school's district")],
    )
    phase = SelectField(
        "Phase of education",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose a phase")]
        + [SelectChoice(phase) for phase in SCHOOL_PHASES],
        validators=[DataRequired("Choose the school's phase of education")],
    )
    establishment_type = StringField(
        "Type of establishment",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the type of establishment"),
            Length(max=120, message="Type of establishment must be 120 characters or fewer"),
        ],
        description="As Get Information About Schools names it, like Academy converter",
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        filters=[_upper_without_extra_spaces],
        validators=[DataRequired("Enter the school's postcode")],
    )
    easting = _whole_metres("Easting", 700_000)
    northing = _whole_metres("Northing", 1_300_000)
    submit = SubmitField("Add school", widget=GovSubmitInput())

    def validate_postcode(self, field):
        match = POSTCODE.match(field.data or "")
        if not match:
            raise ValidationError("Enter a real postcode, like CM1 1QH")
        field.data = f"{match.group(1)} {match.group(2)}"


class SuspendSchoolForm(FlaskForm):
    reason = StringField(
        "Why is the school being suspended?",
        widget=GovCharacterCount(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the reason for suspending the school"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
        description="The school's users see this when they try to sign in",
    )
    submit = SubmitField("Suspend school", widget=GovSubmitInput())


class ReactivateSchoolForm(FlaskForm):
    reason = StringField(
        "Why is the school being reactivated?",
        widget=GovCharacterCount(),
        filters=[_strip],
        validators=[
            DataRequired("Enter the reason for reactivating the school"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
        description="Kept in the audit log",
    )
    submit = SubmitField("Reactivate school", widget=GovSubmitInput())
