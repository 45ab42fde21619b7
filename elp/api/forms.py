"""Forms for the API's admin pages."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class IssueTokenForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter a name for the token"),
            Length(max=100, message="Name must be 100 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "What it is for (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=500, message="Description must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Issue token", widget=GovSubmitInput())
