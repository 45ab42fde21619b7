"""Time helpers: every stored timestamp is timezone-aware UTC."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, TypeDecorator

# Schools read times in UK time; the database keeps UTC.
UK_TIME = ZoneInfo("Europe/London")


def utcnow():
    return datetime.now(UTC)


def format_date(value):
    """A timestamp (or a date) as a UK date, the GOV.UK way: "5 March 2026"."""
    if value is None:
        return ""
    local = value.astimezone(UK_TIME) if isinstance(value, datetime) else value
    return f"{local.day} {local:%B %Y}"


def format_datetime(value):
    """A timestamp in UK time: "5 March 2026 at 2:30pm"."""
    if value is None:
        return ""
    local = value.astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    return f"{format_date(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware.

    SQLite drops the zone; PostgreSQL keeps it. Both give back aware UTC datetimes here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def uk_today():
    """Today's date in the UK, where invoices are dated and payments received."""
    return utcnow().astimezone(UK_TIME).date()
