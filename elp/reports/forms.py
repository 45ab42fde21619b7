"""The filters of the audit log and the reports, read from the query string (GET forms: the
filtered page can be bookmarked, and its CSV file has the same address with .csv)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length

from elp.accounts.models import DISTRICT_NAMES
from elp.bounds import MAX_SEARCH_LENGTH
from elp.offers.forms import DayMonthYearField
from elp.reports.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_MONTHS,
    Period,
    last_twelve_months,
    month_count,
    today_in_uk,
)

END_BEFORE_START = "The end date must be the same as or after the start date"


def _strip(value):
    return value.strip() if value else value


class _FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    def first_error(self):
        for errors in self.errors.values():
            return errors[0]
        return None

    def _check_period(self):
        """Refuse a year out of range, or an end before the start; True if all is well."""
        fine = True
        for field in (self.start_date, self.end_date):
            if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
                field.errors.append(
                    f"{field.label.text} must be in the years {FIRST_YEAR} to {LAST_YEAR}"
                )
                fine = False
        start, end = self.start_date.data, self.end_date.data
        if fine and start and end and end < start:
            self.end_date.errors.append(END_BEFORE_START)
            fine = False
        return fine


def _choice_made(field, message):
    """Whether a select's value is one of its choices (a changed URL may send any value)."""
    if field.data in {choice.value for choice in field.choices}:
        return True
    field.data = ""
    field.errors.append(message)
    return False


def _start_date():
    return DayMonthYearField("Start date")


def _end_date():
    return DayMonthYearField("End date")


class ReportFilterForm(_FilterForm):
    start_date = _start_date()
    end_date = _end_date()
    district = SelectField(
        "District",
        widget=GovSelect(),
        validate_choice=False,  # checked in validate, with a message that says what to do
        choices=[SelectChoice("", "All districts")]
        + [SelectChoice(name) for name in DISTRICT_NAMES],
        default="",
    )

    def validate(self, extra_validators=None):
        fine = super().validate(extra_validators)
        fine = self._check_period() and fine
        fine = _choice_made(self.district, "Choose a district from the list") and fine
        if fine and month_count(*self._days()) > MAX_MONTHS:
            self.end_date.errors.append(f"The period must be {MAX_MONTHS // 12} years or shorter")
            fine = False
        return fine

    def _days(self):
        """The period's first and last days: the last twelve months unless the form says."""
        start, end = self.start_date.data, self.end_date.data
        today = today_in_uk()
        if end is None:
            end = max(today, start) if start else today
        if start is None:
            start = last_twelve_months(end).first_day
        return start, end

    def period(self):
        return Period(*self._days())


class AuditLogFilterForm(_FilterForm):
    start_date = _start_date()
    end_date = _end_date()
    kind = SelectField("Kind of event", widget=GovSelect(), validate_choice=False, default="")
    actor = StringField(
        "Who did it (name or email address)",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Length(max=MAX_SEARCH_LENGTH, message=f"Enter {MAX_SEARCH_LENGTH} characters or fewer")
        ],
    )
    school = StringField(
        "School (name or URN)",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Length(max=MAX_SEARCH_LENGTH, message=f"Enter {MAX_SEARCH_LENGTH} characters or fewer")
        ],
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice("", "All kinds")] + [SelectChoice(kind) for kind in kinds]

    def validate(self, extra_validators=None):
        fine = super().validate(extra_validators)
        fine = self._check_period() and fine
        return _choice_made(self.kind, "Choose a kind of event from the list") and fine

    def period(self):
        return Period(self.start_date.data, self.end_date.data)
