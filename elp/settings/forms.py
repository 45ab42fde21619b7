"""Forms of the settings pages."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Regexp


def _strip(value):
    return value.strip() if value else value


def _days_field(label, description, name):
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        description=description,
        validators=[
            DataRequired(f"Enter the {name} in days"),
            Regexp(r"^[0-9]{1,3}$", message=f"Enter the {name} as a whole number of days, like 14"),
        ],
    )


class DaysForm(FlaskForm):
    proposal_expiry_days = _days_field(
        "Days a proposal waits for an answer",
        "After this many days without an answer the request expires.",
        "time a proposal waits",
    )
    auto_complete_days = _days_field(
        "Days after delivery a booking completes by itself",
        "If the seeking school has not confirmed the work by then.",
        "time before a delivered booking completes",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def days(self, field):
        return int(getattr(self, field).data)


class SynonymsForm(FlaskForm):
    table = TextAreaField(
        "Synonym table",
        widget=GovTextArea(),
        description=(
            "One group of words that mean the same to a school a line, separated by commas, "
            "like: ASD, autism, autistic. A search for any entry finds offers that use any "
            "other. Lines starting with # are notes."
        ),
        validators=[DataRequired("Enter the synonym table")],
    )
    submit = SubmitField("Save and rebuild the search index", widget=GovSubmitInput())
