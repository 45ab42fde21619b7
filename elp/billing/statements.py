"""A school's statement (issue 22 part 7): every invoice, credit note, payment and refund of
its service charges in a period, with the balance carried in and a running balance, as a
page, a PDF and a CSV file. The period is the school's financial year by default (April to
March, or September to August for academies: `school_finance`), or any dates up to three
years apart.

The balance is what the school owes ELP: invoices and refunds paid out add to it; payments
and credit notes take from it. Over all time it equals what is still due on the school's
charges, as every page that shows a charge says.
"""

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select

from elp import audit, money, pdf
from elp.accounts import services as accounts
from elp.billing import invoices, school_finance
from elp.billing.models import Charge, ChargePayment, CreditNote
from elp.errors import InvalidInput, InvalidParameter
from elp.extensions import db
from elp.notifications import attachments
from elp.notifications.services import queue_email
from elp.timeutil import format_date, uk_today
from elp.urls import absolute_url

MAX_YEARS = 3

INVOICE, PAYMENT, CREDIT_NOTE, REFUND = "invoice", "payment", "credit_note", "refund"
# The order of a day's entries: what was invoiced, then what came in, then what was given back.
_DAY_ORDER = {INVOICE: 0, PAYMENT: 1, CREDIT_NOTE: 2, REFUND: 3}
ENTRY_NAMES = {
    INVOICE: "Invoice",
    PAYMENT: "Payment received",
    CREDIT_NOTE: "Credit note",
    REFUND: "Refund paid",
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day, included

    @property
    def label(self):
        return f"{format_date(self.start)} to {format_date(self.end)}"

    def as_args(self):
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def financial_year(day, start_month):
    """The financial year, starting on the 1st of `start_month`, that `day` falls in."""
    year = day.year if day.month >= start_month else day.year - 1
    start = date(year, start_month, 1)
    return Period(start, date.fromordinal(_add_years(start, 1).toordinal() - 1))


def default_period(school, today=None):
    """The school's financial year now."""
    start_month = school_finance.settings_for(school).financial_year_start_month
    return financial_year(today or uk_today(), start_month)


def recent_years(school, count=3, today=None):
    """The school's current financial year and the ones before it, for quick links."""
    current = default_period(school, today)
    return [
        Period(_add_years(current.start, -back), _add_years(current.end, -back))
        for back in range(count)
    ]


def check_period(start, end):
    """The period, or InvalidInput naming what is wrong with it."""
    if start is None:
        raise InvalidInput("start", "Enter the first day of the statement")
    if end is None:
        raise InvalidInput("end", "Enter the last day of the statement")
    if end < start:
        raise InvalidInput(
            "end", "The last day of the statement must be the same as or after its first day"
        )
    if end > _add_years(start, MAX_YEARS):
        raise InvalidInput(
            "end",
            f"A statement covers at most {MAX_YEARS} years: choose a last day no later than "
            f"{format_date(_add_years(start, MAX_YEARS))}",
        )
    return Period(start, end)


def period_from_args(args, school):
    """The period a query string names (`from` and `to`, as 2026-04-01), the school's
    financial year when it names none; a clear 400 for anything else (the PDF and CSV)."""
    start_text, end_text = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if not start_text and not end_text:
        return default_period(school)
    try:
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    except ValueError:
        raise InvalidParameter("Give the statement’s dates as from=YYYY-MM-DD&to=YYYY-MM-DD.")
    try:
        return check_period(start, end)
    except InvalidInput as problem:
        raise InvalidParameter(problem.message) from None


@dataclass(frozen=True)
class Entry:
    day: date
    kind: str
    reference: str  # the invoice or credit note number, or the payment's reference
    description: str
    debit_pence: int  # adds to what the school owes
    credit_pence: int  # takes from it
    balance_pence: int = 0
    charge_id: int | None = None
    credit_note_id: int | None = None

    @property
    def name(self):
        return ENTRY_NAMES[self.kind]


@dataclass
class Statement:
    school: object
    period: Period
    opening_pence: int
    entries: list = field(default_factory=list)
    closing_pence: int = 0
    debits_pence: int = 0
    credits_pence: int = 0


def _entries(school, last_day):
    """Every entry of the school's charges up to and including `last_day` (three queries)."""
    charges = db.session.execute(
        select(Charge.id, Charge.invoice_number, Charge.invoice_date, Charge.gross_pence,
               Charge.purchase_order_number, Charge.booking_id)
        .where(Charge.school_id == school.id, Charge.invoice_date <= last_day)
    ).all()  # fmt: skip
    notes = db.session.execute(
        select(CreditNote.id, CreditNote.number, CreditNote.kind, CreditNote.issued_on,
               CreditNote.gross_pence, Charge.id, Charge.invoice_number)
        .join(Charge, CreditNote.charge_id == Charge.id)
        .where(Charge.school_id == school.id, CreditNote.issued_on <= last_day)
    ).all()  # fmt: skip
    payments = db.session.execute(
        select(ChargePayment.id, ChargePayment.received_on, ChargePayment.amount_pence,
               ChargePayment.reference, Charge.id, Charge.invoice_number)
        .join(Charge, ChargePayment.charge_id == Charge.id)
        .where(Charge.school_id == school.id, ChargePayment.received_on <= last_day)
    ).all()  # fmt: skip
    entries = []
    for charge_id, number, day, gross, purchase_order, _booking in charges:
        description = "ELP service charge" + (
            f", purchase order {purchase_order}" if purchase_order else ""
        )
        entries.append(((day, _DAY_ORDER[INVOICE], charge_id), Entry(
            day, INVOICE, number, description, gross, 0, charge_id=charge_id,
        )))  # fmt: skip
    for payment_id, day, amount, reference, charge_id, invoice_number in payments:
        entries.append(((day, _DAY_ORDER[PAYMENT], payment_id), Entry(
            day, PAYMENT, reference, f"Against invoice {invoice_number}", 0, amount,
            charge_id=charge_id,
        )))  # fmt: skip
    for note_id, number, kind, day, gross, charge_id, invoice_number in notes:
        entries.append(((day, _DAY_ORDER[CREDIT_NOTE], note_id), Entry(
            day, CREDIT_NOTE, number, f"Against invoice {invoice_number}", 0, gross,
            charge_id=charge_id, credit_note_id=note_id,
        )))  # fmt: skip
        if kind == "refund":
            entries.append(((day, _DAY_ORDER[REFUND], note_id), Entry(
                day, REFUND, number, f"Refund of invoice {invoice_number}", gross, 0,
                charge_id=charge_id, credit_note_id=note_id,
            )))  # fmt: skip
    entries.sort(key=lambda pair: pair[0])
    return [entry for _, entry in entries]


def statement(school, period):
    """The school's statement for the period: the balance brought forward from before it,
    each entry in it with the balance after it, and the balance at its end."""
    opening = 0
    result = Statement(school, period, 0)
    balance = None
    for entry in _entries(school, period.end):
        change = entry.debit_pence - entry.credit_pence
        if entry.day < period.start:
            opening += change
            continue
        if balance is None:
            balance = opening
        balance += change
        result.debits_pence += entry.debit_pence
        result.credits_pence += entry.credit_pence
        result.entries.append(replace(entry, balance_pence=balance))
    result.opening_pence = opening
    result.closing_pence = opening if balance is None else balance
    return result


def balance_words(pence):
    if pence > 0:
        return f"Your school owes {money.format_invoice_amount(pence)}"
    if pence < 0:
        return f"ELP owes your school {money.format_invoice_amount(-pence)}"
    return "Nothing is owed"


def filename(school, period, extension):
    return f"elp-statement-{school.urn}-{period.start.isoformat()}-to-{period.end.isoformat()}.{extension}"


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text):
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def statement_csv(result):
    """The statement as CSV: UTF-8 with a byte order mark, a row per entry between the
    balance brought forward and the balance at the end."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("Date", "Type", "Reference", "Description", "Debit", "Credit", "Balance"))
    plain = money.format_plain_pounds
    writer.writerow((result.period.start.isoformat(), "Balance brought forward", "", "", "", "",
                     plain(result.opening_pence)))  # fmt: skip
    for entry in result.entries:
        writer.writerow((
            entry.day.isoformat(), entry.name, _cell(entry.reference), _cell(entry.description),
            plain(entry.debit_pence) if entry.debit_pence else "",
            plain(entry.credit_pence) if entry.credit_pence else "",
            plain(entry.balance_pence),
        ))  # fmt: skip
    writer.writerow((result.period.end.isoformat(), "Balance at the end", "", "", "", "",
                     plain(result.closing_pence)))  # fmt: skip
    return out.getvalue()


def statement_context(result):
    return {
        "statement": result,
        "school": result.school,
        "period": result.period,
        "balance_words": balance_words,
        "money": money,
        "for_pdf": False,
        **invoices.supplier_context(),
    }


STYLESHEET = Path("css") / "invoice.css"


def statement_pdf(result):
    context = statement_context(result) | {"for_pdf": True}
    html = render_template("billing/statement_document.html", **context)
    stylesheet = (Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8")
    return pdf.html_to_pdf(html, stylesheet)


# --- The statement email ---------------------------------------------------------------------

ATTACHMENT_KIND = "statement"


def register():
    attachments.register(ATTACHMENT_KIND, statement_attachment)


def email_statement(school, period, actor):
    """Queue the statement, its PDF attached when it is sent, to the school's leads and
    finance contact; return the addresses. Asked for by a lead or an ELP admin."""
    result = statement(school, period)
    recipients = school_finance.billing_recipients(school.id)
    key = f"{school.id}:{period.start.isoformat()}:{period.end.isoformat()}"
    for address in recipients:
        queue_email(
            address,
            f"Statement for {school.name}, {period.label}, from ELP Exchange",
            "statement",
            attachment=attachments.reference(ATTACHMENT_KIND, key),
            school=school,
            period=period,
            opening=money.format_invoice_amount(result.opening_pence),
            closing=money.format_invoice_amount(result.closing_pence),
            balance=balance_words(result.closing_pence),
            link=absolute_url("charges.statement", **period.as_args()),
        )
    audit.record(
        "school.statement_sent",
        school,
        actor=actor,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        recipients=len(recipients),
    )
    return recipients


def statement_attachment(key):
    school_id, start, end = key.split(":")
    school = accounts.school_by_id(int(school_id))
    result = statement(school, Period(date.fromisoformat(start), date.fromisoformat(end)))
    return attachments.Attachment(
        filename=filename(school, result.period, "pdf"),
        content_type="application/pdf",
        data=statement_pdf(result),
    )
