"""Schools that have joined the service, and those that have not, by district.

A school joined when its first user account was made (redeeming an access code makes the
school's first lead); it stays joined if its users are later removed.
"""

from sqlalchemy import and_, case, func, select

from elp.accounts.models import DISTRICT_NAMES, School, User
from elp.extensions import db
from elp.reports.counting import district_name
from elp.reports.figures import COUNT, PERCENT, Chart, Column, CsvTable, Figures, Series, Table


def joined_by_district(period, district=None):
    """{district: (schools, joined by the end of the period, joined during the period)}."""
    first_user = (
        select(User.school_id, func.min(User.created_at).label("joined_at"))
        .where(User.school_id.is_not(None))
        .group_by(User.school_id)
        .subquery()
    )
    joined_at = first_user.c.joined_at
    by_end = [joined_at.is_not(None)]
    if period.end is not None:
        by_end.append(joined_at < period.end)
    during = [joined_at.is_not(None), *period.within(joined_at)]
    statement = (
        select(
            School.district,
            func.count(School.id),
            func.count(case((and_(*by_end), School.id))),
            func.count(case((and_(*during), School.id))),
        )
        .select_from(School)
        .outerjoin(first_user, first_user.c.school_id == School.id)
        .group_by(School.district)
    )
    if district:
        statement = statement.where(School.district == district)
    return {name: tuple(counts) for name, *counts in db.session.execute(statement)}


def build(period, district):
    counts = joined_by_district(period, district)
    names = [name for name in DISTRICT_NAMES if name in counts or not district]
    names += sorted(name for name in counts if name and name not in DISTRICT_NAMES)
    if None in counts:
        names.append(None)
    rows = []
    for name in names:
        schools, joined, joined_during = counts.get(name, (0, 0, 0))
        rows.append([district_name(name), schools, joined, schools - joined, joined_during])
    totals = [sum(row[index] for row in rows) for index in range(1, 5)]
    table_rows = [[*row, 100 * row[2] / row[1] if row[1] else None] for row in rows]
    total_share = 100 * totals[1] / totals[0] if totals[0] else None
    table_rows.append(["All districts", *totals, total_share])
    table = Table(
        "Schools that had joined by the end of the period, and those that had not, by district",
        [
            Column("District"),
            Column("Schools", COUNT),
            Column("Joined", COUNT),
            Column("Not joined", COUNT),
            Column("Joined during the period", COUNT),
            Column("Joined, share of schools", PERCENT),
        ],
        table_rows,
    )
    chart = Chart(
        "districts",
        "Schools joined and not joined, by district",
        "horizontal_stacked_bar",
        [row[0] for row in rows],
        [
            Series("Joined", [row[2] for row in rows]),
            Series("Not joined", [row[3] for row in rows]),
        ],
    )
    csv = CsvTable(["district", "schools", "joined", "not_joined", "joined_during_period"], rows)
    return Figures([table], [chart], csv)
