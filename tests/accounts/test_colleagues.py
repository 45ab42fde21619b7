"""A school lead invites colleagues by email and removes them; invitees accept the link."""

import re

import pytest

from elp.accounts import tokens
from elp.accounts.models import ROLE_MEMBER, Invitation, User
from elp.audit import AuditEvent
from elp.timeutil import utcnow
from tests.factories import PASSWORD, days, make_lead, make_member, make_school

NEW_PASSWORD = "five little ducks went swimming"


@pytest.fixture
def lead(db):
    return make_lead(make_school(name="Moulsham Infant School"), full_name="Priya Shah")


def invite(client, email="sam.jones@moulsham.example", full_name="Sam Jones"):
    return client.post("/school/colleagues/invite", data={"email": email, "full_name": full_name})


def link_in(message):
    return re.search(r"http://localhost(/invitations/\S+)", message.get_content()).group(1)


def test_a_lead_sees_colleagues_and_waiting_invitations(client, db, login_as, lead):
    make_member(lead.school, full_name="Sam <b>Jones</b>", email="sam@moulsham.example")
    make_member(lead.school, full_name="Gone Person", active=False)
    make_member(make_school(), full_name="Someone Elsewhere")
    login_as(lead)
    invite(client, email="new@moulsham.example", full_name="")

    page = client.get("/school/colleagues").get_data(as_text=True)

    assert "Priya Shah" in page
    assert (
        'Sam &lt;b&gt;Jones&lt;/b&gt;<br><span class="govuk-body-s">sam@moulsham.example</span>'
        in page
    )
    assert "Gone Person" not in page
    assert "Someone Elsewhere" not in page
    assert "new@moulsham.example" in page
    assert "People at your school (2)" in page


def test_leads_and_members_see_colleagues_in_the_navigation(client, db, login_as, lead):
    login_as(lead)
    assert 'href="/school/colleagues"' in client.get("/").get_data(as_text=True)
    login_as(make_member(lead.school))
    assert 'href="/school/colleagues"' in client.get("/").get_data(as_text=True)


def test_inviting_emails_a_link_that_is_stored_only_as_a_hash(
    app, client, db, login_as, lead, sent_emails
):
    login_as(lead)

    response = invite(client, email="Sam.Jones@Moulsham.example")

    assert response.status_code == 302
    assert b"Invitation sent to sam.jones@moulsham.example" in client.get("/school/colleagues").data
    invitation = db.session.scalars(db.select(Invitation)).one()
    assert (invitation.email, invitation.full_name) == ("sam.jones@moulsham.example", "Sam Jones")
    assert invitation.school_id == lead.school_id
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - days(app.config["INVITATION_DAYS"])).total_seconds() < 5
    [message] = sent_emails
    assert message["To"] == "sam.jones@moulsham.example"
    assert "Moulsham Infant School" in message["Subject"]
    body = message.get_content()
    assert "Dear Sam Jones" in body and "Priya Shah has invited you" in body
    token = link_in(message).rsplit("/", 1)[1]
    assert invitation.token_hash == tokens.hash_secret(token)
    assert token not in invitation.token_hash
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.actor_id) == ("invitation.sent", lead.id)


@pytest.mark.parametrize("email", ["taken@school.example", "Taken@SCHOOL.example"])
def test_inviting_an_address_with_an_account_elsewhere_looks_the_same_to_the_lead(
    client, db, login_as, lead, sent_emails, email
):
    """A lead must not learn which addresses have accounts at other schools: the same
    words, the same invitation listed; the email itself says there is an account already."""
    make_member(make_school(), email="taken@school.example")
    login_as(lead)

    taken = invite(client, email=email, full_name="Kept Name")
    after_taken = client.get("/school/colleagues").get_data(as_text=True)
    free = invite(client, email="free@school.example", full_name="Kept Name")
    after_free = client.get("/school/colleagues").get_data(as_text=True)

    assert taken.status_code == free.status_code == 302
    assert "Invitation sent to taken@school.example" in after_taken
    assert "Invitation sent to free@school.example" in after_free
    assert "taken@school.example" in after_free and "free@school.example" in after_free
    invited = db.session.scalars(db.select(Invitation.email).order_by(Invitation.id)).all()
    assert invited == ["taken@school.example", "free@school.example"]
    existing, new = sent_emails
    assert existing["Subject"] == new["Subject"]
    assert existing["To"] == "taken@school.example"
    body = existing.get_content()
    assert "You already have an ELP Exchange account" in body
    assert "/invitations/" not in body and "http://localhost/sign-in" in body


def test_inviting_a_colleague_already_at_the_school_says_so(
    client, db, login_as, lead, sent_emails
):
    make_member(lead.school, full_name="Sam Jones", email="sam@moulsham.example")
    login_as(lead)

    response = invite(client, email="sam@moulsham.example", full_name="Kept Name")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sam Jones is already a colleague at your school" in page
    assert 'value="sam@moulsham.example"' in page and 'value="Kept Name"' in page
    assert db.session.scalars(db.select(Invitation)).all() == []
    assert sent_emails == []


def test_a_malformed_email_is_refused(client, db, login_as, lead):
    login_as(lead)
    response = invite(client, email="not an email")
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Invitation)).all() == []


def test_inviting_the_same_email_again_replaces_the_earlier_link(
    client, db, login_as, lead, sent_emails
):
    login_as(lead)
    invite(client)
    invite(client)
    first_link, second_link = (link_in(message) for message in sent_emails)
    client.post("/sign-out")

    assert client.get(first_link).status_code == 410
    assert b"This invitation has been cancelled" in client.get(first_link).data
    assert client.get(second_link).status_code == 200


def accept(client, link, **changes):
    answers = {
        "full_name": "Sam Jones",
        "job_title": "SENCo",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    answers.update(changes)
    return client.post(link, data=answers)


def test_accepting_an_invitation_makes_a_member_of_the_school_and_signs_them_in(
    client, db, login_as, lead, sent_emails
):
    login_as(lead)
    invite(client)
    client.post("/sign-out")
    link = link_in(sent_emails[0])

    form = client.get(link).get_data(as_text=True)
    assert "Join Moulsham Infant School" in form
    assert "sam.jones@moulsham.example" in form
    assert 'value="Sam Jones"' in form
    response = accept(client, link)

    assert response.status_code == 302
    colleague = db.session.scalars(db.select(User).where(User.id != lead.id)).one()
    assert (colleague.email, colleague.role) == ("sam.jones@moulsham.example", ROLE_MEMBER)
    assert (colleague.full_name, colleague.job_title) == ("Sam Jones", "SENCo")
    assert colleague.school_id == lead.school_id
    home = client.get("/").get_data(as_text=True)
    assert "You are now a member of Moulsham Infant School" in home
    assert db.session.scalars(db.select(Invitation)).one().state() == "accepted"
    # The link works once.
    again = client.get(link)
    assert again.status_code == 410
    assert b"This invitation has already been used" in again.data


def test_a_weak_password_on_acceptance_is_refused_and_the_link_still_works(
    client, db, login_as, lead, sent_emails
):
    login_as(lead)
    invite(client)
    client.post("/sign-out")
    link = link_in(sent_emails[0])

    response = accept(client, link, password="short", confirm_password="short")

    page = response.get_data(as_text=True)
    assert "Password must be at least 12 characters" in page
    assert 'value="SENCo"' in page
    assert db.session.scalars(db.select(User)).all() == [lead]
    assert accept(client, link).status_code == 302


def make_invitation(school, **fields):
    from elp.extensions import db

    values = {
        "school": school,
        "email": "invitee@school.example",
        "token_hash": tokens.hash_secret("the-token"),
        "expires_at": utcnow() + days(7),
    }
    values.update(fields)
    invitation = Invitation(**values)
    db.session.add(invitation)
    db.session.commit()
    return invitation


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"expires_at": utcnow() - days(1)}, 410, "This invitation has expired"),
        ({"accepted_at": utcnow()}, 410, "This invitation has already been used"),
        ({"revoked_at": utcnow()}, 410, "This invitation has been cancelled"),
    ],
)
def test_an_unusable_invitation_link_gets_a_clear_page(client, db, lead, fields, status, message):
    make_invitation(lead.school, **fields)

    for response in (
        client.get("/invitations/the-token"),
        accept(client, "/invitations/the-token"),
    ):
        assert response.status_code == status
        assert message.encode() in response.data
    assert db.session.scalars(db.select(User)).all() == [lead]


def test_a_broken_invitation_link_gets_a_clear_page(client, db, lead):
    make_invitation(lead.school)
    response = client.get("/invitations/the-tok")
    assert response.status_code == 404
    assert b"This invitation link is not valid" in response.data


def test_an_invitation_to_an_email_that_has_since_got_an_account_cannot_be_accepted(
    client, db, lead
):
    make_invitation(lead.school)
    make_member(make_school(), email="invitee@school.example")

    response = accept(client, "/invitations/the-token")

    assert response.status_code == 409
    assert b"You already have an account" in response.data


def test_a_lead_cancels_an_invitation(client, db, login_as, lead):
    invitation = make_invitation(lead.school)
    login_as(lead)

    assert (
        b"Are you sure" in client.get(f"/school/colleagues/invitations/{invitation.id}/cancel").data
    )
    response = client.post(f"/school/colleagues/invitations/{invitation.id}/cancel")

    assert response.status_code == 302
    db.session.refresh(invitation)
    assert invitation.state() == "revoked"
    assert client.get("/invitations/the-token").status_code == 410
    assert b"There are no invitations waiting" in client.get("/school/colleagues").data


def test_an_accepted_invitation_cannot_be_cancelled(client, db, login_as, lead):
    invitation = make_invitation(lead.school, accepted_at=utcnow())
    login_as(lead)
    response = client.post(f"/school/colleagues/invitations/{invitation.id}/cancel")
    assert response.status_code == 409
    assert b"already been accepted" in response.data


def test_a_lead_removes_a_colleague_who_can_then_no_longer_sign_in(client, db, login_as, lead):
    colleague = make_member(lead.school, email="sam@moulsham.example", full_name="Sam Jones")
    login_as(lead)

    confirm = client.get(f"/school/colleagues/{colleague.id}/remove")
    assert b"Are you sure you want to remove Sam Jones?" in confirm.data
    response = client.post(f"/school/colleagues/{colleague.id}/remove")

    assert response.status_code == 302
    db.session.refresh(colleague)
    assert colleague.active is False
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.subject_id, event.actor_id) == (
        "user.removed",
        colleague.id,
        lead.id,
    )
    client.post("/sign-out")
    signing_in = client.post(
        "/sign-in", data={"email": "sam@moulsham.example", "password": PASSWORD}
    )
    assert b"Your account has been closed" in signing_in.data


def test_a_lead_cannot_remove_themselves(client, db, login_as, lead):
    make_lead(lead.school)
    login_as(lead)
    response = client.post(f"/school/colleagues/{lead.id}/remove")
    assert response.status_code == 409
    assert b"You cannot remove yourself" in response.data
    db.session.refresh(lead)
    assert lead.active


def test_a_school_always_keeps_a_lead(client, db, login_as, lead):
    other_lead = make_lead(lead.school)
    login_as(lead)
    assert client.post(f"/school/colleagues/{other_lead.id}/remove").status_code == 302

    # The one lead left cannot remove themselves, and nobody else may remove anyone.
    assert client.post(f"/school/colleagues/{lead.id}/remove").status_code == 409
    db.session.refresh(lead)
    assert lead.active


def test_the_service_refuses_a_removal_by_someone_who_is_not_a_lead_of_the_school(app, db, lead):
    from elp.accounts import services
    from elp.errors import ActionRefused

    for actor in (make_member(lead.school), make_lead(make_school())):
        with pytest.raises(ActionRefused, match="Only a lead of the school"):
            services.remove_colleague(actor, lead)
    db.session.refresh(lead)
    assert lead.active


def test_another_schools_colleagues_and_invitations_are_not_found(client, db, login_as, lead):
    other_lead = make_lead(make_school())
    colleague = make_member(lead.school)
    invitation = make_invitation(lead.school)
    login_as(other_lead)

    for url in [
        f"/school/colleagues/{colleague.id}/remove",
        f"/school/colleagues/invitations/{invitation.id}/cancel",
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    db.session.refresh(colleague)
    db.session.refresh(invitation)
    assert colleague.active and invitation.state() == "pending"


def test_members_cannot_invite_or_remove(client, db, login_as, lead, sent_emails):
    member = make_member(lead.school)
    login_as(member)
    assert invite(client).status_code == 403
    assert client.post(f"/school/colleagues/{lead.id}/remove").status_code == 403
    assert sent_emails == []


def test_a_removed_colleague_invited_by_their_new_school_gets_their_account_back_there(
    client, db, login_as, lead, sent_emails
):
    old_school = make_school(name="Tendring Primary School")
    moved = make_member(old_school, email="sam.jones@moulsham.example", full_name="Sam Old")
    moved.active = False
    db.session.commit()
    login_as(lead)

    assert invite(client).status_code == 302
    client.post("/sign-out")
    response = accept(client, link_in(sent_emails[0]))

    assert response.status_code == 302
    db.session.refresh(moved)
    assert moved.active is True
    assert (moved.school_id, moved.role, moved.full_name) == (lead.school_id, ROLE_MEMBER, "Sam Jones")
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2  # reopened, not duplicated
    client.post("/sign-out")
    signing_in = client.post(
        "/sign-in", data={"email": "sam.jones@moulsham.example", "password": NEW_PASSWORD}
    )
    assert signing_in.status_code == 302


def test_a_line_break_in_an_invited_name_is_refused_and_nothing_is_sent(
    client, db, login_as, lead, sent_emails
):
    login_as(lead)

    page = invite(client, full_name="Sam\r\nBcc: everyone@example.com").get_data(as_text=True)

    assert "Full name must be on one line, without tabs or line breaks" in page
    assert db.session.scalars(db.select(Invitation)).all() == []
    assert sent_emails == []


def test_a_line_break_in_the_name_given_on_acceptance_is_refused(
    client, db, login_as, lead, sent_emails
):
    login_as(lead)
    invite(client)
    client.post("/sign-out")
    link = link_in(sent_emails[0])

    page = accept(client, link, full_name="Sam\nJones").get_data(as_text=True)

    assert "Full name must be on one line, without tabs or line breaks" in page
    assert db.session.scalars(db.select(User).where(User.id != lead.id)).all() == []


def test_inviting_takes_the_same_time_whether_or_not_an_address_has_an_account(app, db, lead):
    import statistics
    import time

    from elp.accounts import services
    from elp.unit_of_work import unit_of_work

    for number in range(30):
        make_member(make_school(), email=f"taken{number}@school.example")

    def timed(email):
        started = time.perf_counter()
        with app.test_request_context(), unit_of_work():
            services.invite_colleague(lead, email)
        return time.perf_counter() - started

    taken, free = [], []
    for number in range(30):
        taken.append(timed(f"taken{number}@school.example"))
        free.append(timed(f"free{number}@school.example"))
    ratio = statistics.median(taken) / statistics.median(free)
    assert 0.75 < ratio < 1.33, (statistics.median(taken), statistics.median(free))
