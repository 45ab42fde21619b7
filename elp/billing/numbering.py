"""Gap-free yearly numbers for invoices (ELP-2026-000123) and credit notes (CN-2026-000001).

A database sequence is not gap-free (a rolled-back transaction loses its number), so each
kind and year has a counter row, incremented by one conditional UPDATE in the transaction
that uses the number. The UPDATE takes the row's write lock until that transaction ends:
a second booking numbering at the same moment waits for the first to commit or roll back,
then reads the number after it. A rolled-back booking rolls its increment back with it.
The year's row is created on first use with an INSERT that does nothing if another
transaction made it first (decision 13).
"""

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from elp.billing.models import DOCUMENT_PREFIXES, DocumentCounter
from elp.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_number(kind, year):
    """Take the next number of this kind in this year, in the caller's transaction."""
    number = _increment(kind, year)
    if number is None:
        insert = _INSERTS[db.session.get_bind().dialect.name]
        db.session.execute(
            insert(DocumentCounter)
            .values(kind=str(kind), year=year, last_number=0)
            .on_conflict_do_nothing(index_elements=["kind", "year"])
        )
        number = _increment(kind, year)
    return number


def _increment(kind, year):
    return db.session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.kind == str(kind), DocumentCounter.year == year)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def format_number(kind, year, number):
    """ELP-2026-000123, CN-2026-000001 (more than six digits if a year ever needs them)."""
    return f"{DOCUMENT_PREFIXES[kind]}-{year}-{number:06d}"


def issue_number(kind, on):
    """The next number of this kind for a document dated `on`, formatted."""
    return format_number(kind, on.year, next_number(kind, on.year))
