"""What needs you: everything that waits on a school's users (its requests, bookings,
charges and draft offers), the most urgent first, for the home page and the menu's counts;
and what waits on ELP admins, for the admin home page.

Each feature reads its own part through its services; this module only puts them in one
list. A page costs the same few queries whatever the number of things waiting (each
feature's part is one or two statements; lists are capped, with a link to the rest).
"""

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import select

from elp.billing import services as billing
from elp.bookings import services as bookings
from elp.extensions import db
from elp.negotiation import services as negotiation
from elp.notifications import services as notifications
from elp.offers import services as offers
from elp.search import saved_searches
from elp.waiting import BOOKINGS, CHARGES, REQUESTS, Waiting


@dataclass(frozen=True)
class WhatNeedsYou:
    items: list[Waiting]
    counts: dict = field(default_factory=dict)  # {section: how many wait there}
    next_event: Waiting | None = None  # when nothing waits: the next dated event


def for_school(school_id, user_id=None):
    """Everything waiting on the school, the most urgent first, with the user's own saved
    searches that have new matching offers; when nothing waits, the next dated event of its
    requests and bookings."""
    items = (
        negotiation.requests_waiting(school_id)
        + bookings.bookings_waiting(school_id)
        + billing.charges_waiting(school_id)
        + offers.drafts_waiting(school_id)
        + (saved_searches.searches_waiting(user_id) if user_id is not None else [])
    )
    items.sort(key=Waiting.sort_key)
    counts = {section: sum(item.section == section for item in items) for section in SECTIONS}
    next_event = None if items else _next_event(school_id)
    return WhatNeedsYou(items, counts, next_event)


# The menu's items that carry a count.
SECTIONS = (REQUESTS, BOOKINGS, CHARGES)


@cache
def _menu_statement(dialect_name):
    # Each feature gives its count as a scalar subquery: one statement for the three, on
    # every page a school user opens (built once per dialect).
    return select(
        negotiation.requests_waiting_count(),
        bookings.bookings_waiting_count(dialect_name),
        billing.charges_waiting_count(),
    )


def menu_counts(school_id, now=None):
    """{section: how many things wait there} for the menu: "Requests (2)"."""
    dialect_name = db.session.get_bind().dialect.name
    row = db.session.execute(
        _menu_statement(dialect_name),
        {"school_id": school_id, **bookings.count_parameters(now)},
    ).one()
    return dict(zip(SECTIONS, row, strict=True))


def _next_event(school_id):
    events = [
        event
        for event in (
            negotiation.next_answer_awaited(school_id),
            bookings.next_session(school_id),
        )
        if event is not None
    ]
    return min(events, key=Waiting.sort_key) if events else None


@dataclass(frozen=True)
class AdminWork:
    offers_awaiting_moderation: int
    payments_flagged: int
    charges_overdue: tuple  # (how many, gross pence)
    emails_not_sent: int

    @property
    def anything(self):
        return bool(
            self.offers_awaiting_moderation
            or self.payments_flagged
            or self.charges_overdue[0]
            or self.emails_not_sent
        )


def for_admins():
    """What waits on ELP admins: the moderation queue, payments flagged by the payment
    provider's webhook, overdue charges, and emails the outbox could not send."""
    return AdminWork(
        offers_awaiting_moderation=offers.count_awaiting_moderation(),
        payments_flagged=billing.count_flagged_for_attention(),
        charges_overdue=billing.overdue_charges(),
        emails_not_sent=notifications.count_failed_emails(),
    )
