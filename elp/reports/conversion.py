"""Conversion: of the requests sent in the period, how many were agreed (became bookings) and
how many of those were completed, and the median days from request to agreement."""

from collections import defaultdict
from statistics import median

from sqlalchemy import case, func, select

from elp.accounts.models import School
from elp.bookings.models import Booking, BookingStatus
from elp.extensions import db
from elp.negotiation.models import SupportRequest
from elp.reports.counting import district_name
from elp.reports.figures import (
    COUNT,
    DAYS,
    PERCENT,
    Chart,
    Column,
    CsvTable,
    Figures,
    Series,
    Table,
)

ALL_DISTRICTS = "All districts"
SECONDS_A_DAY = 86_400


def _conditions(period, district):
    conditions = period.within(SupportRequest.created_at)
    if district:
        conditions.append(School.district == district)
    return conditions


def counts_by_district(period, district=None):
    """{district: (requests, agreed, completed)} for requests sent in the period, by the
    seeking school's district."""
    statement = (
        select(
            School.district,
            func.count(SupportRequest.id),
            func.count(Booking.id),
            func.count(case((Booking.status == BookingStatus.COMPLETED, Booking.id))),
        )
        .select_from(SupportRequest)
        .join(School, School.id == SupportRequest.seeking_school_id)
        .outerjoin(Booking, Booking.request_id == SupportRequest.id)
        .where(*_conditions(period, district))
        .group_by(School.district)
    )
    return {name: (requests, agreed, completed) for name, requests, agreed, completed in
            db.session.execute(statement)}  # fmt: skip


def days_to_agreement(period, district=None):
    """{district: [days from request to agreement]} for the requests sent in the period that
    were agreed (whatever became of the booking later)."""
    statement = (
        select(School.district, SupportRequest.created_at, Booking.created_at)
        .select_from(SupportRequest)
        .join(School, School.id == SupportRequest.seeking_school_id)
        .join(Booking, Booking.request_id == SupportRequest.id)
        .where(*_conditions(period, district))
    )
    days = defaultdict(list)
    for name, requested_at, agreed_at in db.session.execute(statement):
        days[name].append((agreed_at - requested_at).total_seconds() / SECONDS_A_DAY)
    return days


def figures_by_district(period, district=None):
    """({district: (requests, agreed, completed)}, {district: median days from request to
    agreement}, the median over every district) for the requests sent in the period.
    PostgreSQL counts and takes the medians in one pass over the period's requests;
    elsewhere the agreed requests' days are read and their medians worked out here (a
    year of England's agreements is 150 000 rows to read)."""
    if db.session.get_bind().dialect.name != "postgresql":
        counts = counts_by_district(period, district)
        days = days_to_agreement(period, district)
        every_day = [day for values in days.values() for day in values]
        overall = median(every_day) if every_day else None
        return counts, {name: median(values) for name, values in days.items()}, overall
    seconds = func.extract("epoch", Booking.created_at - SupportRequest.created_at)
    statement = (
        select(
            School.district,
            func.grouping(School.district),
            func.count(SupportRequest.id),
            func.count(Booking.id),
            func.count(case((Booking.status == BookingStatus.COMPLETED, Booking.id))),
            # Requests not agreed have no booking: NULL days, which the median leaves out.
            func.percentile_cont(0.5).within_group(seconds / SECONDS_A_DAY),
        )
        .select_from(SupportRequest)
        .join(School, School.id == SupportRequest.seeking_school_id)
        .outerjoin(Booking, Booking.request_id == SupportRequest.id)
        .where(*_conditions(period, district))
        .group_by(func.rollup(School.district))
    )
    counts, medians, overall = {}, {}, None
    for name, is_total, requests, agreed, completed, days in db.session.execute(statement):
        days = None if days is None else float(days)
        if is_total:
            overall = days
        else:
            counts[name] = (requests, agreed, completed)
            if days is not None:
                medians[name] = days
    return counts, medians, overall


def _share(part, whole):
    return 100 * part / whole if whole else None


def build(period, district):
    counts, medians, overall = figures_by_district(period, district)
    rows = []
    for name in sorted(counts, key=lambda name: (name is None, name or "")):
        requests, agreed, completed = counts[name]
        rows.append([district_name(name), requests, agreed, completed, medians.get(name)])
    totals = [sum(row[index] for row in rows) for index in (1, 2, 3)]
    rows.append([ALL_DISTRICTS, *totals, overall])

    def row_figures(name, requests, agreed, completed, median_days):
        return [
            name,
            requests,
            agreed,
            _share(agreed, requests),
            completed,
            _share(completed, requests),
            median_days,
        ]

    table_rows = [row_figures(*row) for row in rows]
    table = Table(
        "Requests sent in the period, and what became of them, by the asking school’s district",
        [
            Column("District"),
            Column("Requests", COUNT),
            Column("Agreed", COUNT),
            Column("Agreed, share of requests", PERCENT),
            Column("Completed", COUNT),
            Column("Completed, share of requests", PERCENT),
            Column("Median days from request to agreement", DAYS),
        ],
        table_rows,
    )
    requests, agreed, completed = totals
    total_median = table_rows[-1][-1]
    chart = Chart(
        "stages",
        "From request to completed booking",
        "horizontal_bar",
        ["Requests", "Agreed", "Completed"],
        [Series("Requests sent in the period", [requests, agreed, completed])],
    )
    summary = [
        ("Requests", f"{requests:,}"),
        ("Agreed", f"{agreed:,}" + _percent_note(agreed, requests)),
        ("Completed", f"{completed:,}" + _percent_note(completed, requests)),
        (
            "Median days from request to agreement",
            "–" if total_median is None else f"{total_median:,.1f}",
        ),
    ]
    csv_rows = [
        [
            row[0],
            row[1],
            row[2],
            row[4],
            "" if row[6] is None else f"{row[6]:.1f}",
        ]
        for row in table_rows
    ]
    csv = CsvTable(
        ["district", "requests", "agreed", "completed", "median_days_to_agreement"], csv_rows
    )
    return Figures([table], [chart], csv, summary)


def _percent_note(part, whole):
    return f" ({_share(part, whole):.0f}% of requests)" if whole else ""
