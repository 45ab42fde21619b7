"""The audit log as ELP admins read it: every event, newest first, filtered; read-only.

Which events belong to a school: those whose subject is the school or something that belongs
to it (one of its users, access codes, invitations or offers; a request or booking it is a
party to), and those whose details name it (`school_id`, as access codes and invitations
record). SCHOOL_SUBJECTS says how each kind of subject belongs to a school; a new kind of
subject (a service charge, say) is one more entry.
"""

import json
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select

from elp.accounts.models import AccessCode, Invitation, School, User
from elp.audit import AuditEvent
from elp.billing.models import Charge
from elp.bookings.models import Booking
from elp.extensions import db
from elp.negotiation.models import SupportRequest
from elp.offers.models import Offer
from elp.reports.periods import Period
from elp.timeutil import UK_TIME

EVENTS_PER_PAGE = 50


def _party_to(model):
    return lambda schools: select(model.id).where(
        or_(model.seeking_school_id.in_(schools), model.offering_school_id.in_(schools))
    )


def _owned_by(model):
    return lambda schools: select(model.id).where(model.school_id.in_(schools))


# subject_type (the subject's class name, as elp.audit.record writes it) → the ids of such
# subjects that belong to the schools selected by a subquery of school ids.
SCHOOL_SUBJECTS = {
    "School": lambda schools: schools,
    "User": _owned_by(User),
    "AccessCode": _owned_by(AccessCode),
    "Invitation": _owned_by(Invitation),
    "Offer": _owned_by(Offer),
    "SupportRequest": _party_to(SupportRequest),
    "Booking": _party_to(Booking),
    "Charge": _owned_by(Charge),
}

SUBJECT_NAMES = {
    "School": "School",
    "User": "User",
    "AccessCode": "Access code",
    "Invitation": "Invitation",
    "Offer": "Offer",
    "SupportRequest": "Request",
    "Booking": "Booking",
    "Charge": "Service charge",
    "Category": "Category",
    "ApiToken": "API token",
    "SchoolImport": "School import",
    "Setting": "Setting",
}


@dataclass(frozen=True)
class AuditFilters:
    period: Period = field(default_factory=Period)
    actor: str = ""  # part of a name or email address
    school: str = ""  # part of a school's name, or its whole URN
    kind: str = ""  # an action, such as "request.accepted"


def matching_schools(text):
    """SQL: the ids of the schools whose name contains the text, or whose URN it is."""
    return select(School.id).where(
        or_(School.name.icontains(text, autoescape=True), School.urn == text)
    )


def belongs_to_schools(schools):
    """SQL: the event is about one of these schools (a subquery of school ids)."""
    return or_(
        *[
            and_(AuditEvent.subject_type == subject_type, AuditEvent.subject_id.in_(ids(schools)))
            for subject_type, ids in SCHOOL_SUBJECTS.items()
        ],
        AuditEvent.details["school_id"].as_integer().in_(schools),
    )


def _conditions(filters):
    conditions = filters.period.within(AuditEvent.occurred_at)
    if filters.kind:
        conditions.append(AuditEvent.action == filters.kind)
    if filters.actor:
        conditions.append(
            AuditEvent.actor_id.in_(
                select(User.id).where(
                    or_(
                        User.full_name.icontains(filters.actor, autoescape=True),
                        User.email.icontains(filters.actor, autoescape=True),
                    )
                )
            )
        )
    if filters.school:
        conditions.append(belongs_to_schools(matching_schools(filters.school)))
    return conditions


def _newest_first(statement):
    return statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def find_events(filters, page=1):
    """A page of events, newest first, and the users who did them ({id: User})."""
    statement = _newest_first(select(AuditEvent).where(*_conditions(filters)))
    events = db.paginate(statement, page=page, per_page=EVENTS_PER_PAGE, error_out=False)
    actor_ids = {event.actor_id for event in events.items if event.actor_id is not None}
    actors = {}
    if actor_ids:
        actors = {
            user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))
        }
    return events, actors


def kinds():
    """Every kind of event the log holds, in order."""
    return db.session.scalars(
        select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).all()


CSV_COLUMNS = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_email",
    "action",
    "subject_type",
    "subject_id",
    "reason",
    "details",
]


def csv_rows(filters):
    """Every event the filters select, newest first, as CSV rows; read in batches, so a long
    log is streamed, never held in memory whole."""
    statement = _newest_first(
        select(AuditEvent, User.full_name, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*_conditions(filters))
    ).execution_options(yield_per=500)
    for event, actor_name, actor_email in db.session.execute(statement):
        yield [
            event.id,
            event.occurred_at.astimezone(UK_TIME).isoformat(timespec="seconds"),
            event.actor_id or "",
            actor_name or "",
            actor_email or "",
            event.action,
            event.subject_type,
            event.subject_id or "",
            event.reason or "",
            json.dumps(event.details or {}, sort_keys=True, ensure_ascii=False, default=str),
        ]
