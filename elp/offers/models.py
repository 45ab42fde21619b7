"""Offers of expertise and their categories."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from elp.accounts.models import School, User
from elp.extensions import db
from elp.timeutil import utcnow
from elp.transitions import Versioned

# PRODUCT.md section 5: the start set of categories, by these exact names.
START_CATEGORIES = (
    "Leadership and management",
    "Pupil achievement",
    "Quality of teaching",
    "Behaviour and safety",
    "Special school outreach",
    "Specialist teaching",
    "Safeguarding and wellbeing",
    "Training and CPD",
)

PHASES = ("Early years", "KS1", "KS2", "KS3", "KS4", "Post-16", "Special/alternative provision")

# The tokens are the Offers CSV's and the API's, written from the offering school's side; the
# labels are read by seeking schools on every page, so they name both schools plainly.
DELIVERY_MODES = {
    "at_your_school": "At the seeking school",
    "at_our_school": "At the offering school",
    "online": "Online",
    "mixed": "Mixed",
}

UNITS = {"hour": "hour", "half_day": "half day", "day": "day", "session": "session"}
# A price for one unit: "£50 an hour", "£350 a day".
PER_UNIT = {"hour": "an hour", "half_day": "a half day", "day": "a day", "session": "a session"}

# The expert's designation, as the offer form offers it and the Offers CSV names it.
DESIGNATIONS = ("SLE", "NLE", "Specialist teacher", "Outreach teacher", "Other")


class OfferStatus(StrEnum):
    """Where an offer is in its life; `offers.transitions.OFFER` moves it on."""

    DRAFT = "draft"
    PUBLISHED = "published"
    PAUSED = "paused"
    ARCHIVED = "archived"


class Moderation(StrEnum):
    """Whether an ELP admin has hidden the offer; `offers.transitions.MODERATION` moves it."""

    SHOWN = "shown"
    HIDDEN = "hidden"


DRAFT, PUBLISHED, PAUSED, ARCHIVED = OfferStatus
STATUSES = tuple(OfferStatus)


class Category(db.Model):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)


class Specialism(db.Model):
    """A free tag, stored once in each form it was typed (offers.services.normalise_tag):
    "ASD" keeps its capitals; search folds case, so "asd" finds it."""

    __tablename__ = "specialism"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


offer_specialism = Table(
    "offer_specialism",
    db.metadata,
    Column("offer_id", ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True),
    Column("specialism_id", ForeignKey("specialism.id", ondelete="CASCADE"), primary_key=True),
)


class OfferPhase(db.Model):
    __tablename__ = "offer_phase"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(40), primary_key=True)


class OfferDistrict(db.Model):
    __tablename__ = "offer_district"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
    )
    district: Mapped[str] = mapped_column(String(40), primary_key=True)


def title_key(title):
    """What makes two titles the same offer to a seeking school: the words, whatever their
    case or the spaces between them ("Phonics  Support" is "phonics support")."""
    return " ".join((title or "").split()).casefold()


def _on_request_when_no_price(context):
    """An offer added without saying otherwise is "price on request" exactly when it has no
    price (as an empty price in the Offers CSV is)."""
    return context.get_current_parameters().get("price_pence") is None


class Offer(Versioned, db.Model):
    """An offer; a draft may be unfinished (only its title is needed to save it), so the
    details a published offer must have are checked when it is published
    (offers.services.details.check_offer_details)."""

    __tablename__ = "offer"
    __table_args__ = (
        # The database itself keeps bookings within the capacity, whichever statement
        # changes either: an acceptance taking units, or the school lowering its capacity.
        CheckConstraint(
            "units_booked >= 0 AND (capacity IS NULL OR units_booked <= capacity)",
            name="units_booked_within_capacity",
        ),
        # One title per school, whatever its case: the check in offers.services tells the
        # user, and this tells the second of two people saving the same title at once.
        UniqueConstraint("school_id", "title_key", name="uq_offer_school_id_title_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    title_key: Mapped[str] = mapped_column(String(120))  # title_key(title), kept in step below
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when rendered
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    serves_all_districts: Mapped[bool] = mapped_column(default=False)
    delivery_mode: Mapped[str] = mapped_column(String(20))
    expert_name: Mapped[str] = mapped_column(String(120))
    expert_role: Mapped[str | None] = mapped_column(String(120))
    designation: Mapped[str | None] = mapped_column(String(60))
    # None: not answered yet. No default, which would take the place of that None on insert.
    dbs_confirmed: Mapped[bool | None]
    dbs_confirmed_on: Mapped[date | None]
    unit: Mapped[str] = mapped_column(String(20))
    # No price is "price on request" when price_on_request is set; on an unfinished draft
    # without it, the school has not given a price yet.
    price_pence: Mapped[int | None]
    price_on_request: Mapped[bool] = mapped_column(
        default=_on_request_when_no_price, server_default=false()
    )
    capacity: Mapped[int | None]  # units the school can release this academic year
    # Units taken by bookings not cancelled. Changed only by a conditional UPDATE in
    # bookings.services, so racing acceptances can never take it past the capacity; a
    # lowered capacity is written the same way (offers.services), and the CHECK above holds.
    units_booked: Mapped[int] = mapped_column(server_default="0", default=0)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    hidden_at: Mapped[datetime | None]  # hidden by an ELP admin (moderation)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    school: Mapped[School] = relationship()
    category: Mapped[Category | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
    specialisms: Mapped[list[Specialism]] = relationship(
        secondary=offer_specialism, order_by=(func.lower(Specialism.name), Specialism.name)
    )
    phase_rows: Mapped[list[OfferPhase]] = relationship(cascade="all, delete-orphan")
    district_rows: Mapped[list[OfferDistrict]] = relationship(cascade="all, delete-orphan")

    @validates("title")
    def _keep_title_key(self, name, title):
        self.title_key = title_key(title)
        return title

    @property
    def phases(self):
        return sorted((row.phase for row in self.phase_rows), key=PHASES.index)

    @property
    def districts(self):
        return sorted(row.district for row in self.district_rows)

    @property
    def capacity_left(self):
        """Units still free this year, or None where the school set no capacity."""
        if self.capacity is None:
            return None
        return self.capacity - self.units_booked

    @property
    def moderation(self):
        return Moderation.HIDDEN if self.hidden_at is not None else Moderation.SHOWN

    @moderation.setter
    def moderation(self, value):
        """Hiding stamps when (`hidden_at`); showing again clears it and the reason."""
        if value == Moderation.HIDDEN:
            self.hidden_at = utcnow()
        else:
            self.hidden_at = None
            self.hidden_reason = None

    @property
    def is_visible(self):
        """Seeking schools see an offer only when it is published and not hidden."""
        return self.status == PUBLISHED and self.hidden_at is None


class OfferModeration(db.Model):
    """An offer in the moderation queue: published for the first time ("new"), or changed
    since an admin last approved it ("edited", with each changed field's value from before
    the first change). Approving deletes the row (elp.offers.moderation_queue)."""

    __tablename__ = "offer_moderation"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    since: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    changed_again_at: Mapped[datetime | None]
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    offer: Mapped[Offer] = relationship()
