"""A school can have more than one lead: a lead makes a colleague a lead, or hands the role
on, and the school always keeps at least one; members see who their lead is."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from elp.accounts import services
from elp.accounts.models import ROLE_LEAD, ROLE_MEMBER, User
from elp.audit import AuditEvent
from elp.errors import ActionRefused
from elp.unit_of_work import unit_of_work
from tests.factories import make_lead, make_member, make_school


@pytest.fixture
def school(db):
    return make_school(name="Moulsham Infant School")


@pytest.fixture
def lead(school):
    return make_lead(school, full_name="Priya Shah", email="priya@moulsham.example")


@pytest.fixture
def member(school):
    return make_member(school, full_name="Sam Jones", email="sam@moulsham.example")


def actions(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_lead_makes_a_colleague_a_lead_too(client, db, login_as, lead, member):
    login_as(lead)
    page = client.get("/school/colleagues").get_data(as_text=True)
    assert f'href="/school/colleagues/{member.id}/make-lead"' in page

    confirm = client.get(f"/school/colleagues/{member.id}/make-lead").get_data(as_text=True)
    assert "Make Sam Jones a school lead?" in confirm
    assert member.role == ROLE_MEMBER

    response = client.post(f"/school/colleagues/{member.id}/make-lead", follow_redirects=True)

    assert "Sam Jones is now a school lead" in response.get_data(as_text=True)
    db.session.refresh(member)
    db.session.refresh(lead)
    assert (member.role, lead.role) == (ROLE_LEAD, ROLE_LEAD)
    [event] = actions(db, "user.made_lead")
    assert (event.actor_id, event.subject_id) == (lead.id, member.id)
    # The new lead can now do what leads do.
    login_as(member)
    assert client.get("/school/colleagues/invite").status_code == 200


def test_a_lead_hands_the_role_on_and_becomes_a_member(client, db, login_as, lead, member):
    login_as(lead)
    confirm = client.get(f"/school/colleagues/{member.id}/hand-over").get_data(as_text=True)
    assert "Hand the school lead role to Sam Jones?" in confirm

    response = client.post(f"/school/colleagues/{member.id}/hand-over", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "Sam Jones is now the school lead and you are a member" in page
    assert "Your school lead is Sam Jones" in page
    db.session.refresh(member)
    db.session.refresh(lead)
    assert (member.role, lead.role) == (ROLE_LEAD, ROLE_MEMBER)
    assert len(actions(db, "user.lead_handed_over")) == 1
    assert client.get("/school/colleagues/invite").status_code == 403


def test_handing_over_to_a_lead_steps_down_and_leaves_one_lead(db, lead, school):
    other_lead = make_lead(school)

    with unit_of_work():
        services.hand_over_lead(lead, other_lead)

    assert [user.id for user in services.school_leads(school.id)] == [other_lead.id]


def test_a_lead_cannot_hand_the_role_to_themselves(db, lead):
    with pytest.raises(ActionRefused, match="Choose the colleague"):
        services.hand_over_lead(lead, lead)
    db.session.refresh(lead)
    assert lead.is_lead


def test_a_lead_who_has_lost_the_role_meanwhile_cannot_hand_it_on(db, lead, member, school):
    """Two leads acting at once: the second still holds the page it loaded as a lead, but
    another lead has made it a member since; the school keeps the lead it has."""
    colleague = make_member(school)
    db.session.execute(
        update(User).where(User.id == lead.id).values(role=ROLE_MEMBER)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.execute(update(User).where(User.id == member.id).values(role=ROLE_LEAD))
    db.session.commit()
    db.session.refresh(lead)
    set_committed_value(lead, "role", ROLE_LEAD)  # what this request read before that commit

    with pytest.raises(ActionRefused, match="changed"), unit_of_work():
        services.hand_over_lead(lead, colleague)

    assert [user.id for user in services.school_leads(school.id)] == [member.id]


def test_making_a_lead_of_a_lead_is_refused(db, lead, school):
    other_lead = make_lead(school)

    with pytest.raises(ActionRefused, match="is already a school lead"):
        services.make_lead(lead, other_lead)


def test_a_member_sees_who_their_leads_are_and_cannot_change_anything(
    client, db, login_as, lead, member, school
):
    make_lead(school, full_name="Ali Khan", email="ali@moulsham.example")
    login_as(member)

    page = client.get("/school/colleagues").get_data(as_text=True)

    assert "Your school leads are Ali Khan (" in page
    assert "mailto:priya@moulsham.example" in page
    assert "Make lead" not in page and "Remove<" not in page
    assert "Invite a colleague" not in page
    assert "Invitations not yet accepted" not in page
    assert client.get(f"/school/colleagues/{lead.id}/hand-over").status_code == 403
    assert client.post(f"/school/colleagues/{member.id}/make-lead").status_code == 403


def test_another_schools_colleague_cannot_be_made_lead(client, db, login_as, lead):
    stranger = make_member(make_school())
    login_as(lead)

    assert client.get(f"/school/colleagues/{stranger.id}/make-lead").status_code == 404
    assert client.post(f"/school/colleagues/{stranger.id}/hand-over").status_code == 404
