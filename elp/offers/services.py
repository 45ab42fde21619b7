"""Offers: categories, writing an offer, its status transitions, what each user may see,
and moderation by ELP admins.

The offer form (offers/forms.py) and the Offers CSV import (offers/offer_import.py) both
turn what they read into an OfferDetails and ask `check_offer_details` whether it makes a
valid offer, so the rules for a good offer live here once.
"""

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date

from flask import abort, current_app, url_for
from sqlalchemy import func, nulls_last, or_, select, update

from elp import audit
from elp.accounts.models import DISTRICT_NAMES, ROLE_LEAD, School, User
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.notifications.services import queue_email
from elp.offers.models import (
    ARCHIVED,
    DELIVERY_MODES,
    DESIGNATIONS,
    DRAFT,
    PAUSED,
    PHASES,
    PUBLISHED,
    START_CATEGORIES,
    STATUSES,
    UNITS,
    Category,
    Offer,
    OfferDistrict,
    OfferPhase,
    Specialism,
)
from elp.timeutil import utcnow
from elp.transitions import save

TITLE_MAX = 120
SUMMARY_MAX = 200
DESCRIPTION_MAX = 10_000
EXPERT_NAME_MAX = 120
EXPERT_ROLE_MAX = 120
SPECIALISM_MAX = 60
SPECIALISMS_MAX = 12
MAX_PRICE_PENCE = 1_000_000  # £10,000 a unit: anything above is a typing mistake
CAPACITY_MAX = 1_000
CATEGORY_NAME_MAX = 80
HIDDEN_REASON_MAX = 500

# --- Categories ---------------------------------------------------------------------------


def ensure_categories():
    """Seed PRODUCT.md's start set of categories into an empty category table.

    Only an empty table is seeded, so a category an admin has renamed is never added back.
    Anything that needs categories (the offer form, the import, the demo, the admin page)
    calls `categories()`, which calls this: a fresh database gets its categories on first use.
    """
    if db.session.scalar(select(func.count()).select_from(Category)):
        return 0
    for position, name in enumerate(START_CATEGORIES):
        db.session.add(Category(name=name, position=position))
    db.session.commit()
    return len(START_CATEGORIES)


def categories():
    """Every category, in the order admins see and schools choose them."""
    ensure_categories()
    return db.session.scalars(select(Category).order_by(Category.position, Category.name)).all()


def offer_counts_by_category():
    """{category id: number of offers in it}, for the admin list."""
    rows = db.session.execute(select(Offer.category_id, func.count()).group_by(Offer.category_id))
    return dict(rows.all())


def clean_category_name(name):
    return " ".join((name or "").split())


def category_name_taken(name, except_category=None):
    query = select(Category.id).where(
        func.lower(Category.name) == clean_category_name(name).lower()
    )
    if except_category is not None:
        query = query.where(Category.id != except_category.id)
    return db.session.scalar(query) is not None


def _check_category_name(name, except_category=None):
    if not name:
        raise ActionRefused("Enter the category name.")
    if len(name) > CATEGORY_NAME_MAX:
        raise ActionRefused(f"The category name must be {CATEGORY_NAME_MAX} characters or fewer.")
    if category_name_taken(name, except_category):
        raise ActionRefused(f"There is already a category called ‘{name}’.")


def add_category(name, admin):
    """Add a category at the end of the list."""
    name = clean_category_name(name)
    _check_category_name(name)
    last = db.session.scalar(select(func.max(Category.position))) or 0
    category = Category(name=name, position=last + 1)
    db.session.add(category)
    db.session.flush()
    audit.record("category.added", category, actor=admin, name=name)
    db.session.commit()
    return category


def rename_category(category, name, admin):
    """Rename a category; every offer in it moves with it."""
    name = clean_category_name(name)
    _check_category_name(name, except_category=category)
    old_name = category.name
    category.name = name
    audit.record("category.renamed", category, actor=admin, old_name=old_name, new_name=name)
    db.session.commit()
    return category


# --- What an offer says -------------------------------------------------------------------


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
    dbs_confirmed: bool = False
    dbs_confirmed_on: date | None = None
    unit: str = ""
    price_pence: int | None = None  # None is "price on request"
    capacity: int | None = None

    def tidied(self):
        """The same details with whitespace tidied, tags normalised and lists in the order
        they are stored (so comparing with details_of tells what really changed)."""
        one_line = {
            name: " ".join(getattr(self, name).split())
            for name in ("title", "summary", "expert_name", "expert_role")
        }
        districts = [] if self.serves_all_districts else self.districts
        return OfferDetails(
            **{
                **asdict(self),
                **one_line,
                "description": self.description.strip().replace("\r\n", "\n"),
                "specialisms": sorted(normalise_specialisms(self.specialisms)),
                "phases": _in_order(self.phases, PHASES),
                "districts": _in_order(districts, DISTRICT_NAMES),
                "dbs_confirmed_on": self.dbs_confirmed_on if self.dbs_confirmed else None,
            }
        )


def _in_order(values, known):
    """Deduplicate, keeping known values in their canonical order and unknown ones last."""
    unique = list(dict.fromkeys(values))
    return sorted(unique, key=lambda value: known.index(value) if value in known else len(known))


def normalise_tag(text):
    """One specialism as stored: trimmed, lower-case, single spaces."""
    return " ".join((text or "").split()).lower()


def normalise_specialisms(texts):
    """Normalise tags, dropping empty ones and repeats (first one wins)."""
    tags = (normalise_tag(text) for text in texts)
    return list(dict.fromkeys(tag for tag in tags if tag))


def split_specialisms(text, separator=","):
    return normalise_specialisms((text or "").split(separator))


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_offer_details(details, school=None, offer=None):
    """Return {field name: message} for everything wrong with tidied details ({} if none).

    With `school`, also refuse a title the school already uses for another offer, because
    an offer is identified by its school and title (the Offers CSV relies on it). With
    `offer`, also refuse a capacity below the units its bookings already take.
    """
    problems = {}

    def text(name, value, label, missing, maximum):
        if missing and not value:
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
        problems["title"] = "Your school already has an offer with this title"
    if details.category_id is None:
        problems["category"] = "Choose a category"
    elif db.session.get(Category, details.category_id) is None:
        problems["category"] = "Choose a category from the list"

    too_long = [tag for tag in details.specialisms if len(tag) > SPECIALISM_MAX]
    if too_long:
        problems["specialisms"] = f"Each specialism must be {SPECIALISM_MAX} characters or fewer"
    elif len(details.specialisms) > SPECIALISMS_MAX:
        problems["specialisms"] = f"Enter {SPECIALISMS_MAX} specialisms or fewer"

    unknown_phases = [phase for phase in details.phases if phase not in PHASES]
    if not details.phases:
        problems["phases"] = "Choose at least one phase"
    elif unknown_phases:
        problems["phases"] = f"There is no phase called ‘{unknown_phases[0]}’"

    unknown_districts = [name for name in details.districts if name not in DISTRICT_NAMES]
    if not details.serves_all_districts and not details.districts:
        problems["districts"] = "Choose the districts the offer serves, or All of Essex"
    elif unknown_districts:
        problems["districts"] = f"There is no Essex district called ‘{unknown_districts[0]}’"

    if details.delivery_mode not in DELIVERY_MODES:
        problems["delivery_mode"] = "Choose how the support is delivered"
    if details.designation not in DESIGNATIONS:
        problems["designation"] = "Choose the expert’s designation"
    if details.dbs_confirmed_on and details.dbs_confirmed_on > date.today():
        problems["dbs_confirmed_on"] = (
            "The date the DBS check was confirmed must be today or in the past"
        )
    if details.unit not in UNITS:
        problems["unit"] = "Choose the unit the price is for"

    if details.price_pence is not None and details.price_pence <= 0:
        problems["price"] = "The price must be more than £0, or choose price on request"
    elif details.price_pence is not None and details.price_pence > MAX_PRICE_PENCE:
        problems["price"] = "The price must be £10,000 a unit or less"

    if details.capacity is not None and not 1 <= details.capacity <= CAPACITY_MAX:
        problems["capacity"] = f"Capacity must be a whole number from 1 to {CAPACITY_MAX:,}"
    elif offer is not None and details.capacity is not None and (
        details.capacity < offer.units_booked
    ):
        problems["capacity"] = _capacity_below_booked(offer)
    return problems


def _capacity_below_booked(offer):
    booked = offer.units_booked
    return f"Capacity cannot be less than the {booked} {_units(offer.unit, booked)} already booked"


def _units(unit, count):
    name = UNITS.get(unit, unit)
    return name if count == 1 else f"{name}s"


def _title_taken(school, title, offer):
    """Whether another of the school's offers has this title, in any letter case: "Phonics
    support" and "phonics support" would look like one offer to a seeking school."""
    query = select(Offer.id).where(
        Offer.school_id == school.id, func.lower(Offer.title) == title.lower()
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
        specialisms=[specialism.name for specialism in offer.specialisms],
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
        capacity=offer.capacity,
    )


def changed_fields(offer, details):
    """Names of the details that differ from what the offer says now."""
    now = details_of(offer)
    return [
        f.name for f in fields(OfferDetails) if getattr(now, f.name) != getattr(details, f.name)
    ]


def _refuse_if_invalid(details, school=None, offer=None):
    problems = check_offer_details(details, school, offer)
    if problems:
        raise ActionRefused("The offer is not complete: " + "; ".join(problems.values()) + ".")


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
        "price_pence", "capacity",
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


def create_offer(school, details, user):
    """Save a new offer as a draft of the user's school."""
    offer = add_offer(school, details, user)
    db.session.commit()
    return offer


def add_offer(school, details, user, **audit_details):
    """Add a new draft offer to the session (the caller commits)."""
    details = details.tidied()
    _refuse_if_invalid(details, school)
    offer = Offer(school=school, status=DRAFT, updated_by=user)
    apply_details(offer, details)
    db.session.add(offer)
    db.session.flush()
    audit.record("offer.created", offer, actor=user, title=offer.title, **audit_details)
    return offer


def update_offer(offer, details, user):
    """Save changes to an offer; it keeps its status (a published offer stays published).

    Return the names of the changed details; the audit event records them.
    """
    changed = revise_offer(offer, details, user)
    db.session.commit()
    return changed


def revise_offer(offer, details, user, **audit_details):
    """Apply changed details to the offer in the session (the caller commits)."""
    check_allowed(offer, "edit")
    details = details.tidied()
    _refuse_if_invalid(details, offer.school, offer)
    changed = changed_fields(offer, details)
    if "capacity" in changed:
        _set_capacity_within_bookings(offer, details.capacity)
    if changed:
        with db.session.no_autoflush:  # the one flush is the compare-and-set in save()
            apply_details(offer, details)
        offer.updated_by = user
        offer.updated_at = utcnow()
        save("offer")  # an edit racing another change of the same offer is refused
        audit.record(
            "offer.edited", offer, actor=user, changed=changed, status=offer.status, **audit_details
        )
    return changed


def _set_capacity_within_bookings(offer, capacity):
    """Write the new capacity only if what is booked still fits in it, in one statement.

    An acceptance taking units (`bookings.services.take_units`) does not change the offer's
    version, so the edit's compare-and-set alone would let the two together book more than
    the new capacity. This UPDATE is checked against the units booked when it runs, not
    when the form was read; on PostgreSQL it waits for a racing acceptance's row lock, and
    an acceptance after it sees the lower capacity.
    """
    if capacity is None:
        return  # no limit: every booking fits
    written = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.units_booked <= capacity)
        .values(capacity=capacity)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        db.session.expire(offer, ["units_booked"])
        raise InvalidInput("capacity", _capacity_below_booked(offer))


# --- Status transitions -------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    allowed_from: tuple[str, ...]
    to_status: str | None  # None: the offer keeps its status
    done: str  # past participle, for messages and audit events


# The one table of what can happen to an offer; buttons and refusals both come from it.
TRANSITIONS = {
    transition.action: transition
    for transition in (
        Transition("edit", "Edit offer", (DRAFT, PUBLISHED, PAUSED), None, "changed"),
        Transition("publish", "Publish offer", (DRAFT,), PUBLISHED, "published"),
        Transition("pause", "Pause offer", (PUBLISHED,), PAUSED, "paused"),
        Transition("resume", "Resume offer", (PAUSED,), PUBLISHED, "resumed"),
        Transition("archive", "Archive offer", (DRAFT, PUBLISHED, PAUSED), ARCHIVED, "archived"),
    )
}

STATUS_LABELS = {DRAFT: "Draft", PUBLISHED: "Published", PAUSED: "Paused", ARCHIVED: "Archived"}


def _a(word):
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


# What to do instead, where there is something useful to say.
_REFUSAL_HINTS = {
    (DRAFT, "pause"): "Publish it first.",
    (DRAFT, "resume"): "Publish it first.",
    (PUBLISHED, "publish"): "It is already published.",
    (PUBLISHED, "resume"): "It is already published.",
    (PAUSED, "publish"): "Resume it instead.",
    (PAUSED, "pause"): "It is already paused.",
}


def check_allowed(offer, action):
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionRefused(f"‘{action}’ is not something you can do to an offer.")
    if offer.status not in transition.allowed_from:
        hint = _REFUSAL_HINTS.get((offer.status, action), "")
        if offer.status == ARCHIVED:
            hint = "Archived offers stay as they are; write a new offer instead."
        message = f"{_a(offer.status).capitalize()} offer cannot be {transition.done}."
        raise ActionRefused(f"{message} {hint}".strip())
    return transition


def available_actions(offer):
    """The transitions open to the offer's school now, in the order buttons are shown."""
    return [t for t in TRANSITIONS.values() if offer.status in t.allowed_from]


def change_status(offer, action, user):
    """Apply a status transition from the table (publish, pause, resume, archive)."""
    transition = apply_transition(offer, action, user)
    db.session.commit()
    return transition


def apply_transition(offer, action, user, **audit_details):
    """Move the offer to the transition's status in the session (the caller commits)."""
    transition = check_allowed(offer, action)
    if transition.to_status is None:
        raise ActionRefused("Use the offer form to change an offer.")
    old_status = offer.status
    offer.status = transition.to_status
    if transition.to_status == PUBLISHED and offer.published_at is None:
        offer.published_at = utcnow()
    offer.updated_by = user
    offer.updated_at = utcnow()
    save("offer")  # of two people changing the offer's status at once, one wins
    audit.record(
        f"offer.{transition.done}",
        offer,
        actor=user,
        old_status=old_status,
        status=offer.status,
        **audit_details,
    )
    return transition


# --- Who sees what ------------------------------------------------------------------------


def visible_to_seeking_schools():
    """The condition for offers every signed-in school may see: published and not hidden."""
    return (Offer.status == PUBLISHED) & Offer.hidden_at.is_(None)


def offer_for_viewer(offer_id, user):
    """The offer a signed-in user may look at, or 404.

    Its own school and ELP admins see an offer in any state; other schools only see it
    while it is published and not hidden.
    """
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        abort(404)
    if user.is_admin or offer.school_id == user.school_id or offer.is_visible:
        return offer
    abort(404)


def offer_of_own_school(offer_id, user):
    """An offer of the user's own school, for changing it; anyone else's is a 404."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or user.school_id is None or offer.school_id != user.school_id:
        abort(404)
    return offer


SORTS = {
    "updated": (Offer.updated_at.desc(), Offer.id.desc()),
    "title": (func.lower(Offer.title), Offer.id),
    "status": (Offer.status, func.lower(Offer.title)),
    # Least left first, so the offers about to run out are on top; unlimited ones last.
    "capacity": (nulls_last(Offer.capacity - Offer.units_booked), func.lower(Offer.title)),
}


def school_offers(school, status=None, sort="updated"):
    """The school's own offers, optionally of one status, in the chosen order."""
    query = select(Offer).where(Offer.school_id == school.id)
    if status in STATUSES:
        query = query.where(Offer.status == status)
    return db.session.scalars(query.order_by(*SORTS.get(sort, SORTS["updated"]))).all()


def hidden_offers(school):
    """The school's offers an ELP admin has hidden, so it can see why."""
    query = select(Offer).where(Offer.school_id == school.id, Offer.hidden_at.is_not(None))
    return db.session.scalars(query.order_by(Offer.hidden_at.desc())).all()


def status_counts(school):
    """How many of the school's offers are in each status."""
    rows = db.session.execute(
        select(Offer.status, func.count())
        .where(Offer.school_id == school.id)
        .group_by(Offer.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


# --- Moderation ---------------------------------------------------------------------------

ADMIN_PAGE_SIZE = 50


def admin_offers(status=None, category_id=None, moderation=None, text=None, page=1):
    """Every school's offers for ELP admins, filtered, newest changes first; returns a page."""
    query = select(Offer).join(Offer.school)
    if status in STATUSES:
        query = query.where(Offer.status == status)
    if category_id:
        query = query.where(Offer.category_id == category_id)
    if moderation == "hidden":
        query = query.where(Offer.hidden_at.is_not(None))
    elif moderation == "visible":
        query = query.where(Offer.hidden_at.is_(None))
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(func.lower(Offer.title).like(pattern), func.lower(School.name).like(pattern))
        )
    return db.paginate(
        query.order_by(Offer.updated_at.desc(), Offer.id.desc()),
        page=page,
        per_page=ADMIN_PAGE_SIZE,
        error_out=False,
    )


def check_can_hide(offer):
    """Refuse to hide an offer seeking schools cannot see anyway."""
    if offer.hidden_at is not None:
        raise ActionRefused("This offer is already hidden.")
    if offer.status != PUBLISHED:
        raise ActionRefused(f"Only a published offer can be hidden; this one is {offer.status}.")


def hide_offer(offer, reason, admin):
    """Hide a published offer from seeking schools; its school is told why by email."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("Enter the reason for hiding the offer.")
    if len(reason) > HIDDEN_REASON_MAX:
        raise ActionRefused(f"The reason must be {HIDDEN_REASON_MAX} characters or fewer.")
    check_can_hide(offer)
    offer.hidden_at = utcnow()
    offer.hidden_reason = reason
    audit.record("offer.hidden", offer, actor=admin, reason=reason)
    _tell_school(offer, "An ELP admin has hidden your offer", "offer_hidden")
    db.session.commit()


def unhide_offer(offer, admin):
    """Show a hidden offer to seeking schools again; its school is told."""
    if offer.hidden_at is None:
        raise ActionRefused("This offer is not hidden.")
    reason = offer.hidden_reason
    offer.hidden_at = None
    offer.hidden_reason = None
    audit.record("offer.unhidden", offer, actor=admin, hidden_reason=reason)
    _tell_school(offer, "Your offer is no longer hidden", "offer_unhidden")
    db.session.commit()


def _tell_school(offer, subject, template):
    """Email the school's leads and whoever last changed the offer."""
    people = db.session.scalars(
        select(User).where(User.school_id == offer.school_id, User.active, User.role == ROLE_LEAD)
    ).all()
    if (
        offer.updated_by
        and offer.updated_by.active
        and offer.updated_by.school_id == offer.school_id
    ):
        people.append(offer.updated_by)
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("offers.show", offer_id=offer.id)
    for email in dict.fromkeys(person.email for person in people):
        queue_email(email, subject, template, offer=offer, link=link)
