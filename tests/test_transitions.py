"""The shared state machine: a table decides what is allowed, says why not, lists the
buttons, and applies a change as a compare-and-set with an audit event."""

import pytest

from elp.audit import AuditEvent
from elp.errors import ActionRefused
from elp.transitions import StateMachine, Transition

MACHINE = StateMachine(
    "thing",
    [
        Transition("start", ("new",), ("owner",), "running", "Start thing", "started"),
        Transition("note", ("new", "running"), ("owner", "guest"), None, "Add a note", "noted"),
        Transition("stop", ("running",), ("owner",), "stopped", "Stop thing", "stopped"),
    ],
    hints={("stopped", "start"): "Make a new thing instead."},
    party_names={"owner": "the owner", "guest": "a guest"},
)


def test_the_table_finds_the_transition_for_state_action_and_party():
    assert MACHINE.check("new", "start", "owner").target == "running"
    assert MACHINE.allows("running", "note", "guest")
    assert not MACHINE.allows("running", "start", "owner")


def test_an_action_the_state_does_not_allow_is_refused_with_a_hint():
    with pytest.raises(ActionRefused, match="^A stopped thing cannot be started. Make a new"):
        MACHINE.check("stopped", "start", "owner")


def test_a_party_the_table_does_not_name_is_told_who_can():
    with pytest.raises(ActionRefused, match="only the owner can"):
        MACHINE.check("new", "start", "guest")


def test_an_unknown_action_is_refused():
    with pytest.raises(ActionRefused, match="not something you can do to a thing"):
        MACHINE.check("new", "explode", "owner")


def test_buttons_are_the_transitions_open_to_the_party_now():
    assert [t.label for t in MACHINE.actions_for("running", "owner")] == [
        "Add a note",
        "Stop thing",
    ]
    assert [t.label for t in MACHINE.actions_for("running", "guest")] == ["Add a note"]
    assert MACHINE.actions_for("stopped", "owner") == []


def test_apply_changes_the_state_and_writes_an_audit_event(db):
    from tests.factories import make_lead, make_offer

    lead = make_lead()
    offer = make_offer(lead.school, status="draft")
    offer_machine = StateMachine(
        "offer",
        [Transition("publish", ("draft",), ("school",), "published", "Publish", "published")],
    )
    before = offer.version
    offer_machine.apply(offer, "publish", "school", lead)
    db.session.commit()
    assert (offer.status, offer.version) == ("published", before + 1)
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "offer.published")
    ).one()
    assert (event.subject_id, event.actor_id, event.details["old_status"]) == (
        offer.id,
        lead.id,
        "draft",
    )
