"""Forms for a request: the need and first proposal, a counter-proposal, a decline, a message.

The forms read what was typed into `ProposalTerms`, reporting what they cannot read at all;
`negotiation.terms.check_terms` decides whether the values are acceptable.
"""

import re
from dataclasses import replace
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from elp.money import MoneyError, parse_pounds
from elp.negotiation import services
from elp.negotiation.terms import (
    UNIT_PLURALS,
    ProposalTerms,
    check_terms,
    quantity_label,
    terms_of,
)
from elp.offers.forms import DayMonthYearField
from elp.offers.services import DELIVERY_MODES
from elp.timeutil import uk_today

_WHOLE_NUMBER = re.compile(r"-?\d{1,9}", re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.ASCII)


# Made before the proposal's fields, because WTForms orders a form's fields by when they were
# made: the need comes first on the page, so it comes first in the error summary too.
_NEED = TextAreaField("What support do you need?", widget=GovCharacterCount())


class ServiceCheckedForm(FlaskForm):
    """A form whose input the services check again, refusing with `InvalidInput`: the view
    shows the refusal next to the field it names (or `main_field`), as the form's own."""

    main_field = None

    def add_error(self, name, message):
        """Show a message next to a field (the first one a field gets is the one shown)."""
        field = getattr(self, name or self.main_field)
        if not field.errors:
            field.errors = list(field.errors) + [message]
        self._errors = None  # WTForms caches form.errors; the list just grew


class TermsForm(ServiceCheckedForm):
    """The fields of a proposal; the quantity's label names the offer's unit."""

    main_field = "quantity"

    quantity = StringField("How many days", widget=GovTextInput())
    price = StringField("Price per unit", widget=GovTextInput())
    total = StringField("Total (optional)", widget=GovTextInput())
    earliest_start = DayMonthYearField("Earliest start date")
    latest_end = DayMonthYearField("Latest end date")
    session_dates = TextAreaField("Session dates (optional)", widget=GovTextArea())
    delivery_mode = RadioField(
        "Where is the support given?", widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice(token, label) for token, label in DELIVERY_MODES.items()],
    )  # fmt: skip
    note = TextAreaField("Note (optional)", widget=GovCharacterCount())

    def __init__(self, *args, offer, price_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.price_required = price_required
        self.terms = None
        self.quantity.label.text = quantity_label(offer.unit)
        self.units = UNIT_PLURALS[offer.unit]

    def fill(self, terms):
        """Show these terms in the fields (a form not yet sent)."""
        self.quantity.data = "" if terms.quantity is None else str(terms.quantity)
        self.price.data = _pounds_as_typed(terms.price_pence)
        for name in ("earliest_start", "latest_end"):
            day = getattr(terms, name)
            getattr(self, name).raw_data = (
                [str(day.day), str(day.month), str(day.year)] if day else None
            )
        self.session_dates.data = "\n".join(
            f"{d.day}/{d.month}/{d.year}" for d in terms.session_dates
        )
        self.delivery_mode.data = terms.delivery_mode
        self.note.data = terms.note

    def validate(self, extra_validators=None):
        """Read the typed terms, then check them against the negotiation's rules."""
        super().validate(extra_validators)
        problems = {}
        self.terms = ProposalTerms(
            quantity=self._quantity(problems),
            price_pence=self._pounds("price", problems),
            total_pence=self._pounds("total", problems),
            earliest_start=self.earliest_start.data,
            latest_end=self.latest_end.data,
            session_dates=self._session_dates(problems),
            delivery_mode=self.delivery_mode.data or "",
            note=self.note.data or "",
        )
        found = check_terms(self.terms, self.offer, uk_today(), self.price_required)
        for name, message in {**found, **problems}.items():
            self.add_error(name, message)
        return not self.errors

    def _quantity(self, problems):
        typed = (self.quantity.data or "").strip()
        if not typed:
            return None  # check_terms asks for it
        if not _WHOLE_NUMBER.fullmatch(typed):
            problems["quantity"] = f"Enter the number of {self.units} as a whole number, like 3"
            return None
        return int(typed)

    def _pounds(self, name, problems):
        typed = (getattr(self, name).data or "").strip()
        if not typed:
            return None
        if typed.startswith("-"):
            problems[name] = "Enter an amount more than £0"
            return None
        try:
            return parse_pounds(typed)
        except MoneyError as error:
            problems[name] = str(error)
            return None

    def _session_dates(self, problems):
        days = []
        lines = [line.strip() for line in re.split(r"[\n,;]", self.session_dates.data or "")]
        for number, line in enumerate(filter(None, lines), start=1):
            match = _DAY_MONTH_YEAR.fullmatch(line)
            try:
                days.append(date(*(int(part) for part in reversed(match.groups()))))
            except (AttributeError, ValueError):
                problems["session_dates"] = (
                    f"Enter each session date as day/month/year, like 14/1/2027 "
                    f"(date {number}, ‘{line[:20]}’, is not a date)"
                )
                return []
        return days


class NewRequestForm(TermsForm):
    need = _NEED

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        need = (self.need.data or "").strip()
        if not need:
            self.add_error("need", "Enter what support you need")
        elif len(need) > services.NEED_MAX:
            self.add_error(
                "need", f"What you need must be {services.NEED_MAX:,} characters or fewer"
            )
        return valid and not self.errors

    @classmethod
    def for_offer(cls, offer):
        form = cls(offer=offer, price_required=services.price_required_first(offer))
        if not form.is_submitted():
            form.fill(
                ProposalTerms(price_pence=offer.price_pence, delivery_mode=offer.delivery_mode)
            )
        return form


class CounterForm(TermsForm):
    # The proposal this answers: a form sent after a newer proposal arrived (or sent twice)
    # is refused rather than acted on.
    answering = HiddenField()

    @classmethod
    def for_request(cls, support_request):
        latest = support_request.latest_proposal
        form = cls(offer=support_request.offer)
        if not form.is_submitted():
            # The terms start as the latest proposal's; the note starts empty, the latest
            # proposal's note shown above it, so nobody sends the other school's words back.
            form.fill(replace(terms_of(latest), note=""))
            form.answering.data = str(latest.id)
        return form

    @property
    def answering_id(self):
        return _id_or_none(self.answering.data)


def _id_or_none(typed):
    """An id a form sent back, or None for anything that is not one."""
    typed = (typed or "").strip()
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) < 10 else None


class AcceptForm(ServiceCheckedForm):
    """ "Accept and book", on "Check the booking before you accept": the proposal the school
    checked. What the school adds when it books (a purchase order number, say) is a field
    here, passed on to `services.accept`."""

    main_field = "proposal_id"
    # The proposal checked: one superseded while the page was open is refused, not booked.
    proposal_id = HiddenField()
    # Asked only of a school that needs one and pays a share (issue 22 part 1).
    purchase_order_number = StringField(
        "Purchase order number",
        widget=GovTextInput(),
        description="Printed on your school’s invoice, so your finance system can match it",
    )

    @classmethod
    def for_proposal(cls, proposal_id):
        form = cls()
        if not form.is_submitted() and proposal_id is not None:
            form.proposal_id.data = str(proposal_id)
        return form

    @property
    def checked_proposal_id(self):
        return _id_or_none(self.proposal_id.data)


class DeclineForm(ServiceCheckedForm):
    main_field = "reason"
    reason = TextAreaField(
        "Why are you declining?",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter why you are declining"),
            Length(
                max=services.DECLINE_REASON_MAX,
                message=f"The reason must be {services.DECLINE_REASON_MAX:,} characters or fewer",
            ),
        ],
    )


class MessageForm(ServiceCheckedForm):
    main_field = "body"
    body = TextAreaField(
        "Message",
        widget=GovCharacterCount(),
        validators=[
            DataRequired("Enter your message"),
            Length(
                max=services.MESSAGE_MAX,
                message=f"Your message must be {services.MESSAGE_MAX:,} characters or fewer",
            ),
        ],
    )


def _pounds_as_typed(pence):
    if pence is None:
        return ""
    pounds, pennies = divmod(pence, 100)
    return f"{pounds}" if pennies == 0 else f"{pounds}.{pennies:02d}"
