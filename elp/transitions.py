"""The one way anything changes state: a table per aggregate of (state, action, party) → new
state, applied as a compare-and-set.

Every aggregate with a status (offer, access code, invitation, request, booking, charge) has
a `StateMachine` built from `Transition` rows, and a `version` column mapped as SQLAlchemy's
`version_id_col`. `StateMachine.apply` checks the table, sets the new status, writes the audit
event and flushes: the flush updates the row only if its version is still the one this
request read, so of two people acting on the same thing at once exactly one wins and the
other is told it changed meanwhile (`ActionRefused`), on SQLite and PostgreSQL alike.

Templates ask `actions_for` which buttons to show, so a button and its refusal come from the
same table.
"""

from dataclasses import dataclass

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from elp import audit
from elp.errors import ActionRefused
from elp.extensions import db


@dataclass(frozen=True)
class Transition:
    """One allowed move: `party` may take `action` on an aggregate in `state`."""

    state: str
    action: str
    party: str
    to: str


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


class StateMachine:
    """The transitions table of one aggregate.

    `noun` names the aggregate in messages and audit events ("offer" → "offer.published");
    `refusal(subject, action, party)` may return a more helpful message for a refused action.
    """

    def __init__(self, noun, transitions, refusal=None, status_attribute="status"):
        self.noun = noun
        self.transitions = tuple(transitions)
        self.table = {(t.state, t.action, t.party): t for t in self.transitions}
        self.actions = tuple(dict.fromkeys(t.action for t in self.transitions))
        self.states = tuple(dict.fromkeys(t.state for t in self.transitions))
        self._refusal = refusal
        self._status = status_attribute

    def find(self, state, action, party):
        """The transition for (state, action, party), or None where the table has none."""
        return self.table.get((state, action, party))

    def allows(self, subject, action, party):
        return self.find(self.status_of(subject), action, party) is not None

    def actions_for(self, subject, party):
        """The actions `party` may take on `subject` now, in the table's order (for buttons)."""
        state = self.status_of(subject)
        return [action for action in self.actions if (state, action, party) in self.table]

    def status_of(self, subject):
        return getattr(subject, self._status)

    def check(self, subject, action, party):
        """Return the transition, or refuse with a clear message."""
        transition = self.find(self.status_of(subject), action, party)
        if transition is None:
            message = self._refusal(subject, action, party) if self._refusal else None
            raise ActionRefused(message or self.default_refusal(subject, action))
        return transition

    def default_refusal(self, subject, action):
        state = str(self.status_of(subject)).replace("_", " ")
        return f"You cannot {action.replace('_', ' ')} this {self.noun} now: it is {state}."

    def apply(self, subject, action, party, actor, reason=None, **audit_details):
        """Move `subject` along the table, audit it and flush as a compare-and-set."""
        transition = self.check(subject, action, party)
        old = self.status_of(subject)
        setattr(subject, self._status, transition.to)
        db.session.add(subject)
        save(self.noun)  # the subject's id exists for the audit event, and the race is settled
        audit.record(
            f"{self.noun}.{action}",
            subject,
            actor=actor,
            reason=reason,
            old_status=str(old),
            status=str(transition.to),
            **audit_details,
        )
        return transition
