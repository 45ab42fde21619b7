"""The service charges that wait on a school, for its "What needs you" page and the menu's
count: each charge it still has to pay, with its amount and due date, overdue ones first."""

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from elp import money
from elp.billing.models import Charge
from elp.billing.transitions import STILL_DUE
from elp.extensions import db
from elp.timeutil import uk_today
from elp.urls import path_for
from elp.waiting import CHARGES, Waiting

ROWS_MAX = 50


def _to_pay(school_id):
    return Charge.school_id == school_id, Charge.status.in_(STILL_DUE)


def charges_waiting_count():
    """How many charges the school has still to pay (the menu's "Charges (1)"), as a scalar
    subquery with the parameter `school_id`, read with the other sections' counts in one
    statement."""
    return select(func.count(Charge.id)).where(*_to_pay(bindparam("school_id"))).scalar_subquery()


def charges_waiting(school_id, today=None):
    """The charges the school has still to pay, as `Waiting` items, the soonest due first."""
    today = today or uk_today()
    charges = db.session.scalars(
        select(Charge)
        .where(*_to_pay(school_id))
        .options(joinedload(Charge.booking))
        .order_by(Charge.due_date, Charge.id)
        .limit(ROWS_MAX)
    )
    return [_item(charge, today) for charge in charges]


def _item(charge, today):
    overdue = charge.due_date < today
    return Waiting(
        CHARGES,
        f"Pay {money.format_pence(charge.amount_due_pence)} for ‘{charge.booking.offer_title}’ "
        f"(invoice {charge.invoice_number})",
        path_for("charges.show", charge_id=charge.id),
        charge.due_date,
        "Was due by" if overdue else "Due by",
        amount_pence=charge.amount_due_pence,
        tag="Overdue" if overdue else None,
    )


# --- What waits on ELP admins ---------------------------------------------------------------


def count_flagged_for_attention():
    """Charges flagged for an admin's attention (a payment that did not match, a paid charge
    on a booking cancelled before delivery), as the webhook and cancellations flag them."""
    return db.session.scalar(select(func.count(Charge.id)).where(Charge.needs_attention))


def overdue_charges(today=None):
    """(how many charges are overdue, their gross pence) across every school."""
    today = today or uk_today()
    count, gross = db.session.execute(
        select(func.count(Charge.id), func.coalesce(func.sum(Charge.gross_pence - Charge.amount_paid_pence), 0)).where(
            Charge.status.in_(STILL_DUE), Charge.due_date < today
        )
    ).one()
    return count, int(gross)
