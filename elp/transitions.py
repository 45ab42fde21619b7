"""Compare-and-set for state changes.

An aggregate with a status (offer now; access codes, invitations, requests, bookings and
charges to follow) has a `version` column mapped as SQLAlchemy's `version_id_col`. Every
UPDATE of its row then says `WHERE version = <the version this request read>`, so of two
people acting on the same thing at once exactly one wins; `save` tells the other that it
changed meanwhile (`ActionRefused`), on SQLite and PostgreSQL alike.
"""

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from elp.errors import ActionRefused
from elp.extensions import db


class Versioned:
    """Mixin for an aggregate: a version column that every UPDATE checks and increments."""

    version: Mapped[int] = mapped_column(Integer, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def changed_meanwhile(noun=None):
    this = f"this {noun}" if noun else "this"
    return (
        f"Someone else changed {this} while you were looking at it. "
        "Check what it says now and try again."
    )


def save(noun):
    """Flush the session as a compare-and-set: refuse if a row changed since it was read."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ActionRefused(changed_meanwhile(noun)) from None
