"""Every state × action × party of an access code and of an invitation, through the shared
state machine: what ACCESS_CODE and INVITATION allow happens as a compare-and-set that
stamps its time and writes an audit event; everything else is refused, nothing changed."""

import itertools

import pytest
from sqlalchemy import select

from elp.accounts.models import AccessCode, AccessCodeStatus, Invitation, InvitationStatus
from elp.accounts.transitions import ACCESS_CODE, INVITATION, Party
from elp.audit import AuditEvent
from elp.errors import ActionRefused
from elp.timeutil import utcnow
from tests.factories import days, make_admin, make_lead, make_school

STAMPS = {
    "used": {"redeemed_at": utcnow()},
    "accepted": {"accepted_at": utcnow()},
    "revoked": {"revoked_at": utcnow()},
    "expired": {"expires_at": utcnow() - days(1)},
}
ACCESS_CODE_ALLOWED = {
    ("valid", "redeem", "newcomer"): "used",
    ("valid", "revoke", "admin"): "revoked",
}
INVITATION_ALLOWED = {
    ("pending", "accept", "newcomer"): "accepted",
    ("pending", "cancel", "lead"): "revoked",
    ("expired", "cancel", "lead"): "revoked",
    ("pending", "replace", "lead"): "revoked",
    ("expired", "replace", "lead"): "revoked",
}


def _access_code(school, status):
    fields = {"expires_at": utcnow() + days(30), **STAMPS.get(status, {})}
    return AccessCode(school=school, code_hash=f"{status:x<64}", hint="ABCD", **fields)


def _invitation(school, status):
    fields = {"expires_at": utcnow() + days(7), **STAMPS.get(status, {})}
    return Invitation(
        school=school, email="sam@school.example", token_hash=f"{status:x<64}", **fields
    )


def _check(db, machine, make, status, action, party, allowed):
    lead = make_lead()
    actor = make_admin() if party == Party.ADMIN else lead
    thing = make(lead.school, status)
    db.session.add(thing)
    db.session.commit()
    version = thing.version
    assert thing.status == status
    expected = allowed.get((status, action, party))
    assert machine.allows(status, action, party) == (expected is not None)
    if expected is None:
        with pytest.raises(ActionRefused):
            machine.apply(thing, action, party, actor)
        db.session.rollback()
        db.session.refresh(thing)
        assert (thing.status, thing.version) == (status, version)
        assert db.session.scalars(select(AuditEvent)).all() == []
        return
    machine.apply(thing, action, party, actor)
    db.session.commit()
    db.session.refresh(thing)
    assert (thing.status, thing.version) == (expected, version + 1)
    noun = machine.noun.replace(" ", "_")
    done = machine.check(status, action, party).done
    assert db.session.scalars(select(AuditEvent.action)).all() == [f"{noun}.{done}"]


@pytest.mark.parametrize(
    ("status", "action", "party"),
    list(itertools.product(list(AccessCodeStatus), ACCESS_CODE.actions(), list(Party))),
    ids=str,
)
def test_each_access_code_state_action_and_party(db, status, action, party):
    _check(db, ACCESS_CODE, _access_code, status, action, party, ACCESS_CODE_ALLOWED)


@pytest.mark.parametrize(
    ("status", "action", "party"),
    list(itertools.product(list(InvitationStatus), INVITATION.actions(), list(Party))),
    ids=str,
)
def test_each_invitation_state_action_and_party(db, status, action, party):
    _check(db, INVITATION, _invitation, status, action, party, INVITATION_ALLOWED)


def test_a_refusal_says_what_the_code_is_now(db):
    access_code = _access_code(make_school(), "used")
    with pytest.raises(ActionRefused, match="^A used access code cannot be revoked. It has"):
        ACCESS_CODE.check(access_code.status, "revoke", Party.ADMIN)
