"""Forms on the booking pages: delivery, session dates, the reason for a cancellation or a
problem, an admin's settling of a problem, and feedback.

Each form that changes a booking carries the version it was filled from, so a form left
open while someone else changed the booking is refused (`services.check_version`)."""

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovTextArea
from wtforms import HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from elp.bookings.disputes import REASON_MAX
from elp.bookings.feedback import COMMENT_MAX, RATINGS
from elp.bookings.services import CANCELLATION_REASON_MAX
from elp.bookings.session_dates import SESSION_DATES_MAX
from elp.bounds import whole_number
from elp.offers.forms import DayMonthYearField

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.ASCII)
# Far more versions than any booking goes through: bounds what a posted version may be.
VERSION_MAX = 1_000_000


class VersionedForm(FlaskForm):
    version = HiddenField()

    def filled_from(self, booking):
        """Fill the version in from the booking as it is now (a fresh form, or after a
        refusal for someone else's change)."""
        self.version.data = str(booking.version)
        return self

    @property
    def started_from(self):
        """The booking's version when the form was filled, or None from a form without it."""
        return whole_number(self.version.data, VERSION_MAX)


def _reason_field(label, missing):
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        validators=[
            InputRequired(missing),
            Length(
                max=REASON_MAX, message=f"The reason must be {REASON_MAX:,} characters or fewer"
            ),
        ],
    )


class DeliverForm(VersionedForm):
    last_session_on = DayMonthYearField("When was the last session?")

    def validate_last_session_on(self, field):
        if field.data is None and not field.errors:
            raise ValidationError("Enter the date of the last session")


class ReportProblemForm(VersionedForm):
    reason = _reason_field("What is the problem?", "Enter what the problem is")


class ResolveForm(VersionedForm):
    reason = _reason_field("Why are you settling it this way?", "Enter the reason for the decision")


class SessionDatesForm(VersionedForm):
    session_dates = TextAreaField("Session dates", widget=GovTextArea())

    def validate_session_dates(self, field):
        self.days = []
        lines = [line.strip() for line in re.split(r"[\n,;]", field.data or "")]
        lines = list(filter(None, lines))
        if not lines:
            raise ValidationError("Enter at least one session date")
        if len(lines) > SESSION_DATES_MAX:
            raise ValidationError(f"Enter {SESSION_DATES_MAX} session dates or fewer")
        for number, line in enumerate(lines, start=1):
            match = _DAY_MONTH_YEAR.fullmatch(line)
            try:
                self.days.append(date(*(int(part) for part in reversed(match.groups()))))
            except (AttributeError, ValueError):
                self.days = []
                raise ValidationError(
                    f"Enter each session date as day/month/year, like 14/1/2027 "
                    f"(date {number}, ‘{line[:20]}’, is not a date)"
                ) from None

    def fill(self, booking):
        self.session_dates.data = "\n".join(
            f"{day.day}/{day.month}/{day.year}" for day in booking.session_days
        )
        return self.filled_from(booking)


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
