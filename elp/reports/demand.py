"""What is asked for and booked: top categories and specialisms, and which districts supply
support to which."""

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from elp.accounts.models import DISTRICT_NAMES, School
from elp.bookings.models import Booking, BookingStatus
from elp.extensions import db
from elp.negotiation.models import SupportRequest
from elp.offers.models import Category, Offer, Specialism, offer_specialism
from elp.reports.counting import UNKNOWN_DISTRICT, district_name, schools_in
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

TOP_SPECIALISMS = 20


def _requests(period, district):
    conditions = period.within(SupportRequest.created_at)
    if district:
        conditions.append(SupportRequest.seeking_school_id.in_(schools_in(district)))
    return SupportRequest.offer_id, conditions


def _bookings(period, district):
    conditions = [*period.within(Booking.created_at), Booking.status != BookingStatus.CANCELLED]
    if district:
        conditions.append(Booking.seeking_school_id.in_(schools_in(district)))
    return Booking.offer_id, conditions


def _count_by(name_column, joins, offer_id, conditions):
    statement = select(name_column, func.count()).select_from(offer_id.table)
    statement = statement.join(Offer, Offer.id == offer_id)
    for target, on in joins:
        statement = statement.join(target, on)
    return dict(db.session.execute(statement.where(*conditions).group_by(name_column)).all())


_CATEGORY_JOINS = [(Category, Category.id == Offer.category_id)]
_SPECIALISM_JOINS = [
    (offer_specialism, offer_specialism.c.offer_id == Offer.id),
    (Specialism, Specialism.id == offer_specialism.c.specialism_id),
]


def requested_and_booked(name_column, joins, period, district):
    """[(name, requests, bookings)], most requested first, for a name the offer carries."""
    requested = _count_by(name_column, joins, *_requests(period, district))
    booked = _count_by(name_column, joins, *_bookings(period, district))
    names = set(requested) | set(booked)
    rows = [(name, requested.get(name, 0), booked.get(name, 0)) for name in names]
    return sorted(rows, key=lambda row: (-row[1], -row[2], row[0]))


def build_specialisms(period, district):
    categories = requested_and_booked(Category.name, _CATEGORY_JOINS, period, district)
    specialisms = requested_and_booked(Specialism.name, _SPECIALISM_JOINS, period, district)
    top = specialisms[:TOP_SPECIALISMS]
    columns = [Column("Requests", COUNT), Column("Bookings", COUNT)]
    tables = [
        Table(
            "Categories of the offers requested and booked",
            [Column("Category"), *columns],
            [list(row) for row in categories],
        ),
        Table(
            f"The {TOP_SPECIALISMS} specialisms most requested, with their bookings",
            [Column("Specialism"), *columns],
            [list(row) for row in top],
        ),
    ]
    charts = [
        Chart(
            name,
            title,
            "horizontal_bar",
            [row[0] for row in rows],
            [
                Series("Requests", [row[1] for row in rows]),
                Series("Bookings", [row[2] for row in rows]),
            ],
        )
        for name, title, rows in (
            ("categories", "Categories requested and booked", categories),
            ("specialisms", "Specialisms most requested, and booked", top[:10]),
        )
    ]
    csv_rows = [["category", *row] for row in categories] + [
        ["specialism", *row] for row in specialisms
    ]
    return Figures(tables, charts, CsvTable(["kind", "name", "requests", "bookings"], csv_rows))


def bookings_between_districts(period, district=None):
    """{(receiving district, supplying district): (bookings, value)} for the bookings agreed
    in the period and not cancelled; with a district, those where either school is in it."""
    seeking, offering = aliased(School), aliased(School)
    conditions = [*period.within(Booking.created_at), Booking.status != BookingStatus.CANCELLED]
    if district:
        conditions.append(or_(seeking.district == district, offering.district == district))
    statement = (
        select(seeking.district, offering.district, func.count(), func.sum(Booking.total_pence))
        .select_from(Booking)
        .join(seeking, seeking.id == Booking.seeking_school_id)
        .join(offering, and_(offering.id == Booking.offering_school_id))
        .where(*conditions)
        .group_by(seeking.district, offering.district)
    )
    return {
        (receiving, supplying): (count, int(value or 0))
        for receiving, supplying, count, value in db.session.execute(statement)
    }


def build_districts(period, district):
    pairs = bookings_between_districts(period, district)
    found = {name for pair in pairs for name in pair}
    names = list(DISTRICT_NAMES) + sorted(
        name for name in found if name and name not in DISTRICT_NAMES
    )
    if None in found:
        names.append(None)
    matrix = Table(
        "Bookings agreed in the period: each row is the district of the schools that received "
        "support, each column the district of the schools that gave it",
        [Column("Received by ↓ / given by →")]
        + [Column(district_name(name), COUNT) for name in names]
        + [Column("Total received", COUNT)],
        [
            [district_name(receiving)]
            + [pairs.get((receiving, supplying), (0, 0))[0] for supplying in names]
            + [sum(pairs.get((receiving, supplying), (0, 0))[0] for supplying in names)]
            for receiving in names
        ]
        + [
            ["Total given"]
            + [sum(pairs.get((receiving, supplying), (0, 0))[0] for receiving in names)
               for supplying in names]
            + [sum(count for count, _ in pairs.values())]
        ],
    )  # fmt: skip
    balance_rows = []
    for name in names:
        given = [figures for (_, supplying), figures in pairs.items() if supplying == name]
        received = [figures for (receiving, _), figures in pairs.items() if receiving == name]
        balance_rows.append(
            [
                district_name(name),
                sum(count for count, _ in given),
                sum(count for count, _ in received),
                sum(value for _, value in given),
                sum(value for _, value in received),
            ]
        )
    balance = Table(
        "Support each district gave and received",
        [
            Column("District"),
            Column("Bookings given", COUNT),
            Column("Bookings received", COUNT),
            Column("Value given", MONEY),
            Column("Value received", MONEY),
        ],
        balance_rows,
    )
    chart = Chart(
        "balance",
        "Bookings each district gave and received",
        "horizontal_bar",
        [row[0] for row in balance_rows],
        [Series("Given", [row[1] for row in balance_rows]),
         Series("Received", [row[2] for row in balance_rows])],
    )  # fmt: skip
    csv_rows = [
        [district_name(receiving), district_name(supplying), count, pounds(value)]
        for (receiving, supplying), (count, value) in sorted(
            pairs.items(), key=lambda item: (item[0][0] or "~", item[0][1] or "~")
        )
    ]
    csv = CsvTable(["receiving_district", "giving_district", "bookings", "booked_value"], csv_rows)
    return Figures([balance, matrix], [chart], csv)


__all__ = ["UNKNOWN_DISTRICT", "build_districts", "build_specialisms"]
