"""The one mechanism for state changes: a table of transitions per aggregate, applied as a
compare-and-set.

Each aggregate with a status (offer, access code, invitation, request, booking, charge) has
a `StateMachine`: a table of (state, action, party) → new state. Services apply an action
with `machine.apply(...)`, which refuses what the table does not allow (`ActionRefused`,
shown as a clear message, never a 500), writes the audit event, and flushes the change as a
compare-and-set; templates ask `machine.actions_for(state, party)` which buttons to show, so
the buttons and the refusals come from the same table.

The compare-and-set: the aggregate has a `version` column mapped as SQLAlchemy's
`version_id_col`, so every UPDATE of its row says `WHERE version = <the version this request
read>`. Of two people acting on the same thing at once exactly one wins; `save` tells the
other that it changed meanwhile, on SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from elp import audit
from elp.errors import ActionRefused
from elp.extensions import db
from elp.timeutil import utcnow


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


@dataclass(frozen=True)
class Transition:
    """One row of a table: `action` by one of `parties` takes an aggregate in one of
    `sources` to `target` (None: it keeps its state, as a counter-proposal keeps a request
    open)."""

    action: str
    sources: tuple[str, ...]
    parties: tuple[str, ...]
    target: str | None
    label: str  # the button, in the words on the screens
    done: str  # past participle, for messages and audit events ("declined")


def a_or_an(word):
    # "a used code" but "an unpaid charge": a "u" sounded "you" takes "a".
    vowel_sound = word[0] in "aeio" or (word[0] == "u" and not word.startswith(("us", "uni")))
    return f"an {word}" if vowel_sound else f"a {word}"


class StateMachine:
    """The transitions of one aggregate, e.g. StateMachine("request", [...])."""

    def __init__(self, noun, transitions, hints=None, party_names=None, attribute="status"):
        self.noun = noun
        self.transitions = tuple(transitions)
        # The aggregate's attribute that holds the state this table is about: `status`, or
        # another axis of the same aggregate (an offer's `moderation`).
        self.attribute = attribute
        # {(state, action): "what to do instead"}, added to a refusal where it helps.
        self.hints = hints or {}
        # {party: "the offering school"}, for telling a party who else may act.
        self.party_names = party_names or {}

    def actions(self):
        return tuple(dict.fromkeys(t.action for t in self.transitions))

    def find(self, state, action, party):
        """The transition for this state, action and party, or None if the table has none."""
        for transition in self.transitions:
            if (
                transition.action == action
                and state in transition.sources
                and party in transition.parties
            ):
                return transition
        return None

    def check(self, state, action, party):
        """Return the transition, or raise ActionRefused saying why it is not allowed."""
        transition = self.find(state, action, party)
        if transition is not None:
            return transition
        rows = [t for t in self.transitions if t.action == action]
        if not rows:
            raise ActionRefused(f"‘{action}’ is not something you can do to {a_or_an(self.noun)}.")
        open_now = [t for t in rows if state in t.sources]
        if open_now:
            parties = dict.fromkeys(p for t in open_now for p in t.parties)
            who = " or ".join(self.party_names.get(p, p) for p in parties)
            raise ActionRefused(f"You cannot do that to this {self.noun}: only {who} can.")
        state_words = str(state).replace("_", " ")  # "part_paid" reads "a part paid charge"
        message = f"{a_or_an(state_words).capitalize()} {self.noun} cannot be {rows[0].done}."
        hint = self.hints.get((state, action), "")
        raise ActionRefused(f"{message} {hint}".strip())

    def actions_for(self, state, party):
        """The transitions open to this party now, in the table's order (for buttons)."""
        return [t for t in self.transitions if state in t.sources and party in t.parties]

    def allows(self, state, action, party):
        return self.find(state, action, party) is not None

    def apply(self, aggregate, action, party, actor, reason=None, **details):
        """Apply an action to a Versioned aggregate with a state (`status`, or the table's
        `attribute`) and `updated_at`, in the session (the caller's unit of work commits).
        Always an UPDATE of the aggregate's row, even when the state stays, so it is a
        compare-and-set against any other change.
        """
        old_status = getattr(aggregate, self.attribute)
        transition = self.check(old_status, action, party)
        if transition.target is not None:
            setattr(aggregate, self.attribute, transition.target)
        aggregate.updated_at = utcnow()
        save(self.noun)
        audit.record(
            f"{self.noun.replace(' ', '_')}.{transition.done.replace(' ', '_')}",
            aggregate,
            actor=actor,
            reason=reason,
            old_status=str(old_status),
            status=str(getattr(aggregate, self.attribute)),
            party=party,
            **details,
        )
        return transition
