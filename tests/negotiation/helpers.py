"""Terms that pass every check, and the form fields a school types for them."""

from dataclasses import replace
from datetime import timedelta

from elp.negotiation.terms import ProposalTerms
from elp.timeutil import uk_today


def good_terms(**changes):
    today = uk_today()
    terms = ProposalTerms(
        quantity=3,
        price_pence=35000,
        earliest_start=today + timedelta(days=14),
        latest_end=today + timedelta(days=60),
        session_dates=[],
        delivery_mode="at_your_school",
        note="",
    )
    return replace(terms, **changes)


def date_parts(days_from_today):
    day = uk_today() + timedelta(days=days_from_today)
    return [str(day.day), str(day.month), str(day.year)]


def terms_form(**changes):
    """What a school types into the proposal fields, with any changes."""
    fields = {
        "quantity": "3",
        "price": "350",
        "total": "",
        "earliest_start": date_parts(14),
        "latest_end": date_parts(60),
        "session_dates": "",
        "delivery_mode": "at_your_school",
        "note": "Mornings suit us best.",
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}
