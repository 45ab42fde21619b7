"""ELP admins manage users across every school: find them, deactivate and reactivate them,
make or unmake a school lead, resend an invitation, and create another ELP admin; the last
active ELP admin can never be deactivated."""

import re

import pytest
from sqlalchemy import select

from elp.accounts import tokens
from elp.accounts.models import Invitation, User
from elp.audit import AuditEvent
from elp.extensions import db as _db
from elp.timeutil import utcnow
from tests.factories import days, make_admin, make_lead, make_member, make_school


@pytest.fixture
def admin(db, login_as):
    user = make_admin(full_name="Alex Admin", last_sign_in_at=utcnow())
    return login_as(user), user


def names(response):
    return re.findall(r'href="/admin/users/\d+">([^<]+)</a>', response.get_data(as_text=True))


def events(action):
    return _db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def an_invitation(school, email="new.teacher@school.example", **fields):
    fields = {"expires_at": utcnow() + days(7), **fields}
    invitation = Invitation(
        school=school, email=email, token_hash=tokens.hash_secret(tokens.new_link_token()),
        invited_by=make_lead(school), **fields,
    )  # fmt: skip
    _db.session.add(invitation)
    _db.session.commit()
    return invitation


def test_users_are_found_across_schools_by_name_email_school_or_urn(admin):
    client, _ = admin
    harlow = make_school(name="Harlow Fields School", urn="115001")
    make_member(harlow, full_name="Priya Shah")
    make_lead(make_school(name="Maldon Court"), full_name="Tom Okafor", email="tom@maldon.example")
    make_member(harlow, full_name="Old Account", active=False)

    assert names(client.get("/admin/users?q=priya")) == ["Priya Shah"]
    assert names(client.get("/admin/users?q=maldon.example")) == ["Tom Okafor"]
    assert names(client.get("/admin/users?q=Harlow+Fields")) == ["Old Account", "Priya Shah"]
    assert names(client.get("/admin/users?q=115001&status=active")) == ["Priya Shah"]
    assert names(client.get("/admin/users?role=lead")) == ["Tom Okafor"]
    assert "Alex Admin" in names(client.get("/admin/users?role=admin"))
    priya = next(u for u in harlow.users if u.full_name == "Priya Shah")
    page = client.get(f"/admin/users/{priya.id}").get_data(as_text=True)
    assert f'href="/admin/schools/{harlow.id}">Harlow Fields School</a>' in page
    # Unknown filter values are ignored, not an error.
    assert client.get("/admin/users?role=owner&status=x").status_code == 200


def test_an_admin_deactivates_a_user_with_a_reason_and_reactivates_them(admin, login_as):
    client, user = admin
    member = make_member(make_school())

    response = client.post(f"/admin/users/{member.id}/deactivate",
                           data={"reason": "Left the school in July."})  # fmt: skip

    assert response.status_code == 302
    _db.session.refresh(member)
    assert member.active is False
    [event] = events("user.deactivated")
    assert (event.actor_id, event.subject_id, event.reason) == (user.id, member.id,
                                                                 "Left the school in July.")  # fmt: skip

    client.post(f"/admin/users/{member.id}/reactivate")

    _db.session.refresh(member)
    assert member.active is True and len(events("user.reactivated")) == 1


def test_deactivating_needs_a_reason(admin):
    client, _ = admin
    member = make_member(make_school())

    page = client.post(f"/admin/users/{member.id}/deactivate", data={"reason": " "})

    assert "Enter the reason for deactivating the account" in page.get_data(as_text=True)
    _db.session.refresh(member)
    assert member.active is True and events("user.deactivated") == []


def test_an_admin_cannot_deactivate_their_own_account(admin):
    client, user = admin
    make_admin(last_sign_in_at=utcnow())  # another admin who could let them back in

    page = client.get(f"/admin/users/{user.id}")
    form = client.get(f"/admin/users/{user.id}/deactivate")
    response = client.post(f"/admin/users/{user.id}/deactivate", data={"reason": "Testing"})

    assert "Deactivate account" not in page.get_data(as_text=True)
    assert "This is your own account" in page.get_data(as_text=True)
    assert form.status_code == 409 and response.status_code == 409
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    _db.session.refresh(user)
    assert user.active is True and events("user.deactivated") == []


def test_the_last_active_elp_admin_who_has_signed_in_cannot_be_deactivated(db):
    from elp.accounts import services
    from elp.errors import ActionRefused

    signed_in = make_admin(last_sign_in_at=utcnow())
    make_admin(active=False, last_sign_in_at=utcnow())  # a deactivated admin does not count
    # An admin never signed in does not count either: their password link may have lapsed,
    # or their address be mistyped. Here one acts from the command line, say.
    never_signed_in = make_admin()

    with pytest.raises(ActionRefused, match="This is the last active ELP admin"):
        services.deactivate_user(never_signed_in, signed_in, "Moved on")
    _db.session.rollback()
    _db.session.refresh(signed_in)
    assert signed_in.active is True

    services.deactivate_user(signed_in, never_signed_in, "Address mistyped")
    _db.session.commit()
    assert never_signed_in.active is False and len(events("user.deactivated")) == 1


def test_another_admin_who_has_signed_in_may_be_deactivated(admin):
    client, _ = admin
    other = make_admin(last_sign_in_at=utcnow())

    response = client.post(f"/admin/users/{other.id}/deactivate", data={"reason": "Moved on"})

    assert response.status_code == 302
    _db.session.refresh(other)
    assert other.active is False


def test_an_admin_makes_and_unmakes_a_school_lead_but_a_school_keeps_one(admin):
    client, _ = admin
    school = make_school()
    lead = make_lead(school)
    member = make_member(school)

    refused = client.post(f"/admin/users/{lead.id}/unmake-lead")
    assert refused.status_code == 409
    assert "is the only school lead of" in refused.get_data(as_text=True)

    assert client.post(f"/admin/users/{member.id}/make-lead").status_code == 302
    assert client.post(f"/admin/users/{lead.id}/unmake-lead").status_code == 302

    _db.session.refresh(lead)
    _db.session.refresh(member)
    assert (lead.role, member.role) == ("member", "lead")
    assert len(events("user.made_lead")) == 1 and len(events("user.unmade_lead")) == 1
    again = client.post(f"/admin/users/{member.id}/make-lead")
    assert again.status_code == 409 and "already a school lead" in again.get_data(as_text=True)


def test_an_admin_cannot_be_made_a_school_lead(admin):
    client, user = admin

    response = client.post(f"/admin/users/{user.id}/make-lead")

    assert response.status_code == 409
    assert "cannot be a school lead" in response.get_data(as_text=True)


def test_an_admin_resends_an_invitation_with_a_fresh_link(admin, sent_emails):
    client, user = admin
    school = make_school(name="Harlow Fields School")
    invitation = an_invitation(school, expires_at=utcnow() - days(1))  # expired
    page = client.get("/admin/users").get_data(as_text=True)
    assert "new.teacher@school.example" in page and "Expired" in page

    response = client.post(f"/admin/invitations/{invitation.id}/resend")

    assert response.status_code == 302
    _db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    fresh = _db.session.scalars(select(Invitation).where(Invitation.revoked_at.is_(None))).one()
    assert fresh.email == invitation.email and fresh.expires_at > utcnow() + days(6)
    [email] = sent_emails
    assert email["To"] == "new.teacher@school.example"
    assert "to join Harlow Fields School" in email["Subject"]
    [event] = events("invitation.resent")
    assert (event.actor_id, event.details["replaces"]) == (user.id, invitation.id)
    # The old one cannot be resent again: it was replaced.
    again = client.post(f"/admin/invitations/{invitation.id}/resend")
    assert again.status_code == 409 and "cannot be resent" in again.get_data(as_text=True)


def test_an_accepted_invitation_is_not_resent(admin):
    client, _ = admin
    invitation = an_invitation(make_school(), accepted_at=utcnow())

    response = client.post(f"/admin/invitations/{invitation.id}/resend")

    assert response.status_code == 409
    assert "already been accepted" in response.get_data(as_text=True)


def test_an_admin_creates_another_admin_who_is_emailed_a_password_link(admin, sent_emails):
    client, user = admin

    response = client.post("/admin/users/new-admin",
                           data={"full_name": "Sam Jones", "email": "Sam.Jones@elp.example"})  # fmt: skip

    assert response.status_code == 302
    new = _db.session.scalars(select(User).where(User.email == "sam.jones@elp.example")).one()
    assert new.role == "admin" and new.school_id is None and new.active
    [email] = sent_emails
    assert email["To"] == "sam.jones@elp.example"
    assert "Alex Admin has made you an ELP admin" in email.get_content()
    assert "http://localhost/reset-password/" in email.get_content()
    [event] = events("user.admin_created")
    assert event.actor_id == user.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "email": "a@elp.example"}, "Enter the new admin’s full name"),
        ({"full_name": "Sam", "email": "not an email"}, "Enter an email address in the correct format"),
        ({"full_name": "Sam", "email": "taken@elp.example"}, "An account already exists for this email address"),
    ],
)  # fmt: skip
def test_a_new_admin_with_bad_details_is_refused(admin, data, message):
    client, _ = admin
    make_member(make_school(), email="taken@elp.example")
    before = _db.session.scalar(select(_db.func.count()).select_from(User))

    page = client.post("/admin/users/new-admin", data=data).get_data(as_text=True)

    assert message in page and "govuk-error-summary" in page
    assert _db.session.scalar(select(_db.func.count()).select_from(User)) == before


def test_only_an_elp_admin_can_create_an_elp_admin(db, login_as):
    for user in (make_lead(make_school()), make_member(make_school())):
        response = login_as(user).post("/admin/users/new-admin",
                                       data={"full_name": "Eve", "email": "eve@elp.example"})  # fmt: skip
        assert response.status_code == 403
    assert _db.session.scalars(select(User).where(User.email == "eve@elp.example")).all() == []
