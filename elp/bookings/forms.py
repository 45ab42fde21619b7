"""Forms on the booking pages: the reason for a cancellation, and feedback."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from elp.bookings.feedback import COMMENT_MAX, RATINGS
from elp.bookings.services import CANCELLATION_REASON_MAX

RATING_NAMES = {5: "Excellent", 4: "Good", 3: "Adequate", 2: "Poor", 1: "Very poor"}


class CancelForm(FlaskForm):
    reason = TextAreaField(
        "Why are you cancelling the booking?",
        widget=GovCharacterCount(),
        validators=[
            InputRequired("Enter the reason for cancelling the booking"),
            Length(
                max=CANCELLATION_REASON_MAX,
                message=f"The reason must be {CANCELLATION_REASON_MAX:,} characters or fewer",
            ),
        ],
    )


class FeedbackForm(FlaskForm):
    rating = RadioField(
        "How would you rate this booking?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(str(n), f"{n} – {RATING_NAMES[n]}") for n in reversed(RATINGS)],
    )
    comment = TextAreaField(
        "Comment (optional)",
        widget=GovCharacterCount(),
        validators=[
            Length(
                max=COMMENT_MAX, message=f"The comment must be {COMMENT_MAX:,} characters or fewer"
            )
        ],
    )

    def validate_rating(self, field):
        if self.rating_value is None:
            raise ValidationError("Choose a rating from 1 to 5")

    @property
    def rating_value(self):
        """The rating as a whole number from 1 to 5, or None if it is anything else."""
        typed = (self.rating.data or "").strip()
        return int(typed) if typed in {str(n) for n in RATINGS} else None
