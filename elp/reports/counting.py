"""Counting rows by month and by district in SQL, the same way on SQLite and PostgreSQL."""

from sqlalchemy import case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from elp.accounts.models import School
from elp.extensions import db
from elp.timeutil import UTCDateTime

UNKNOWN_DISTRICT = "No district recorded"


def month_bucket(column, months):
    """A SQL expression: the index of the month the timestamp column falls in.

    Month boundaries are UK midnights worked out in Python, so the database needs no time
    zone rules and both engines group alike.
    """
    return case(*[(column < month.end, index) for index, month in enumerate(months)])


def totals_by_month(months, timestamp, value, *conditions):
    """[(count, sum of value)] for each month: rows whose timestamp falls in it and that meet
    the conditions. The month is computed in a subquery and grouped outside it, as
    PostgreSQL cannot match a GROUP BY expression that holds parameters."""
    rows = (
        select(month_bucket(timestamp, months).label("month"), value.label("value"))
        .where(timestamp >= months[0].start, timestamp < months[-1].end, *conditions)
        .subquery()
    )
    found = db.session.execute(
        select(rows.c.month, func.count(), func.coalesce(func.sum(rows.c.value), 0)).group_by(
            rows.c.month
        )
    ).all()
    totals = [(0, 0)] * len(months)
    for month, count, total in found:
        totals[month] = (count, int(total))
    return totals


def schools_in(district):
    """SQL: the ids of the schools in a district."""
    return select(School.id).where(School.district == district)


def district_name(district):
    return district or UNKNOWN_DISTRICT


class days_after(FunctionElement):
    """SQL: a timestamp column plus a whole number of days, on SQLite and PostgreSQL."""

    type = UTCDateTime()
    name = "days_after"
    inherit_cache = True


@compiles(days_after)
def _days_after(element, compiler, **kw):
    column, days = element.clauses
    return f"({compiler.process(column, **kw)} + make_interval(days => {compiler.process(days, **kw)}))"


@compiles(days_after, "sqlite")
def _days_after_on_sqlite(element, compiler, **kw):
    # SQLite keeps timestamps as text, "YYYY-MM-DD HH:MM:SS.ffffff"; this gives the same
    # form to the millisecond, which compares as text the same way.
    column, days = element.clauses
    return (
        f"strftime('%Y-%m-%d %H:%M:%f', {compiler.process(column, **kw)}, "
        f"'+' || {compiler.process(days, **kw)} || ' days')"
    )
