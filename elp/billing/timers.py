"""The service charges' reminders, run by `elp tick`: the paying school's leads are told 7
days before a charge is due, and again on the first day it is overdue (the day after its
due date), each once.

Each reminder is claimed by `notifications.in_app.claim_reminder` in the transaction that
notifies, one charge per transaction, so overlapping ticks, on one node or several, send it
exactly once; a charge paid, waived or voided meanwhile is skipped.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from elp import money
from elp.accounts import services as accounts
from elp.billing import school_finance
from elp.billing.models import Charge
from elp.billing.transitions import STILL_DUE
from elp.extensions import db
from elp.notifications.in_app import claim_reminder, notify
from elp.notifications.services import queue_email
from elp.timeutil import UK_TIME, format_date
from elp.unit_of_work import unit_of_work
from elp.urls import absolute_url

DUE_NOTICE = timedelta(days=7)
CHARGE_PAGE = "charges.show"


def send_charge_reminders(now):
    """Send the reminders due on pending charges as of `now`. Return how many were sent."""
    today = now.astimezone(UK_TIME).date()
    due_soon = db.session.scalars(
        select(Charge.id)
        .where(
            Charge.status.in_(STILL_DUE),
            Charge.due_date >= today,
            Charge.due_date <= today + DUE_NOTICE,
        )
        .order_by(Charge.id)
    ).all()
    overdue = db.session.scalars(
        select(Charge.id)
        .where(Charge.status.in_(STILL_DUE), Charge.due_date < today)
        .order_by(Charge.id)
    ).all()
    return sum(_remind(charge_id, "charge_due_reminder", now) for charge_id in due_soon) + sum(
        _remind(charge_id, "charge_overdue_reminder", now) for charge_id in overdue
    )


def _remind(charge_id, kind, now):
    with unit_of_work():
        charge = db.session.get(Charge, charge_id, options=[joinedload(Charge.booking)])
        if charge.status not in STILL_DUE or not claim_reminder(
            kind, f"charge:{charge_id}", now
        ):
            return False
        amount = money.format_pence(charge.amount_due_pence, whole_pounds_short=False)
        title = charge.booking.offer_title
        if kind == "charge_due_reminder":
            text = (
                f"The ELP service charge of {amount} for ‘{title}’ (invoice "
                f"{charge.invoice_number}) is due by {format_date(charge.due_date)}"
            )
        else:
            text = (
                f"The ELP service charge of {amount} for ‘{title}’ (invoice "
                f"{charge.invoice_number}) was due by {format_date(charge.due_date)} and is "
                "overdue"
            )
        notify(charge.school_id, kind, text, CHARGE_PAGE, leads_only=True, charge_id=charge_id)
        _tell_finance_contact(charge, text)
    return True


def _tell_finance_contact(charge, text):
    """Email the reminder to the school's finance contact too, unless they are one of the
    leads just told: the finance office pays, and may not sign in at all."""
    contact = school_finance.finance_contact(charge.school_id)
    if contact is None:
        return
    name, address = contact
    leads = {lead.email.strip().lower() for lead in accounts.school_leads(charge.school_id)}
    if address.strip().lower() in leads:
        return
    queue_email(
        address, text, "charge_reminder", name=name, text=text,
        school_name=charge.school.name, link=absolute_url(CHARGE_PAGE, charge_id=charge.id),
    )  # fmt: skip
