"""Forms for the admin's money actions and the fee policy. They read what was typed; the
billing services decide whether it is acceptable (and log what they refuse)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from elp.billing.models import PAYER_NAMES, FeeTerms
from elp.billing.school_finance import YEAR_STARTS
from elp.bounds import whole_number
from elp.money import (
    MoneyError,
    format_basis_points,
    format_plain_pounds,
    parse_percentage,
    parse_pounds,
)
from elp.offers.forms import DayMonthYearField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RecordPaymentForm(FlaskForm):
    amount = StringField(
        "Amount received",
        widget=GovTextInput(),
        filters=[_strip],
        description="All that is still due, or the part of it that was paid",
    )
    paid_on = DayMonthYearField("Date received")
    reference = StringField(
        "Payment reference",
        widget=GovTextInput(),
        filters=[_strip],
        description="As it appears on the bank statement, for example the school’s BACS reference",
    )
    submit = SubmitField("Record offline payment", widget=GovSubmitInput())

    def validate_amount(self, field):
        self.amount_pence = _positive_amount(field, "Enter the amount received")

    def validate_paid_on(self, field):
        if field.data is None and not any(field.raw_data or []):
            raise ValidationError("Enter the date the payment was received")


class FinanceSettingsForm(FlaskForm):
    """A lead's finance settings for the school (issue 22 parts 1, 2 and 7)."""

    finance_contact_name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[_strip],
        description="For example, your school business manager",
    )
    finance_contact_email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[_strip],
        description="Invoices, credit notes and statements go here as well as to your "
        "school’s leads",
    )
    purchase_orders = RadioField(
        "Do your school’s bookings need a purchase order number?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[
            SelectChoice("yes", "Yes, ask for one before the invoice is paid"),
            SelectChoice("no", "No"),
        ],
    )
    financial_year_start_month = RadioField(
        "When does your school’s financial year run?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(str(month), words) for month, words in YEAR_STARTS.items()],
    )
    submit = SubmitField("Save finance settings", widget=GovSubmitInput())

    def fill(self, settings):
        self.finance_contact_name.data = settings.finance_contact_name
        self.finance_contact_email.data = settings.finance_contact_email
        self.purchase_orders.data = "yes" if settings.purchase_orders_required else "no"
        self.financial_year_start_month.data = str(settings.financial_year_start_month)

    def validate_purchase_orders(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError("Select whether your bookings need a purchase order number")

    def validate_financial_year_start_month(self, field):
        if field.data not in {str(month) for month in YEAR_STARTS}:
            raise ValidationError("Select when your school’s financial year runs")

    @property
    def year_start(self):
        return int(self.financial_year_start_month.data)


class PurchaseOrderForm(FlaskForm):
    purchase_order_number = StringField(
        "Purchase order number",
        widget=GovTextInput(),
        filters=[_strip],
        description="As your school’s finance system gives it: up to 50 characters",
    )
    submit = SubmitField("Save purchase order number", widget=GovSubmitInput())

    def validate_purchase_order_number(self, field):
        if not field.data:
            raise ValidationError("Enter the purchase order number")


class StatementPeriodForm(FlaskForm):
    """The dates of a statement, read from the query string (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    start = DayMonthYearField("From")
    end = DayMonthYearField("To")
    submit = SubmitField("Show the statement", widget=GovSubmitInput())


class WaiveForm(FlaskForm):
    reason = TextAreaField(
        "Why is the charge waived?",
        widget=GovCharacterCount(),
        filters=[_strip],
        description="The school’s finance team and ELP's auditors read this",
    )
    submit = SubmitField("Waive", widget=GovSubmitInput())


class RefundForm(FlaskForm):
    amount = StringField("Amount to refund", widget=GovTextInput(), filters=[_strip])
    reason = TextAreaField("Why is it refunded?", widget=GovCharacterCount(), filters=[_strip])
    submit = SubmitField("Refund", widget=GovSubmitInput())

    def validate_amount(self, field):
        self.amount_pence = _positive_amount(field, "Enter the amount to refund")


class FeePolicyForm(FlaskForm):
    """A new version of the fee policy. Made before the fields are read, so the fields come
    in the order of the page (and of the error summary)."""

    percentage = StringField(
        "Percentage of the booking’s value",
        widget=GovTextInput(),
        filters=[_strip],
        description="For example, 5 or 2.5",
    )
    minimum = StringField("Minimum charge", widget=GovTextInput(), filters=[_strip])
    maximum = StringField("Maximum charge", widget=GovTextInput(), filters=[_strip])
    payer = RadioField(
        "Who pays the service charge?", widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice(str(value), label) for value, label in PAYER_NAMES.items()],
    )  # fmt: skip
    vat_rate = StringField(
        "VAT rate", widget=GovTextInput(), filters=[_strip], description="For example, 0 or 20"
    )
    payment_terms_days = StringField(
        "Payment terms, in days", widget=GovTextInput(), filters=[_strip]
    )
    void_on_cancellation = RadioField(
        "If a booking is cancelled before delivery, what happens to its charge?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[
            SelectChoice("yes", "Void the charge with a credit note"),
            SelectChoice("no", "The charge stands"),
        ],
    )
    in_force_from = DayMonthYearField("When is this version in force from?")
    submit = SubmitField("Create this version", widget=GovSubmitInput())

    def fill(self, terms):
        self.percentage.data = _percentage_as_typed(terms.basis_points)
        self.minimum.data = _pounds_as_typed(terms.minimum_pence)
        self.maximum.data = _pounds_as_typed(terms.maximum_pence)
        self.payer.data = str(terms.payer)
        self.vat_rate.data = _percentage_as_typed(terms.vat_basis_points)
        self.payment_terms_days.data = str(terms.payment_terms_days)
        self.void_on_cancellation.data = "yes" if terms.void_on_cancellation else "no"

    def validate_percentage(self, field):
        self.basis_points = _rate(
            field, "the percentage", "Enter the percentage of the booking’s value"
        )

    def validate_vat_rate(self, field):
        self.vat_basis_points = _rate(field, "the VAT rate", "Enter the VAT rate, or 0")

    def validate_minimum(self, field):
        self.minimum_pence = _amount(field, "the minimum charge", "Enter the minimum charge, or 0")

    def validate_maximum(self, field):
        self.maximum_pence = _amount(field, "the maximum charge", "Enter the maximum charge")

    def validate_payer(self, field):
        if field.data not in {str(value) for value in PAYER_NAMES}:
            raise ValidationError("Select who pays the service charge")

    def validate_payment_terms_days(self, field):
        days = whole_number(field.data, 10_000, lowest=0)
        if days is None:
            raise ValidationError("Enter the payment terms as a whole number of days, like 30")
        self.days = days

    def validate_void_on_cancellation(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError("Select what happens when a booking is cancelled")

    def validate_in_force_from(self, field):
        if field.data is None and not any(field.raw_data or []):
            raise ValidationError("Enter the date the version is in force from")

    @property
    def terms(self):
        return FeeTerms(
            basis_points=self.basis_points,
            minimum_pence=self.minimum_pence,
            maximum_pence=self.maximum_pence,
            payer=self.payer.data,
            vat_basis_points=self.vat_basis_points,
            payment_terms_days=self.days,
            void_on_cancellation=self.void_on_cancellation.data == "yes",
        )


def _positive_amount(field, missing):
    """Pence for an amount of money more than £0, in pounds and at most two decimals."""
    if not field.data:
        raise ValidationError(missing)
    if field.data.lstrip("£ ").startswith("-"):
        raise ValidationError("The amount must be more than £0, not negative")
    if len(field.data.partition(".")[2]) > 2:
        raise ValidationError(
            "Enter the amount in pounds and pence, with no more than two decimals"
        )
    try:
        pence = parse_pounds(field.data)
    except MoneyError as error:
        raise ValidationError(str(error)) from None
    if pence == 0:
        raise ValidationError("The amount must be more than £0")
    return pence


def _rate(field, name, missing):
    if not field.data:
        raise ValidationError(missing)
    if field.data.lstrip().startswith("-"):
        raise ValidationError(f"{name.capitalize()} must be 0 or more, not negative")
    try:
        return parse_percentage(field.data)
    except MoneyError as error:
        raise ValidationError(str(error)) from None


def _amount(field, name, missing):
    if not field.data:
        raise ValidationError(missing)
    if field.data.lstrip("£ ").startswith("-"):
        raise ValidationError(f"{name.capitalize()} must be £0 or more, not negative")
    try:
        return parse_pounds(field.data)
    except MoneyError as error:
        raise ValidationError(str(error)) from None


def _percentage_as_typed(basis_points):
    return format_basis_points(basis_points).removesuffix("%")


def _pounds_as_typed(pence):
    return format_plain_pounds(pence).removesuffix(".00")
