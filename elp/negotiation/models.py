"""Support requests, their proposals and messages, and who has read what."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elp.accounts.models import School, User
from elp.extensions import db
from elp.offers.models import Offer
from elp.parties import Party
from elp.timeutil import utcnow
from elp.transitions import Versioned


class RequestStatus(StrEnum):
    OPEN = "open"
    AGREED = "agreed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class BetweenTwoSchools:
    """Mixin for what a seeking and an offering school are parties to (a request, a booking)."""

    def party_of(self, school_id):
        """Which side a school is on, or None if it is not a party to this."""
        if school_id == self.seeking_school_id:
            return Party.SEEKING
        if school_id == self.offering_school_id:
            return Party.OFFERING
        return None


class SupportRequest(BetweenTwoSchools, Versioned, db.Model):
    """A seeking school's request for support on one offer. Its terms are its proposals;
    every change of state goes through `negotiation.transitions.REQUEST`."""

    __tablename__ = "support_request"
    __table_args__ = (
        # A school's Requests inbox, received and sent, newest activity first: with only
        # last_activity_at indexed, PostgreSQL read every school's requests newest first.
        Index("ix_support_request_offering_school_id_last_activity_at", "offering_school_id",
              "last_activity_at"),
        Index("ix_support_request_seeking_school_id_last_activity_at", "seeking_school_id",
              "last_activity_at"),
        # Did the school ask for anything soon after a search? (the unmet-demand report)
        Index("ix_support_request_seeking_school_id_created_at", "seeking_school_id",
              "created_at"),
        # A period's requests counted by school and offer read the index alone (PostgreSQL).
        Index("ix_support_request_created_at_covering", "created_at",
              postgresql_include=["seeking_school_id", "offer_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    # Indexed below, each with the latest activity: a school's inbox, newest first.
    seeking_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    # The offer's school, kept here so every query can scope a request to either party.
    offering_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    need: Mapped[str] = mapped_column(Text)  # "What support do you need?"
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN, index=True)
    decline_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The latest thing either side did (a proposal, a message, a decision), and whose school
    # did it: the other school has something unread until it opens the request.
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_activity_school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    # When the latest proposal expires unanswered, and when the reminder a day before went.
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # agreed, declined, withdrawn or expired

    offer: Mapped[Offer] = relationship()
    seeking_school: Mapped[School] = relationship(foreign_keys=[seeking_school_id])
    offering_school: Mapped[School] = relationship(foreign_keys=[offering_school_id])
    requested_by: Mapped[User] = relationship()
    proposals: Mapped[list["Proposal"]] = relationship(
        back_populates="request", order_by="Proposal.id"
    )
    messages: Mapped[list["Message"]] = relationship(
        back_populates="request", order_by="Message.id"
    )

    @property
    def latest_proposal(self):
        return self.proposals[-1] if self.proposals else None


class Proposal(db.Model):
    """One version of the terms. Never changed once written: a counter-proposal is a new
    proposal. Quantities are in the offer's unit, so capacity is counted in one unit."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), index=True)
    author_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    quantity: Mapped[int]
    unit: Mapped[str] = mapped_column(String(20))
    price_pence: Mapped[int | None]  # None only in a first proposal on a "price on request" offer
    total_pence: Mapped[int | None]
    earliest_start: Mapped[date]
    latest_end: Mapped[date]
    session_dates: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates, may be empty
    delivery_mode: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    request: Mapped[SupportRequest] = relationship(back_populates="proposals")
    author_school: Mapped[School] = relationship()
    author: Mapped[User] = relationship()


@event.listens_for(Proposal, "before_update")
def _proposals_are_immutable(mapper, connection, proposal):
    raise ValueError("A proposal is never changed once written; make a new one instead.")


class Message(db.Model):
    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), index=True)
    author_school_id: Mapped[int] = mapped_column(ForeignKey("school.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[SupportRequest] = relationship(back_populates="messages")
    author_school: Mapped[School] = relationship()
    author: Mapped[User] = relationship()


class RequestRead(db.Model):
    """When a school last opened a request. Kept apart from the request, so opening a page
    never races a change of its terms."""

    __tablename__ = "request_read"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("support_request.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
