"""Bookings and the feedback each school leaves on one."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elp.accounts.models import School, User
from elp.extensions import db
from elp.negotiation.models import BetweenTwoSchools, Proposal, SupportRequest
from elp.offers.models import Offer
from elp.timeutil import utcnow
from elp.transitions import Versioned


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"
    DISPUTED = "disputed"  # the seeking school reported a problem; an ELP admin settles it
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Booking(BetweenTwoSchools, Versioned, db.Model):
    """The accepted proposal's terms, and the offer's title, unit and expert as they were
    when the schools agreed: later edits of the offer never change a booking. Every change of
    state goes through `bookings.transitions.BOOKING`."""

    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One booking per request and per proposal: two acceptances of one proposal can never
    # make two bookings, whatever else goes wrong.
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), unique=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    seeking_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    offering_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    # The frozen terms.
    offer_title: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(20))
    expert_name: Mapped[str] = mapped_column(String(120))
    expert_role: Mapped[str | None] = mapped_column(String(120))
    designation: Mapped[str | None] = mapped_column(String(60))
    quantity: Mapped[int]
    price_pence: Mapped[int]
    total_pence: Mapped[int]
    earliest_start: Mapped[date]
    latest_end: Mapped[date]
    # The session dates in force: the agreed ones, or the newest a school set after booking
    # (`SessionDatesChange`); the accepted proposal keeps the agreed ones.
    session_dates: Mapped[list] = mapped_column(JSON, default=list)
    delivery_mode: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)

    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.CONFIRMED, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # when agreed
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(index=True)
    # The day the offering school says the last session took place (UK date).
    last_session_on: Mapped[date | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancellation_reason: Mapped[str | None] = mapped_column(String(1000))
    # A problem the seeking school reported after delivery, and how an ELP admin settled it.
    disputed_at: Mapped[datetime | None]
    disputed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dispute_reason: Mapped[str | None] = mapped_column(String(1000))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution_reason: Mapped[str | None] = mapped_column(String(1000))

    request: Mapped[SupportRequest] = relationship()
    proposal: Mapped[Proposal] = relationship()
    offer: Mapped[Offer] = relationship()
    seeking_school: Mapped[School] = relationship(foreign_keys=[seeking_school_id])
    offering_school: Mapped[School] = relationship(foreign_keys=[offering_school_id])
    agreed_by: Mapped[User] = relationship(foreign_keys=[agreed_by_id])
    feedback: Mapped[list["Feedback"]] = relationship(
        back_populates="booking", order_by="Feedback.id"
    )
    session_date_changes: Mapped[list["SessionDatesChange"]] = relationship(
        back_populates="booking", order_by="SessionDatesChange.id"
    )

    @property
    def session_days(self):
        """The session dates in force as dates, in order, each once (may be empty)."""
        return sorted({date.fromisoformat(str(day)) for day in self.session_dates or []})

    @property
    def first_day(self):
        """The day the work starts: the first session date, or the window's start."""
        days = self.session_days
        return days[0] if days else self.earliest_start


class SessionDatesChange(db.Model):
    """One version of a booking's session dates, set by one of its schools after booking.
    Never edited: each change is a new row, and the newest is in force (the booking's
    `session_dates` holds a copy of it, so lists of bookings read no more rows)."""

    __tablename__ = "session_dates_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    session_dates: Mapped[list] = mapped_column(JSON)  # ISO dates, in order
    set_by_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="session_date_changes")
    set_by_school: Mapped[School] = relationship()
    set_by: Mapped[User] = relationship()

    @property
    def session_days(self):
        return [date.fromisoformat(str(day)) for day in self.session_dates]


class Feedback(db.Model):
    """One school's rating (1–5) and comment on a completed booking; one per school."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("booking_id", "author_school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    author_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    booking: Mapped[Booking] = relationship(back_populates="feedback")
    author_school: Mapped[School] = relationship()
