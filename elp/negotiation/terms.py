"""The terms of a proposal, and the one place they are checked.

A form reads what a school typed into `ProposalTerms` (reporting what it could not read at
all, such as "three" for a quantity); `check_terms` then applies the negotiation's rules to
the values, for the form to show next to each field and for the services to refuse.
"""

from dataclasses import dataclass, field
from datetime import date

from elp.money import format_pence
from elp.offers.services import DELIVERY_MODES, UNITS

NOTE_MAX = 2_000
MAX_SESSION_DATES = 50
# No school books more than this many units of anything in one go; it keeps a typo such as
# 50000 days from reaching the money arithmetic.
MAX_QUANTITY = 10_000

# The unit as a school counts it, for labels and messages: "How many half days".
UNIT_PLURALS = {"hour": "hours", "half_day": "half days", "day": "days", "session": "sessions"}


def quantity_label(unit):
    return f"How many {UNIT_PLURALS[unit]}"


@dataclass
class ProposalTerms:
    """What one side proposes. Quantities are in the offer's unit; money is in pence.

    `total_pence` is the total a form posted, if any: the service works the total out
    itself and only checks a posted one against it.
    """

    quantity: int | None = None
    price_pence: int | None = None
    total_pence: int | None = None
    earliest_start: date | None = None
    latest_end: date | None = None
    session_dates: list[date] = field(default_factory=list)
    delivery_mode: str = ""
    note: str = ""

    def total(self):
        """Quantity × price per unit, or None while either is missing."""
        if self.quantity is None or self.price_pence is None:
            return None
        return self.quantity * self.price_pence


# The fields a proposal shows, in the order the timeline lists them.
PROPOSAL_FIELDS = (
    "quantity",
    "price_pence",
    "total_pence",
    "earliest_start",
    "latest_end",
    "session_dates",
    "delivery_mode",
    "note",
)


def check_terms(terms, offer, today, price_required=True):
    """Return {field name: message} for everything wrong with the terms ({} if none).

    `price_required` is False only for the seeking school's first proposal on a "price on
    request" offer: the offering school names the price in its counter-proposal.
    """
    problems = {}
    _check_quantity(terms, offer, problems)
    _check_price(terms, price_required, problems)
    _check_dates(terms, today, problems)
    if terms.delivery_mode not in DELIVERY_MODES:
        problems["delivery_mode"] = "Choose where the support is given"
    if len(terms.note or "") > NOTE_MAX:
        problems["note"] = f"The note must be {NOTE_MAX:,} characters or fewer"
    return problems


def _check_quantity(terms, offer, problems):
    units = UNIT_PLURALS[offer.unit]
    if terms.quantity is None:
        problems["quantity"] = f"Enter the number of {units}, as a whole number like 3"
    elif terms.quantity < 1:
        problems["quantity"] = f"The number of {units} must be 1 or more"
    elif terms.quantity > MAX_QUANTITY:
        problems["quantity"] = f"The number of {units} must be {MAX_QUANTITY:,} or fewer"
    elif offer.capacity_left is not None and terms.quantity > offer.capacity_left:
        left = offer.capacity_left
        problems["quantity"] = (
            f"The offer has {left} {UNITS[offer.unit] if left == 1 else units} left this year: "
            f"ask for {left} or fewer"
            if left > 0
            else "The offer has no capacity left this year"
        )


def _check_price(terms, price_required, problems):
    if terms.price_pence is None:
        if price_required:
            problems["price"] = "Enter the price per unit in pounds, like 350"
        if terms.total_pence is not None and "price" not in problems:
            problems["total"] = "Leave the total empty until there is a price per unit"
        return
    if terms.price_pence <= 0:
        problems["price"] = "The price per unit must be more than £0"
        return
    expected = terms.total()
    if terms.total_pence is not None and expected is not None and terms.total_pence != expected:
        problems["total"] = (
            "The total must be the number of units times the price per unit, "
            f"which is {format_pence(expected)}"
        )


def _check_dates(terms, today, problems):
    start, end = terms.earliest_start, terms.latest_end
    if start is None:
        problems.setdefault("earliest_start", "Enter the earliest start date")
    elif start < today:
        problems["earliest_start"] = "The earliest start date must be today or in the future"
    if end is None:
        problems.setdefault("latest_end", "Enter the latest end date")
    elif end < today:
        problems["latest_end"] = "The latest end date must be today or in the future"
    elif start is not None and end < start:
        problems["latest_end"] = "The latest end date must be the same as or after the start date"
    if "earliest_start" in problems or "latest_end" in problems:
        return
    sessions = terms.session_dates
    if len(sessions) > MAX_SESSION_DATES:
        problems["session_dates"] = f"Enter {MAX_SESSION_DATES} session dates or fewer"
    elif len(set(sessions)) != len(sessions):
        problems["session_dates"] = "Enter each session date once"
    elif any(not start <= day <= end for day in sessions):
        problems["session_dates"] = "Each session date must be between the start and end dates"


def terms_of(proposal):
    """The terms a proposal states, for filling in a counter-proposal."""
    return ProposalTerms(
        quantity=proposal.quantity,
        price_pence=proposal.price_pence,
        earliest_start=proposal.earliest_start,
        latest_end=proposal.latest_end,
        session_dates=[date.fromisoformat(day) for day in proposal.session_dates],
        delivery_mode=proposal.delivery_mode,
        note=proposal.note or "",
    )


def changes_between(previous, proposal):
    """The names of the fields `proposal` changed from `previous` (none for the first)."""
    if previous is None:
        return set()
    return {name for name in PROPOSAL_FIELDS if getattr(previous, name) != getattr(proposal, name)}
