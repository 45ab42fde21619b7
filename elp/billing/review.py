"""What an ELP admin reviews: charges filtered by status, period, paying school and district,
with totals; a charge's history; the filtered list as CSV for the finance team."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from elp import money
from elp.accounts import services as accounts
from elp.audit import AuditEvent
from elp.billing import transitions as status_table
from elp.billing.models import Charge, CreditNote
from elp.bounds import search_text
from elp.errors import InvalidParameter
from elp.extensions import db
from elp.timeutil import uk_today

CHARGES_PER_PAGE = 50
NEEDS_ATTENTION = "attention"
OVERDUE = status_table.OVERDUE  # still due and past its due date
STATUS_NAMES = status_table.STATUS_NAMES
STATUS_TAG_CLASSES = status_table.STATUS_TAG_CLASSES
CSV_COLUMNS = (
    "Invoice number",
    "Invoice date",
    "Due date",
    "School URN",
    "School name",
    "Booking",
    "Purchase order number",
    "Net",
    "VAT",
    "Gross",
    "Paid",
    "Refunded",
    "Status",
    "Paid date",
    "Payment reference",
    "Credit note",
)


@dataclass(frozen=True)
class Period:
    """A month or a financial year (April to March) of invoice dates."""

    value: str  # "2026-12" or "fy2026"
    label: str
    start: date
    end: date  # the day after


def month_period(year, month):
    end = date(year + (month == 12), month % 12 + 1, 1)
    start = date(year, month, 1)
    return Period(f"{year}-{month:02d}", f"{start:%B %Y}", start, end)


def financial_year(year):
    return Period(
        f"fy{year}", f"April {year} to March {year + 1}", date(year, 4, 1), date(year + 1, 4, 1)
    )


def parse_period(text):
    """The period a query string names, None for all dates; a 400 for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if text.startswith("fy") and len(text) == 6:
            return financial_year(int(text[2:]))
        if len(text) == 7 and text[4] == "-":
            return month_period(int(text[:4]), int(text[5:]))
    except ValueError:
        pass
    raise InvalidParameter("Choose a period from the list.")


def periods():
    """The periods that have invoices: each financial year, then each month, newest first."""
    first, last = db.session.execute(
        select(func.min(Charge.invoice_date), func.max(Charge.invoice_date))
    ).one()
    if first is None:
        return []
    years = range(_financial_year_of(last), _financial_year_of(first) - 1, -1)
    months = []
    year, month = last.year, last.month
    while (year, month) >= (first.year, first.month):
        months.append(month_period(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return [financial_year(each) for each in years] + months


def _financial_year_of(day):
    return day.year if day.month >= 4 else day.year - 1


@dataclass
class ChargeFilter:
    status: str = ""
    period: Period | None = None
    school: str = ""  # part of the paying school's name, or its URN
    district: str = ""

    @classmethod
    def from_args(cls, args):
        status = (args.get("status") or "").strip()
        if status and status not in STATUS_NAMES and status not in (NEEDS_ATTENTION, OVERDUE):
            raise InvalidParameter("Choose a status from the list.")
        district = (args.get("district") or "").strip()
        if district and district not in accounts.DISTRICT_NAMES:
            raise InvalidParameter("Choose a district from the list.")
        return cls(status, parse_period(args.get("period")), search_text(args, "school"), district)

    def as_args(self):
        """The filter as query string arguments (for links that keep it)."""
        values = {
            "status": self.status,
            "period": self.period.value if self.period else "",
            "school": self.school,
            "district": self.district,
        }
        return {name: value for name, value in values.items() if value}

    @property
    def is_set(self):
        return bool(self.as_args())

    def apply(self, statement, with_status=True):
        if with_status and self.status == NEEDS_ATTENTION:
            statement = statement.where(Charge.needs_attention)
        elif with_status and self.status == OVERDUE:
            statement = statement.where(*overdue())
        elif with_status and self.status:
            statement = statement.where(Charge.status == self.status)
        if self.period:
            statement = statement.where(
                Charge.invoice_date >= self.period.start, Charge.invoice_date < self.period.end
            )
        if self.school or self.district:
            schools = accounts.ids_of_schools_found_by(self.school, self.district)
            statement = statement.where(Charge.school_id.in_(schools))
        return statement


def overdue(today=None):
    """SQL conditions: the charge is still due and its due date has passed (UK time)."""
    return (
        Charge.status.in_(status_table.STILL_DUE),
        Charge.due_date < (today or uk_today()),
    )


@dataclass
class Totals:
    count: int = 0
    net_pence: int = 0
    vat_pence: int = 0
    gross_pence: int = 0


@dataclass
class Review:
    charges: object  # a page of charges (Flask-SQLAlchemy pagination)
    by_status: dict = field(default_factory=dict)  # {status: Totals} for the filter, any status
    total: Totals = field(default_factory=Totals)  # for the whole filter


def _listed(statement):
    return statement.options(
        joinedload(Charge.school), joinedload(Charge.booking), selectinload(Charge.credit_notes)
    ).order_by(Charge.invoice_date.desc(), Charge.id.desc())


def review(charge_filter, page=1):
    """A page of the charges the filter finds, the totals per status for its other
    criteria, and the totals of everything it finds."""
    charges = db.paginate(
        _listed(charge_filter.apply(select(Charge))),
        page=page,
        per_page=CHARGES_PER_PAGE,
        error_out=False,
    )
    sums = (
        func.count(Charge.id),
        func.coalesce(func.sum(Charge.net_pence), 0),
        func.coalesce(func.sum(Charge.vat_pence), 0),
        func.coalesce(func.sum(Charge.gross_pence), 0),
    )
    rows = db.session.execute(
        charge_filter.apply(select(Charge.status, *sums), with_status=False).group_by(Charge.status)
    ).all()
    by_status = {status: Totals() for status in STATUS_NAMES}
    for status, *figures in rows:
        by_status[status] = Totals(*(int(figure) for figure in figures))
    total = Totals(
        *(int(figure) for figure in db.session.execute(charge_filter.apply(select(*sums))).one())
    )
    return Review(charges, by_status, total)


def filtered_charges(charge_filter):
    """Every charge the filter finds, for the CSV file."""
    return db.session.scalars(_listed(charge_filter.apply(select(Charge)))).unique().all()


def history(charge):
    """The audit events about a charge, oldest first, each with the name of who did it
    (None for the service itself)."""
    return db.session.execute(
        select(AuditEvent, accounts.name_of_user(AuditEvent.actor_id))
        .where(AuditEvent.subject_type == "Charge", AuditEvent.subject_id == charge.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()


def credit_notes(charge):
    return db.session.scalars(
        select(CreditNote).where(CreditNote.charge_id == charge.id).order_by(CreditNote.id)
    ).all()


def booking_label(booking):
    return f"{booking.offer_title} (booking {booking.id})"


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text):
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def charges_csv(charges):
    """The charges as CSV for a school finance team: UTF-8 with a byte order mark, so a
    spreadsheet reads "£" and names correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for charge in charges:
        writer.writerow(
            [
                charge.invoice_number,
                charge.invoice_date.isoformat(),
                charge.due_date.isoformat(),
                charge.school.urn,
                _cell(charge.school.name),
                _cell(booking_label(charge.booking)),
                _cell(charge.purchase_order_number),
                money.format_plain_pounds(charge.net_pence),
                money.format_plain_pounds(charge.vat_pence),
                money.format_plain_pounds(charge.gross_pence),
                money.format_plain_pounds(charge.amount_paid_pence),
                money.format_plain_pounds(charge.amount_refunded_pence),
                status_table.status_word(charge).name,
                charge.paid_on.isoformat() if charge.paid_on else "",
                _cell(charge.payment_reference),
                "; ".join(note.number for note in charge.credit_notes),
            ]
        )
    return out.getvalue()
