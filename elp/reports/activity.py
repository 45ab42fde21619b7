"""Requests, bookings, booked value and service charges by month.

Each column of the report is a monthly series: a function decorated with
`@monthly_series(...)` that returns one figure per month. Adding a column (service charges by
month, say) is adding one such function; the table, the charts and the CSV file pick it up.
"""

from dataclasses import dataclass

from sqlalchemy import literal

from elp.billing.models import Charge, ChargeStatus
from elp.bookings.models import Booking, BookingStatus
from elp.negotiation.models import SupportRequest
from elp.reports.counting import schools_in, totals_by_month
from elp.reports.figures import (
    COUNT,
    MONEY,
    Chart,
    Column,
    CsvTable,
    Figures,
    Series,
    Table,
    pounds,
)


@dataclass(frozen=True)
class MonthlySeries:
    key: str  # its CSV column
    heading: str  # its table column and chart legend
    kind: str  # COUNT or MONEY (pence)
    figures: object  # figures(months, district) -> one value per month


MONTHLY_SERIES = []


def monthly_series(key, heading, kind=COUNT):
    """Register a function(months, district) as a column of the report, in this order."""

    def register(function):
        MONTHLY_SERIES.append(MonthlySeries(key, heading, kind, function))
        return function

    return register


@monthly_series("requests", "Requests")
def requests_by_month(months, district):
    """Requests sent in each month, by schools in the district."""
    conditions = []
    if district:
        conditions.append(SupportRequest.seeking_school_id.in_(schools_in(district)))
    totals = totals_by_month(months, SupportRequest.created_at, literal(1), *conditions)
    return [count for count, _ in totals]


def _bookings_by_month(months, district):
    """(count, value) of the bookings agreed in each month and not cancelled since."""
    conditions = [Booking.status != BookingStatus.CANCELLED]
    if district:
        conditions.append(Booking.seeking_school_id.in_(schools_in(district)))
    return totals_by_month(months, Booking.created_at, Booking.total_pence, *conditions)


@monthly_series("bookings", "Bookings")
def bookings_by_month(months, district):
    return [count for count, _ in _bookings_by_month(months, district)]


@monthly_series("booked_value", "Booked value", kind=MONEY)
def booked_value_by_month(months, district):
    return [value for _, value in _bookings_by_month(months, district)]


# Charges that were levied and stand: a voided charge (its booking cancelled) or a waived one
# is not income.
NOT_CHARGED = (ChargeStatus.VOID, ChargeStatus.WAIVED)


@monthly_series("service_charges", "Service charges", kind=MONEY)
def service_charges_by_month(months, district):
    """Net service charges invoiced in each month, to paying schools in the district."""
    conditions = [Charge.status.not_in(NOT_CHARGED)]
    if district:
        conditions.append(Charge.school_id.in_(schools_in(district)))
    totals = totals_by_month(months, Charge.created_at, Charge.net_pence, *conditions)
    return [value for _, value in totals]


def build(period, district):
    months = period.months()
    columns = {series.key: series.figures(months, district) for series in MONTHLY_SERIES}
    table = Table(
        "Requests, bookings, booked value and service charges by month",
        [Column("Month")] + [Column(series.heading, series.kind) for series in MONTHLY_SERIES],
        [
            [month.label] + [columns[series.key][index] for series in MONTHLY_SERIES]
            for index, month in enumerate(months)
        ]
        + [["Total"] + [sum(columns[series.key]) for series in MONTHLY_SERIES]],
    )
    labels = [month.short_label for month in months]
    charts = [
        Chart(
            name,
            title,
            "bar",
            labels,
            [Series(s.heading, columns[s.key]) for s in MONTHLY_SERIES if s.kind == kind],
            kind,
        )
        for name, title, kind in (
            ("counts", "Requests and bookings by month", COUNT),
            ("value", "Booked value and service charges by month", MONEY),
        )
    ]
    csv_rows = [
        [month.key] + [_csv_value(series, columns[series.key][index]) for series in MONTHLY_SERIES]
        for index, month in enumerate(months)
    ]
    return Figures(
        [table], charts, CsvTable(["month"] + [series.key for series in MONTHLY_SERIES], csv_rows)
    )


def _csv_value(series, value):
    return pounds(value) if series.kind == MONEY else value
