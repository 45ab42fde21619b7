"""A school's finance settings, kept by its leads: its finance contact (a name and an email
address, not necessarily a user), whether its bookings need a purchase order number, and
when its financial year starts. Also who a school's invoices, credit notes and statements
are emailed to: its leads and its finance contact.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from elp import audit
from elp.accounts import services as accounts
from elp.billing.models import Charge, SchoolFinance
from elp.billing.transitions import STILL_DUE, status_word
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.timeutil import utcnow
from elp.transitions import save

log = logging.getLogger(__name__)

CONTACT_NAME_MAX = 120
EMAIL_MAX = 254
PURCHASE_ORDER_MAX = 50

APRIL, SEPTEMBER = 4, 9
YEAR_STARTS = {APRIL: "April to March", SEPTEMBER: "September to August"}

# GIAS establishment types whose financial year runs September to August: academies, free
# schools and the other kinds an academy trust runs. Maintained schools run April to March.
_ACADEMY_WORDS = ("academy", "academies", "free school", "studio school", "technical college")


@dataclass(frozen=True)
class FinanceSettings:
    """What the settings page shows: the row's values, or the defaults for a school that
    has never saved them."""

    finance_contact_name: str
    finance_contact_email: str
    purchase_orders_required: bool
    financial_year_start_month: int  # 4 or 9
    year_start_chosen: bool  # False: from the school's GIAS establishment type


def year_start_from_establishment_type(establishment_type):
    words = (establishment_type or "").lower()
    return SEPTEMBER if any(word in words for word in _ACADEMY_WORDS) else APRIL


def _row(school_id):
    return db.session.get(SchoolFinance, school_id)


def settings_for(school):
    row = _row(school.id)
    default_start = year_start_from_establishment_type(school.establishment_type)
    if row is None:
        return FinanceSettings("", "", False, default_start, False)
    return FinanceSettings(
        row.finance_contact_name or "",
        row.finance_contact_email or "",
        row.purchase_orders_required,
        row.financial_year_start_month or default_start,
        row.financial_year_start_month is not None,
    )


def purchase_orders_required(school_id):
    row = _row(school_id)
    return bool(row and row.purchase_orders_required)


def finance_contact(school_id):
    """(name, email) of the school's finance contact, or None."""
    row = _row(school_id)
    if row is None or not row.finance_contact_email:
        return None
    return row.finance_contact_name or "", row.finance_contact_email


def billing_recipients(school_id):
    """The addresses a school's invoices, credit notes and statements go to: each lead who
    can sign in, and the finance contact, each once."""
    addresses = [lead.email for lead in accounts.school_leads(school_id)]
    contact = finance_contact(school_id)
    if contact is not None:
        addresses.append(contact[1])
    seen, recipients = set(), []
    for address in addresses:
        if address.strip().lower() not in seen:  # addresses compare without case
            seen.add(address.strip().lower())
            recipients.append(address)
    return recipients


def update_settings(school, user, *, name, email, purchase_orders, year_start):
    """A lead saves the school's finance settings; refused with the field's problem, and
    nothing saved, if any answer is not acceptable."""
    name = (name or "").strip()
    email = (email or "").strip()
    if email and not name:
        raise InvalidInput("finance_contact_name", "Enter the finance contact’s name")
    if len(name) > CONTACT_NAME_MAX:
        raise InvalidInput(
            "finance_contact_name",
            f"The finance contact’s name must be {CONTACT_NAME_MAX} characters or fewer",
        )
    if _has_control_characters(name):
        raise InvalidInput("finance_contact_name", "The name must not contain control characters")
    if name and not email:
        raise InvalidInput("finance_contact_email", "Enter the finance contact’s email address")
    if email and (len(email) > EMAIL_MAX or accounts.email_format_problem(email)):
        raise InvalidInput(
            "finance_contact_email",
            "Enter the finance contact’s email address in the correct format, like "
            "name@school.example",
        )
    if year_start not in YEAR_STARTS:
        raise InvalidInput("financial_year_start_month", "Select when your financial year starts")
    row = _row(school.id)
    if row is None:
        row = SchoolFinance(school_id=school.id)
        db.session.add(row)
    before = {
        "finance_contact_name": row.finance_contact_name,
        "finance_contact_email": row.finance_contact_email,
        "purchase_orders_required": row.purchase_orders_required,
        "financial_year_start_month": row.financial_year_start_month,
    }
    row.finance_contact_name = name or None
    row.finance_contact_email = email or None
    row.purchase_orders_required = bool(purchase_orders)
    row.financial_year_start_month = year_start
    row.updated_by_id = user.id
    db.session.flush()
    after = {
        "finance_contact_name": row.finance_contact_name,
        "finance_contact_email": row.finance_contact_email,
        "purchase_orders_required": row.purchase_orders_required,
        "financial_year_start_month": row.financial_year_start_month,
    }
    audit.record(
        "school.finance_settings_changed",
        school,
        actor=user,
        before=before,
        after=after,
    )
    return row


# --- Purchase order numbers ----------------------------------------------------------------


def _has_control_characters(text):
    return any(unicodedata.category(character) in ("Cc", "Cf") for character in text)


def clean_purchase_order_number(text, field="purchase_order_number"):
    """The purchase order number as it will be printed, or InvalidInput saying what is wrong
    with it. Empty text is None (no number given)."""
    text = re.sub(r" +", " ", text or "").strip()
    if not text:
        return None
    if len(text) > PURCHASE_ORDER_MAX:
        raise InvalidInput(
            field, f"The purchase order number must be {PURCHASE_ORDER_MAX} characters or fewer"
        )
    if _has_control_characters(text):
        raise InvalidInput(
            field,
            "The purchase order number must be letters, numbers and punctuation only, "
            "with no control characters",
        )
    return text


def schools_needing_purchase_orders(school_ids):
    """Which of these schools need a purchase order number on their bookings."""
    return set(
        db.session.scalars(
            select(SchoolFinance.school_id).where(
                SchoolFinance.school_id.in_(list(school_ids)),
                SchoolFinance.purchase_orders_required,
            )
        )
    )


def purchase_order_wanted(charge):
    """Whether to ask the paying school for the charge's purchase order number now: its
    school needs one, the invoice has none, and it is still to pay."""
    return (
        charge.amount_due_pence > 0
        and not charge.purchase_order_number
        and purchase_orders_required(charge.school_id)
    )


def give_purchase_order_number(charge, text, user):
    """The paying school gives (or corrects) its purchase order number for a charge still to
    pay; it is printed on the invoice and in the finance CSV from then on."""
    number = clean_purchase_order_number(text)
    if number is None:
        raise InvalidInput("purchase_order_number", "Enter the purchase order number")
    if user is None or user.school_id != charge.school_id:
        raise ActionRefused("Only the school that pays this invoice can give its number.")
    if charge.status not in STILL_DUE:
        log.warning(
            "Refused a purchase order number on %s: it is %s",
            charge.invoice_number,
            charge.status,
        )
        raise ActionRefused(
            f"Invoice {charge.invoice_number} is {status_word(charge).name.lower()}, so its "
            "purchase order number can no longer be changed. Write to ELP if it is wrong."
        )
    before = charge.purchase_order_number
    charge.purchase_order_number = number
    charge.updated_at = utcnow()
    save("charge")
    audit.record(
        "charge.purchase_order_given",
        charge,
        actor=user,
        invoice_number=charge.invoice_number,
        purchase_order_number=number,
        before=before,
    )
    return charge


def purchase_order_given_at_booking(booking, text, user):
    """Put the purchase order number the accepting school gave at "Accept and book" on the
    charges its school pays on the booking (nothing when it gave none)."""
    if not (text or "").strip():
        return
    charges = db.session.scalars(
        select(Charge).where(Charge.booking_id == booking.id, Charge.school_id == user.school_id)
    ).all()
    for charge in charges:
        give_purchase_order_number(charge, text, user)
