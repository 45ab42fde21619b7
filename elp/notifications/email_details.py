"""What a notification email says beyond its one sentence (`EmailDetails`), and the
pieces the features' emails share: who acted for which school, and terms as lines."""

from dataclasses import dataclass, field
from datetime import date

from elp.money import format_pence
from elp.offers.services import DELIVERY_MODES, UNITS
from elp.timeutil import format_date

# A message, reason or note quoted in an email: longer ones are cut, never refused.
QUOTED_MAX = 1_000
CUT_MARK = "… read the rest on ELP Exchange"


@dataclass(frozen=True)
class EmailDetails:
    """What a notification's email says beyond its one sentence, so a head can act on it
    from a phone: who acted for which school, what it is about, the terms, the words they
    wrote (a message, a reason), and by when to answer. Every field may be left empty."""

    acted_by: str = ""  # "Jo Bloggs, Deputy head, for Harlow Primary"
    about: str = ""  # "Harlow Primary’s request for ‘Phonics catch-up’, offered by Bow School"
    terms_heading: str = ""  # "The terms they propose"
    terms: tuple[tuple[str, str], ...] = ()  # ("Terms", "3 × day at £250 = £750"), …
    quoted_heading: str = ""  # "Their message"
    quoted: str = ""  # cut at QUOTED_MAX characters (`quote`)
    deadline: str = ""  # "Answer by 12 March 2026 at 2:30pm. …"
    next_step: str = ""  # what the link lets them do: "See the request and answer it"
    extra: tuple[str, ...] = field(default=())  # further sentences, each a paragraph


def quote(text, limit=QUOTED_MAX):
    """The first `limit` characters of what a school wrote, cut with a pointer to the rest."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + CUT_MARK


def acted_by(user):
    """"Jo Bloggs, Deputy head, for Harlow Primary"."""
    job = f", {user.job_title}" if user.job_title else ""
    return f"{user.full_name}{job}, for {user.school.name}"


def terms_of(terms, unit, price_named_by=None):
    """The terms as lines: quantity × unit at price = total, the dates or session dates,
    and the delivery mode. Works for a proposal and a booking alike."""
    if terms.price_pence is None:
        named_by = f" by {price_named_by}" if price_named_by else ""
        price = f"{terms.quantity} × {UNITS[unit]}, the price to be named{named_by}"
    else:
        price = (
            f"{terms.quantity} × {UNITS[unit]} at {format_pence(terms.price_pence)} = "
            f"{format_pence(terms.total_pence)}"
        )
    lines = [("Terms", price)]
    if terms.session_dates:
        days = [date.fromisoformat(day) for day in terms.session_dates]
        lines.append(("Session dates", ", ".join(format_date(day) for day in days)))
    lines.append(
        ("Dates", f"from {format_date(terms.earliest_start)} to {format_date(terms.latest_end)}")
    )
    lines.append(("Delivery", DELIVERY_MODES.get(terms.delivery_mode, terms.delivery_mode)))
    return tuple(lines)
