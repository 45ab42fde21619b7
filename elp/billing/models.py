"""Fee policy versions, the terms copied onto each booking, charges, credit notes and the
counters that number invoices and credit notes without gaps."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elp.accounts.models import School, User
from elp.bookings.models import Booking
from elp.extensions import db
from elp.timeutil import utcnow
from elp.transitions import Versioned


class Payer(StrEnum):
    """Who pays a booking's service charge."""

    SEEKING = "seeking"
    OFFERING = "offering"
    SPLIT = "split"  # half each; the odd penny to the seeking school


PAYER_NAMES = {
    Payer.SEEKING: "The seeking school",
    Payer.OFFERING: "The offering school",
    Payer.SPLIT: "Split between both schools",
}


@dataclass(frozen=True)
class FeeTerms:
    """The terms a charge is computed from: a policy version's, or the ones copied onto a
    booking. Money in pence, rates in basis points (500 is 5 %)."""

    basis_points: int
    minimum_pence: int
    maximum_pence: int
    payer: str
    vat_basis_points: int
    payment_terms_days: int
    void_on_cancellation: bool


# The policy in force until an admin creates the first version (PRODUCT.md: 5 %, minimum
# £10, maximum £250, the seeking school pays, no VAT, 30 days, void if cancelled before
# delivery).
DEFAULT_TERMS = FeeTerms(
    basis_points=500,
    minimum_pence=1_000,
    maximum_pence=25_000,
    payer=Payer.SEEKING,
    vat_basis_points=0,
    payment_terms_days=30,
    void_on_cancellation=True,
)

TERMS_FIELDS = tuple(FeeTerms.__dataclass_fields__)


class HasFeeTerms:
    """Columns of a set of fee terms (a policy version, or a booking's copy of one)."""

    basis_points: Mapped[int]
    minimum_pence: Mapped[int]
    maximum_pence: Mapped[int]
    payer: Mapped[str] = mapped_column(String(10))
    vat_basis_points: Mapped[int]
    payment_terms_days: Mapped[int]
    void_on_cancellation: Mapped[bool]

    @property
    def terms(self):
        return FeeTerms(**{field: getattr(self, field) for field in TERMS_FIELDS})


def _terms_checks():
    return (
        CheckConstraint("basis_points >= 0 AND basis_points <= 10000", name="rate"),
        CheckConstraint("vat_basis_points >= 0 AND vat_basis_points <= 10000", name="vat"),
        CheckConstraint("minimum_pence >= 0 AND minimum_pence <= maximum_pence", name="limits"),
        CheckConstraint("payment_terms_days >= 0", name="payment_terms"),
    )


class FeePolicy(HasFeeTerms, db.Model):
    """One version of the fee policy, in force from a date until the next version's date.
    Never changed once written: an admin changes the policy by creating a new version."""

    __tablename__ = "fee_policy"
    __table_args__ = _terms_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    in_force_from: Mapped[date] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    created_by: Mapped[User | None] = relationship()


class BookingFeeTerms(HasFeeTerms, db.Model):
    """The fee policy in force when a booking was agreed, copied onto it: a later version
    never changes that booking's charge or what its cancellation does."""

    __tablename__ = "booking_fee_terms"
    __table_args__ = _terms_checks()

    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), primary_key=True)
    # The version copied; None when no version had been created and the default applied.
    fee_policy_id: Mapped[int | None] = mapped_column(ForeignKey("fee_policy.id"))

    booking: Mapped[Booking] = relationship()


class ChargeStatus(StrEnum):
    PENDING = "pending"
    PART_PAID = "part_paid"  # some of the gross received, the rest still due
    PAID = "paid"
    WAIVED = "waived"
    PART_REFUNDED = "part_refunded"  # paid, and some of it given back
    REFUNDED = "refunded"  # paid, and all of it given back
    VOID = "void"


class PaidVia(StrEnum):
    OFFLINE = "offline"  # bank transfer or cheque against the offline invoice; an admin records it
    STRIPE = "stripe"  # card or bank transfer through Stripe; its webhook records it


class Charge(Versioned, db.Model):
    """The service charge one school pays on one booking, and its invoice. An issued invoice
    is never deleted or renumbered; voiding, waiving or refunding issues a credit note.
    Every change of state goes through `billing.transitions.CHARGE`."""

    __tablename__ = "charge"
    __table_args__ = (
        UniqueConstraint("booking_id", "party"),
        CheckConstraint("net_pence >= 0 AND vat_pence >= 0", name="amounts"),
        CheckConstraint("gross_pence = net_pence + vat_pence", name="gross"),
        CheckConstraint(
            "amount_refunded_pence >= 0 AND amount_refunded_pence <= gross_pence",
            name="refunded",
        ),
        CheckConstraint("amount_paid_pence >= 0 AND amount_paid_pence <= gross_pence", name="paid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id"), index=True)
    # The paying school, and which side of the booking it is on ("seeking" or "offering").
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    party: Mapped[str] = mapped_column(String(10))

    invoice_number: Mapped[str] = mapped_column(String(20), unique=True)
    invoice_date: Mapped[date] = mapped_column(index=True)
    due_date: Mapped[date] = mapped_column(index=True)
    net_pence: Mapped[int]
    vat_basis_points: Mapped[int]
    vat_pence: Mapped[int]
    gross_pence: Mapped[int]

    status: Mapped[str] = mapped_column(String(20), default=ChargeStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The paying school's purchase order number, printed on the invoice (issue 22).
    purchase_order_number: Mapped[str | None] = mapped_column(String(50))

    # Payment: the date the last money was received, how, and the payer's or provider's
    # reference; each payment, part payments included, is a `ChargePayment`.
    paid_on: Mapped[date | None]
    paid_via: Mapped[str | None] = mapped_column(String(10))
    payment_reference: Mapped[str | None] = mapped_column(String(200))
    amount_paid_pence: Mapped[int] = mapped_column(default=0, server_default="0")
    amount_refunded_pence: Mapped[int] = mapped_column(default=0, server_default="0")

    # Stripe's objects for this charge, kept so a webhook finds its charge and a second
    # "Pay by card" reuses the first session.
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), index=True)
    stripe_invoice_id: Mapped[str | None] = mapped_column(String(255), index=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)

    # Something an admin must look at (a payment whose amount or currency did not match, a
    # paid charge on a booking cancelled before delivery); never changes the status itself.
    needs_attention: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)
    attention_reason: Mapped[str | None] = mapped_column(String(1000))

    booking: Mapped[Booking] = relationship()
    school: Mapped[School] = relationship()
    credit_notes: Mapped[list["CreditNote"]] = relationship(
        back_populates="charge", order_by="CreditNote.id"
    )
    payments: Mapped[list["ChargePayment"]] = relationship(
        back_populates="charge", order_by="ChargePayment.id"
    )

    @property
    def refundable_pence(self):
        """What was paid and has not been refunded yet."""
        if self.status not in (
            ChargeStatus.PAID,
            ChargeStatus.PART_REFUNDED,
            ChargeStatus.REFUNDED,
        ):
            return 0
        return self.amount_paid_pence - self.amount_refunded_pence

    @property
    def amount_due_pence(self):
        """What the school still owes: the gross less what was paid, while the charge is
        still to pay; nothing once it is paid, waived, refunded or void."""
        if self.status not in (ChargeStatus.PENDING, ChargeStatus.PART_PAID):
            return 0
        return self.gross_pence - self.amount_paid_pence


class ChargePayment(db.Model):
    """Money received against a charge: all of its gross at once, or one part of it (an
    offline part payment an admin records)."""

    __tablename__ = "charge_payment"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charge.id"), index=True)
    amount_pence: Mapped[int]
    received_on: Mapped[date]
    via: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    charge: Mapped["Charge"] = relationship(back_populates="payments")


class SchoolFinance(db.Model):
    """A school's finance settings, kept by its leads: the finance contact its invoices,
    credit notes and statements also go to, whether its bookings need a purchase order
    number, and the month its financial year starts (None: from its establishment type)."""

    __tablename__ = "school_finance"
    __table_args__ = (
        CheckConstraint(
            "financial_year_start_month IS NULL OR "
            "(financial_year_start_month >= 1 AND financial_year_start_month <= 12)",
            name="year_start",
        ),
    )

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), primary_key=True)
    finance_contact_name: Mapped[str | None] = mapped_column(String(120))
    finance_contact_email: Mapped[str | None] = mapped_column(String(254))
    purchase_orders_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    financial_year_start_month: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    school: Mapped[School] = relationship()


class CreditNoteKind(StrEnum):
    VOID = "void"
    WAIVE = "waive"
    REFUND = "refund"


class CreditNote(db.Model):
    """A credit note against one charge's invoice: the whole of it when the charge is voided
    or waived, the amount refunded when it is refunded (a charge may have several)."""

    __tablename__ = "credit_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charge.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    issued_on: Mapped[date]
    net_pence: Mapped[int]
    vat_pence: Mapped[int]
    gross_pence: Mapped[int]
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    charge: Mapped[Charge] = relationship(back_populates="credit_notes")
    created_by: Mapped[User | None] = relationship()


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


DOCUMENT_PREFIXES = {DocumentKind.INVOICE: "ELP", DocumentKind.CREDIT_NOTE: "CN"}


class DocumentCounter(db.Model):
    """The last number given to an invoice or a credit note in a calendar year. Incremented
    in the transaction that uses the number, so a rolled-back booking gives its number
    back and the sequence has no gaps (decision 13)."""

    __tablename__ = "document_counter"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int]


class StripeEvent(db.Model):
    """An event from Stripe, recorded in the transaction that applies its effect: the
    primary key makes a second delivery of the same event (a retry, a replay, the catch-up
    command) change nothing (decision 15)."""

    __tablename__ = "stripe_event"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    # Stripe's own time of the event (Unix seconds): `elp sync-payments` asks for the
    # events since the last one seen.
    # 64 bits: a 32-bit column fails in January 2038.
    created: Mapped[int] = mapped_column(BigInteger, index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charge.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(40))
