"""Forms for writing offers, moderating them, categories and the Offers CSV upload."""

import re
from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from elp.accounts.services import DISTRICT_NAMES
from elp.bounds import MAX_ID, whole_number
from elp.money import MoneyError
from elp.offers import services
from elp.offers.models import DELIVERY_MODES, DESIGNATIONS, DRAFT, PER_UNIT, PHASES

ALL_OF_ESSEX = "all"
NO_DESIGNATION = "none"  # the radio for an expert without one; stored as no designation


class DayMonthYearField(Field):
    """A date typed as day, month and year in three boxes (the GOV.UK date input)."""

    widget = GovDateInput()

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        parts = [(value or "").strip() for value in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except (ValueError, OverflowError):
            raise ValueError(f"{self.label.text} must be a real date, like 14 9 2025") from None


class OfferForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput())
    summary = StringField("One-line summary", widget=GovTextInput())
    description = TextAreaField("Description", widget=GovCharacterCount())
    category = SelectField("Category", widget=GovSelect(), validate_choice=False)
    specialisms = StringField("Specialisms (optional)", widget=GovTextInput())
    phases = SelectMultipleField(
        "Phases served", widget=GovCheckboxesInput(), validate_choice=False,
        choices=[SelectChoice(phase) for phase in PHASES],
    )  # fmt: skip
    districts = SelectMultipleField(
        "Districts served", widget=GovCheckboxesInput(), validate_choice=False,
        choices=[SelectChoice(ALL_OF_ESSEX, "All of Essex")]
        + [SelectChoice(name) for name in DISTRICT_NAMES],
    )  # fmt: skip
    delivery_mode = RadioField(
        "Where is the support given?", widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice(token, label) for token, label in DELIVERY_MODES.items()],
    )  # fmt: skip
    expert_name = StringField("Expert’s name", widget=GovTextInput())
    expert_role = StringField("Expert’s role (optional)", widget=GovTextInput())
    designation = RadioField(
        "Expert’s designation (optional)", widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice(name) for name in DESIGNATIONS]
        + [SelectChoice(NO_DESIGNATION, "None")],
    )  # fmt: skip
    dbs_confirmed = RadioField(
        "Has your school confirmed the expert’s enhanced DBS check?",
        widget=GovRadioInput(), validate_choice=False, choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
    )  # fmt: skip
    dbs_confirmed_on = DayMonthYearField("Date your school confirmed the DBS check")
    unit = RadioField(
        "What is the price for?", widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice(token, each.capitalize()) for token, each in PER_UNIT.items()],
    )  # fmt: skip
    price = StringField("Price per unit", widget=GovTextInput())
    price_on_request = BooleanField("Price on request", widget=GovCheckboxInput())
    capacity = StringField("Capacity this academic year (optional)", widget=GovTextInput())
    # The version of the offer the form was filled from, so saving over someone else's
    # change made meanwhile is refused (offers.services.update_offer).
    version = HiddenField()

    def __init__(self, *args, school=None, offer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.offer = offer
        # A new offer or a draft is saved unfinished if need be; the rest is checked when it
        # is published. An offer schools can see must stay complete.
        self.complete = offer is not None and offer.status != DRAFT
        self.details = None
        self.category.choices = [SelectChoice("", "Choose a category")] + [
            SelectChoice(str(category.id), category.name) for category in services.categories()
        ]

    @classmethod
    def for_offer(cls, offer, **kwargs):
        """The form filled in with what the offer says now (for editing)."""
        details = services.details_of(offer)
        form = cls(school=offer.school, offer=offer, **kwargs)
        if not form.is_submitted():
            form.fill(details)
            form.version.data = str(offer.version)
        return form

    @property
    def started_from(self):
        """The version of the offer the form was filled from (None from a form without it)."""
        return whole_number(self.version.data, MAX_ID)

    def start_again_from(self, offer):
        """Keep what was typed, but as a change of the offer as it is now: saving again after
        a refusal for someone else's change then means to lay these details over it."""
        self.version.data = str(offer.version)

    def fill(self, details):
        self.title.data = details.title
        self.summary.data = details.summary
        self.description.data = details.description
        self.category.data = str(details.category_id)
        self.specialisms.data = ", ".join(details.specialisms)
        self.phases.data = details.phases
        self.districts.data = [ALL_OF_ESSEX] if details.serves_all_districts else details.districts
        self.delivery_mode.data = details.delivery_mode
        self.expert_name.data = details.expert_name
        self.expert_role.data = details.expert_role
        self.designation.data = details.designation or NO_DESIGNATION
        self.dbs_confirmed.data = {True: "yes", False: "no"}.get(details.dbs_confirmed)
        on = details.dbs_confirmed_on
        self.dbs_confirmed_on.raw_data = [str(on.day), str(on.month), str(on.year)] if on else None
        self.unit.data = details.unit
        self.price_on_request.data = bool(details.price_on_request)
        self.price.data = _pounds_as_typed(details.price_pence)
        self.capacity.data = "" if details.capacity is None else str(details.capacity)

    def validate(self, extra_validators=None):
        """Read everything typed into OfferDetails, then check it against the offer rules."""
        super().validate(extra_validators)
        problems = {}
        details = services.OfferDetails(
            title=self.title.data or "",
            summary=self.summary.data or "",
            description=self.description.data or "",
            category_id=_whole_number(self.category.data),
            specialisms=services.split_specialisms(self.specialisms.data),
            phases=list(self.phases.data or []),
            serves_all_districts=ALL_OF_ESSEX in (self.districts.data or []),
            districts=[name for name in self.districts.data or [] if name != ALL_OF_ESSEX],
            delivery_mode=self.delivery_mode.data or "",
            expert_name=self.expert_name.data or "",
            expert_role=self.expert_role.data or "",
            designation=_designation(self.designation.data),
            dbs_confirmed={"yes": True, "no": False}.get(self.dbs_confirmed.data),
            dbs_confirmed_on=self.dbs_confirmed_on.data,
            unit=self.unit.data or "",
            price_pence=self._price(problems),
            price_on_request=bool(self.price_on_request.data),
            capacity=self._capacity(problems),
        )
        # Answering yes asks for the date at once, even on a draft: the import cannot give
        # it, so publishing does not look for it.
        if details.dbs_confirmed and details.dbs_confirmed_on is None:
            problems["dbs_confirmed_on"] = "Enter the date your school confirmed the DBS check"
        self.details = details.tidied()
        found = services.check_offer_details(
            self.details, self.school, self.offer, complete=self.complete
        )
        for name, message in {**found, **problems}.items():
            field = getattr(self, name)
            if not field.errors:
                field.errors.append(message)
        self._errors = None  # WTForms caches form.errors; the list just grew
        return not any(field.errors for field in self)

    def add_errors(self, problems):
        """Show the messages a service gave ({field name: message}) next to their fields, as
        a check here would."""
        for name, message in problems.items():
            field = getattr(self, name)
            if message not in field.errors:
                field.errors = [*field.errors, message]
        self._errors = None  # WTForms caches form.errors; the list just grew

    def _price(self, problems):
        typed = (self.price.data or "").strip()
        if self.price_on_request.data:
            if typed:
                problems["price"] = "Enter a price or choose price on request, not both"
            return None
        if typed.startswith("-"):
            problems["price"] = "The price must be more than £0, or choose price on request"
            return None
        try:
            return services.parse_price(typed)
        except MoneyError:
            problems["price"] = "Enter the price in pounds, like 350 or 350.00"
            return None

    def _capacity(self, problems):
        try:
            return services.parse_capacity(self.capacity.data)
        except ValueError:
            problems["capacity"] = "Enter the capacity as a whole number of units, like 10"
            return None


def _designation(chosen):
    return "" if chosen == NO_DESIGNATION else chosen or ""


def _whole_number(text):
    text = (text or "").strip()
    return int(text) if re.fullmatch(r"\d{1,9}", text, re.ASCII) else None


def _pounds_as_typed(pence):
    if pence is None:
        return ""
    pounds, pennies = divmod(pence, 100)
    return f"{pounds}" if pennies == 0 else f"{pounds}.{pennies:02d}"


class HideOfferForm(FlaskForm):
    reason = TextAreaField(
        "Why are you hiding this offer?",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the reason for hiding the offer"),
            Length(
                max=services.HIDDEN_REASON_MAX, message="The reason must be 500 characters or fewer"
            ),
        ],
    )


class CategoryForm(FlaskForm):
    name = StringField(
        "Category name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the category name"),
            Length(
                max=services.CATEGORY_NAME_MAX,
                message="The category name must be 80 characters or fewer",
            ),
        ],
    )

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category

    def validate_name(self, field):
        name = services.clean_category_name(field.data)
        if not name:
            raise ValidationError("Enter the category name")
        if services.category_name_taken(name, self.category):
            raise ValidationError(f"There is already a category called ‘{name}’")


class OfferImportForm(FlaskForm):
    file = FileField("Offers CSV file", widget=GovFileInput())
    skip_invalid = BooleanField(
        "Load the good rows even if some rows are wrong", widget=GovCheckboxInput()
    )

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Choose a CSV file to upload")
