"""What an offer says: its details, tidied and checked, and written onto the offer.

The offer form (offers/forms.py) and the Offers CSV import (offers/offer_import.py) both
turn what they read into an OfferDetails and ask `check_offer_details` whether it makes a
valid offer, so the rules for a good offer live here once.
"""

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from sqlalchemy import select

from elp.accounts.services import DISTRICT_NAMES
from elp.errors import InvalidInput
from elp.extensions import db
from elp.money import parse_pounds
from elp.offers.models import (
    DELIVERY_MODES,
    DESIGNATIONS,
    PHASES,
    UNITS,
    Category,
    Offer,
    OfferDistrict,
    OfferPhase,
    Specialism,
    title_key,
)

TITLE_MAX = 120
SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
EXPERT_NAME_MAX = 120
EXPERT_ROLE_MAX = 120
SPECIALISM_MAX = 60
SPECIALISMS_MAX = 12
MAX_PRICE_PENCE = 1_000_000  # £10,000 a unit: anything above is a typing mistake
CAPACITY_MAX = 1_000
TITLE_TAKEN = "Your school already has an offer with this title"


def parse_price(typed):
    """Pence for a price as typed ("350", "£1,250.50"), or None when nothing is typed (the
    checks say whether a price is needed yet); raise MoneyError for anything else, a negative
    amount included. The offer form and the Offers CSV import both read prices here, and
    each words its own message."""
    typed = (typed or "").strip()
    return parse_pounds(typed) if typed else None


def parse_capacity(typed):
    """Units for a capacity as typed ("10", "1,000"), or None when nothing is typed; raise
    ValueError for anything but a whole number. A number out of range ("0", "-4") is for the
    checks to refuse, naming the range. Shared by the offer form and the Offers CSV import."""
    typed = (typed or "").strip().replace(",", "")
    if not typed:
        return None
    if not re.fullmatch(r"-?\d{1,9}", typed, re.ASCII):
        raise ValueError(f"not a whole number of units: {typed[:20]!r}")
    return int(typed)


@dataclass
class OfferDetails:
    """Everything a school writes about an offer, already typed (pence, ints, dates)."""

    title: str = ""
    summary: str = ""
    description: str = ""
    category_id: int | None = None
    specialisms: list[str] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)
    serves_all_districts: bool = False
    districts: list[str] = field(default_factory=list)
    delivery_mode: str = ""
    expert_name: str = ""
    expert_role: str = ""
    designation: str = ""
    dbs_confirmed: bool | None = False  # None: not answered yet (an unfinished draft)
    dbs_confirmed_on: date | None = None
    unit: str = ""
    price_pence: int | None = None
    # None: "price on request" exactly when there is no price, as in the Offers CSV; the
    # offer form says which, since a draft may have neither yet.
    price_on_request: bool | None = None
    capacity: int | None = None

    def tidied(self):
        """The same details with whitespace tidied, tags normalised and lists in the order
        they are stored (so comparing with details_of tells what really changed)."""
        one_line = {
            name: " ".join(getattr(self, name).split())
            for name in ("title", "summary", "expert_name", "expert_role")
        }
        districts = [] if self.serves_all_districts else self.districts
        on_request = self.price_on_request
        if on_request is None:
            on_request = self.price_pence is None
        return OfferDetails(
            **{
                **asdict(self),
                **one_line,
                "description": self.description.strip().replace("\r\n", "\n"),
                "specialisms": sorted(
                    normalise_specialisms(self.specialisms), key=specialism_order
                ),
                "phases": _in_order(self.phases, PHASES),
                "districts": _in_order(districts, DISTRICT_NAMES),
                "dbs_confirmed_on": self.dbs_confirmed_on if self.dbs_confirmed else None,
                "price_on_request": on_request,
                "price_pence": None if on_request else self.price_pence,
            }
        )


def _in_order(values, known):
    """Deduplicate, keeping known values in their canonical order and unknown ones last."""
    unique = list(dict.fromkeys(values))
    return sorted(unique, key=lambda value: known.index(value) if value in known else len(known))


def normalise_tag(text):
    """One specialism as stored: trimmed, single spaces, with the capitals it was typed with
    (ASD, EHCP); search matches it whatever the case."""
    return " ".join((text or "").split())


def specialism_order(tag):
    """How an offer's specialisms are listed: alphabetically, whatever the case."""
    return (tag.casefold(), tag)


def normalise_specialisms(texts):
    """Normalise tags, dropping empty ones and repeats in any case (first one wins)."""
    tags = {}
    for tag in map(normalise_tag, texts):
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return list(tags.values())


def split_specialisms(text, separator=","):
    return normalise_specialisms((text or "").split(separator))


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_offer_details(details, school=None, offer=None, complete=True):
    """Return {field name: message} for everything wrong with tidied details ({} if none).

    With `school`, also refuse a title the school already uses for another offer, because
    an offer is identified by its school and title (the Offers CSV relies on it). With
    `offer`, also refuse a capacity below the units its bookings already take.

    `complete=False` checks an unfinished draft: only the title is needed, and what is
    given must still be right; everything else must be there before it is published.
    """
    problems = {}

    def required(name, message):
        if complete:
            problems[name] = message

    def text(name, value, label, missing, maximum):
        if missing and not value:
            if complete or name == "title":
                problems[name] = missing
        elif len(value) > maximum:
            problems[name] = f"{label} must be {maximum} characters or fewer"
        elif _CONTROL_CHARACTERS.search(value):
            problems[name] = f"{label} must be plain text"

    text("title", details.title, "Title", "Enter a title", TITLE_MAX)
    text("summary", details.summary, "One-line summary", "Enter a one-line summary", SUMMARY_MAX)
    text("description", details.description, "Description", "Enter a description", DESCRIPTION_MAX)
    text("expert_name", details.expert_name, "Expert’s name", "Enter the expert’s name",
         EXPERT_NAME_MAX)  # fmt: skip
    text("expert_role", details.expert_role, "Expert’s role", None, EXPERT_ROLE_MAX)

    if (
        "title" not in problems
        and school is not None
        and _title_taken(school, details.title, offer)
    ):
        problems["title"] = TITLE_TAKEN
    if details.category_id is None:
        required("category", "Choose a category")
    elif db.session.get(Category, details.category_id) is None:
        problems["category"] = "Choose a category from the list"

    too_long = [tag for tag in details.specialisms if len(tag) > SPECIALISM_MAX]
    if too_long:
        problems["specialisms"] = f"Each specialism must be {SPECIALISM_MAX} characters or fewer"
    elif len(details.specialisms) > SPECIALISMS_MAX:
        problems["specialisms"] = f"Enter {SPECIALISMS_MAX} specialisms or fewer"

    unknown_phases = [phase for phase in details.phases if phase not in PHASES]
    if not details.phases:
        required("phases", "Choose at least one phase")
    elif unknown_phases:
        problems["phases"] = f"There is no phase called ‘{unknown_phases[0]}’"

    unknown_districts = [name for name in details.districts if name not in DISTRICT_NAMES]
    if not details.serves_all_districts and not details.districts:
        required("districts", "Choose the districts the offer serves, or All of Essex")
    elif unknown_districts:
        problems["districts"] = f"There is no Essex district called ‘{unknown_districts[0]}’"

    if not details.delivery_mode:
        required("delivery_mode", "Choose how the support is delivered")
    elif details.delivery_mode not in DELIVERY_MODES:
        problems["delivery_mode"] = "Choose how the support is delivered"
    # Many experts (designated safeguarding leads, inclusion managers) have no designation.
    if details.designation and details.designation not in DESIGNATIONS:
        problems["designation"] = "Choose the expert’s designation from the list, or None"
    if details.dbs_confirmed is None:
        required("dbs_confirmed", "Choose yes if your school has confirmed the DBS check")
    if details.dbs_confirmed_on and details.dbs_confirmed_on > date.today():
        problems["dbs_confirmed_on"] = (
            "The date the DBS check was confirmed must be today or in the past"
        )
    if not details.unit:
        required("unit", "Choose the unit the price is for")
    elif details.unit not in UNITS:
        problems["unit"] = "Choose the unit the price is for"

    on_request = details.price_on_request
    if on_request is None:
        on_request = details.price_pence is None
    if details.price_pence is None and not on_request:
        required("price", "Enter the price per unit, or choose price on request")
    elif details.price_pence is not None and details.price_pence <= 0:
        problems["price"] = "The price must be more than £0, or choose price on request"
    elif details.price_pence is not None and details.price_pence > MAX_PRICE_PENCE:
        problems["price"] = "The price must be £10,000 a unit or less"

    if details.capacity is not None and not 1 <= details.capacity <= CAPACITY_MAX:
        problems["capacity"] = f"Capacity must be a whole number from 1 to {CAPACITY_MAX:,}"
    elif offer is not None and details.capacity is not None and (
        details.capacity < offer.units_booked
    ):
        problems["capacity"] = capacity_below_booked(offer)
    return problems


def capacity_below_booked(offer):
    booked = offer.units_booked
    return f"Capacity cannot be less than the {booked} {_units(offer.unit, booked)} already booked"


def _units(unit, count):
    name = UNITS.get(unit, unit)
    return name if count == 1 else f"{name}s"


def _title_taken(school, title, offer):
    """Whether another of the school's offers has this title, in any letter case: "Phonics
    support" and "phonics support" would look like one offer to a seeking school. The
    database refuses it too (Offer.title_key), for two people saving at once."""
    query = select(Offer.id).where(
        Offer.school_id == school.id, Offer.title_key == title_key(title)
    )
    if offer is not None:
        query = query.where(Offer.id != offer.id)
    return db.session.scalar(query) is not None


def details_of(offer):
    """What the offer says now, in the same shape a form or a CSV row gives."""
    return OfferDetails(
        title=offer.title,
        summary=offer.summary,
        description=offer.description,
        category_id=offer.category_id,
        specialisms=sorted((s.name for s in offer.specialisms), key=specialism_order),
        phases=offer.phases,
        serves_all_districts=offer.serves_all_districts,
        districts=[] if offer.serves_all_districts else offer.districts,
        delivery_mode=offer.delivery_mode,
        expert_name=offer.expert_name,
        expert_role=offer.expert_role or "",
        designation=offer.designation or "",
        dbs_confirmed=offer.dbs_confirmed,
        dbs_confirmed_on=offer.dbs_confirmed_on,
        unit=offer.unit,
        price_pence=offer.price_pence,
        price_on_request=offer.price_on_request,
        capacity=offer.capacity,
    )


def changed_fields(offer, details):
    """Names of the details that differ from what the offer says now."""
    now = details_of(offer)
    return [
        f.name for f in fields(OfferDetails) if getattr(now, f.name) != getattr(details, f.name)
    ]


def refuse_if_invalid(details, school=None, offer=None, complete=True):
    """Refuse details the checks find wrong, naming each field, so a form that checked them
    a moment ago (a colleague has since taken the title, say) can show what changed."""
    problems = check_offer_details(details, school, offer, complete)
    if problems:
        summary = "The offer is not complete: " + "; ".join(problems.values()) + "."
        raise InvalidInput(next(iter(problems)), summary, more=problems)


def missing_before_publishing(offer):
    """{field name: what to do} for everything the offer still needs before it can be
    published ({} when it is complete): a draft may have been saved unfinished."""
    return check_offer_details(details_of(offer), offer.school, offer)


def _specialisms_named(names):
    existing = {
        specialism.name: specialism
        for specialism in db.session.scalars(select(Specialism).where(Specialism.name.in_(names)))
    }
    for name in names:
        if name not in existing:
            existing[name] = Specialism(name=name)
            db.session.add(existing[name])
    return [existing[name] for name in names]


def apply_details(offer, details):
    """Write tidied, checked details onto the offer (no commit)."""
    for name in (
        "title", "summary", "description", "category_id", "serves_all_districts",
        "delivery_mode", "expert_name", "dbs_confirmed", "dbs_confirmed_on", "unit",
        "price_pence", "price_on_request", "capacity",
    ):  # fmt: skip
        setattr(offer, name, getattr(details, name))
    offer.expert_role = details.expert_role or None
    offer.designation = details.designation or None
    offer.specialisms = _specialisms_named(details.specialisms)
    # Keep rows that are still wanted, so an unchanged phase or district is not rewritten.
    phase_rows = {row.phase: row for row in offer.phase_rows}
    offer.phase_rows = [phase_rows.get(name) or OfferPhase(phase=name) for name in details.phases]
    district_rows = {row.district: row for row in offer.district_rows}
    offer.district_rows = [
        district_rows.get(name) or OfferDistrict(district=name) for name in details.districts
    ]
