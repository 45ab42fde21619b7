"""This week's figures for the admin home page, counted as the reports count them."""

from dataclasses import dataclass

from sqlalchemy import func, select

from elp.billing.models import Charge, ChargeStatus
from elp.billing.review import overdue
from elp.bookings.models import Booking, BookingStatus
from elp.extensions import db
from elp.negotiation.models import SupportRequest
from elp.offers.moderation_queue import awaiting_count
from elp.reports.periods import Period, this_week, today_in_uk


@dataclass(frozen=True)
class WeekFigures:
    period: Period  # Monday of this week (UK time) to today
    new_requests: int
    bookings: int  # agreed this week and not cancelled
    booked_value: int  # pence
    # Charges not paid yet, whenever invoiced: (how many, gross pence); overdue ones too.
    charges_outstanding: tuple = (0, 0)
    charges_overdue: tuple = (0, 0)
    offers_awaiting_moderation: int = 0  # whenever published or changed


def this_weeks_figures(now=None):
    period = this_week(now)
    new_requests = db.session.scalar(
        select(func.count(SupportRequest.id)).where(*period.within(SupportRequest.created_at))
    )
    bookings, booked_value = db.session.execute(
        select(func.count(Booking.id), func.coalesce(func.sum(Booking.total_pence), 0)).where(
            *period.within(Booking.created_at), Booking.status != BookingStatus.CANCELLED
        )
    ).one()
    return WeekFigures(
        period,
        new_requests,
        bookings,
        int(booked_value),
        _charges(Charge.status == ChargeStatus.PENDING),
        _charges(*overdue(today_in_uk(now))),
        awaiting_count(),
    )


def _charges(*conditions):
    count, gross = db.session.execute(
        select(func.count(Charge.id), func.coalesce(func.sum(Charge.gross_pence), 0)).where(
            *conditions
        )
    ).one()
    return count, int(gross)
