"""Reading a request: what a school has seen, and the timeline of proposals and messages.
Kept apart from the actions in `services`."""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from elp.extensions import db
from elp.negotiation.models import RequestRead
from elp.negotiation.terms import changes_between
from elp.timeutil import utcnow


def last_read_at(support_request, school_id):
    """When the school last read the request; None if it never has."""
    return db.session.scalar(
        select(RequestRead.read_at).where(
            RequestRead.request_id == support_request.id, RequestRead.school_id == school_id
        )
    )


def mark_read(support_request, school_id, read_at):
    """Record that the school has seen the request as it is now; `read_at` is its last
    reading (None if it has never read the request), as services.request_and_reading loads it
    with the request. Seeing nothing new since writes nothing, so opening a request takes no
    write lock; otherwise an upsert, so two of its users opening the page at once both
    succeed."""
    if read_at is not None and read_at >= support_request.last_activity_at:
        return
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


def timeline(support_request):
    """The proposals and messages in the order they were sent: (kind, item, changed fields),
    where a proposal's changed fields are those that differ from the proposal before it."""
    entries = []
    previous = None
    for proposal in support_request.proposals:
        entries.append(("proposal", proposal, changes_between(previous, proposal)))
        previous = proposal
    entries += [("message", message, set()) for message in support_request.messages]
    return sorted(entries, key=lambda entry: (entry[1].created_at, entry[0] == "message"))
