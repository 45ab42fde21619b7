"""Offers of expertise and their categories."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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

DRAFT, PUBLISHED, PAUSED, ARCHIVED = "draft", "published", "paused", "archived"
STATUSES = (DRAFT, PUBLISHED, PAUSED, ARCHIVED)


class Category(db.Model):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)


class Specialism(db.Model):
    """A free tag, stored once in its normalised form (see offers.services.normalise_tag)."""

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


class Offer(Versioned, db.Model):
    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)  # Markdown, sanitised when rendered
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    serves_all_districts: Mapped[bool] = mapped_column(default=False)
    delivery_mode: Mapped[str] = mapped_column(String(20))
    expert_name: Mapped[str] = mapped_column(String(120))
    expert_role: Mapped[str | None] = mapped_column(String(120))
    designation: Mapped[str | None] = mapped_column(String(60))
    dbs_confirmed: Mapped[bool] = mapped_column(default=False)
    dbs_confirmed_on: Mapped[date | None]
    unit: Mapped[str] = mapped_column(String(20))
    price_pence: Mapped[int | None]  # None means "price on request"
    capacity: Mapped[int | None]  # units the school can release this academic year
    # Units taken by bookings not cancelled. Changed only by a conditional UPDATE in
    # bookings.services, so racing acceptances can never take it past the capacity.
    units_booked: Mapped[int] = mapped_column(server_default="0", default=0)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    hidden_at: Mapped[datetime | None]  # hidden by an ELP admin (moderation)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    school: Mapped[School] = relationship()
    category: Mapped[Category] = relationship()
    updated_by: Mapped[User | None] = relationship()
    specialisms: Mapped[list[Specialism]] = relationship(
        secondary=offer_specialism, order_by=Specialism.name
    )
    phase_rows: Mapped[list[OfferPhase]] = relationship(cascade="all, delete-orphan")
    district_rows: Mapped[list[OfferDistrict]] = relationship(cascade="all, delete-orphan")

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
    def is_visible(self):
        """Seeking schools see an offer only when it is published and not hidden."""
        return self.status == PUBLISHED and self.hidden_at is None


class OfferModeration(db.Model):
    """An offer in the moderation queue: published for the first time ("new"), or changed
    since an admin last approved it ("edited", with each changed field's value from before
    the first change). Approving deletes the row (elp.offers.moderation_queue)."""

    __tablename__ = "offer_moderation"

    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    since: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    changed_again_at: Mapped[datetime | None]
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    offer: Mapped[Offer] = relationship()
