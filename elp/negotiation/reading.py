"""Reading a request: what a school has seen, and the timeline of proposals and messages.
Kept apart from the actions in `services`."""

from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from elp.accounts import services as accounts
from elp.extensions import db
from elp.negotiation.models import Message, Proposal, RequestRead
from elp.negotiation.terms import changes_between
from elp.timeutil import utcnow


def last_read_at(support_request, school_id):
    """When the school last read the request; None if it never has."""
    return db.session.scalar(
        select(RequestRead.read_at).where(
            RequestRead.request_id == support_request.id, RequestRead.school_id == school_id
        )
    )


def has_news(support_request, read_at):
    """Whether the request changed since the school last read it (`read_at`; None: never
    read, as services.request_and_reading loads it with the request)."""
    return read_at is None or read_at < support_request.last_activity_at


def mark_read(support_request, school_id):
    """Record that the school has seen the request as it is now: an upsert, so two of its
    users opening the page at once both succeed."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    now = utcnow()
    statement = dialect.insert(RequestRead).values(
        request_id=support_request.id, school_id=school_id, read_at=now
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[RequestRead.request_id, RequestRead.school_id],
            set_={"read_at": now},
        )
    )


class TimelineEntry(NamedTuple):
    kind: str  # "proposal" or "message"
    item: Proposal | Message
    school_name: str  # of the school that sent it
    author_name: str  # of the user who wrote it
    changed: set  # a proposal's fields that differ from the proposal before it


def timeline(support_request):
    """The proposals and messages in the order they were sent, as TimelineEntry rows.

    Each kind is read in one query with its authors' names, not as loaded schools and users:
    loading those was a third of the request page's time. The proposals read become the
    request's `proposals`, so its latest proposal needs no query of its own."""
    proposals = db.session.execute(_PROPOSALS_SENT, {"request_id": support_request.id}).all()
    set_committed_value(support_request, "proposals", [proposal for proposal, _, _ in proposals])
    entries, previous = [], None
    for proposal, school_name, author_name in proposals:
        entries.append(
            TimelineEntry(
                "proposal", proposal, school_name, author_name, changes_between(previous, proposal)
            )
        )
        previous = proposal
    entries += [
        TimelineEntry("message", message, school_name, author_name, set())
        for message, school_name, author_name in db.session.execute(
            _MESSAGES_SENT, {"request_id": support_request.id}
        )
    ]
    return sorted(entries, key=lambda entry: (entry.item.created_at, entry.kind == "message"))


def _sent_with_authors(model):
    """The query of a request's proposals or messages in the order sent, with who sent each:
    rows of (item, school name, author name)."""
    schools = accounts.school_names()
    return (
        select(model, schools.c.name, accounts.name_of_user(model.author_id))
        .join(schools, schools.c.id == model.author_school_id)
        .where(model.request_id == bindparam("request_id"))
        .order_by(model.id)
    )


# Built once: building them and their cache keys anew cost as much as running them.
_PROPOSALS_SENT = _sent_with_authors(Proposal)
_MESSAGES_SENT = _sent_with_authors(Message)
