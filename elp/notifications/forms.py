"""The email preferences form."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import SelectChoice, SelectMultipleField, SubmitField

from elp.notifications.models import NOTIFICATION_KINDS


class EmailChoicesForm(FlaskForm):
    # Not ticking any box is a real answer (no emails at all), so nothing is required.
    kinds = SelectMultipleField(
        "Also email me when…",
        choices=[SelectChoice(kind, label) for kind, label in NOTIFICATION_KINDS.items()],
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save preferences", widget=GovSubmitInput())
