"""A new access code for a school revokes its older unused codes, and the admin reads so on
the page; when a code is redeemed for a school that already has users, its leads are told by
email who joined."""

import re

from elp.accounts import services
from elp.accounts.models import AccessCode, User
from elp.audit import AuditEvent
from elp.timeutil import utcnow
from tests.factories import committed, make_admin, make_lead, make_member, make_school

NEW_PASSWORD = "a long and memorable passphrase"


def issued_code(response):
    return re.search(r"id=.access-code.>([^<]+)<", response.get_data(as_text=True)).group(1)


def join(client, code, email="new.lead@moulsham.example"):
    return client.post("/join", data={
        "access_code": code, "full_name": "Jo Newcomer", "job_title": "Deputy head",
        "email": email, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })  # fmt: skip


def test_issuing_a_code_revokes_the_older_unused_ones_and_says_so(client, db, login_as):
    school = make_school(name="Moulsham Infant School")
    admin = make_admin()
    first, _ = committed(services.issue_access_code, school, issued_by=admin)
    second, _ = committed(services.issue_access_code, school, issued_by=admin)
    assert first.state() == "revoked" and second.state() == "valid"
    login_as(admin)

    response = client.post(f"/admin/schools/{school.id}/access-codes")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"The school’s older unused code ending <strong>{second.hint}</strong> has been revoked" in page
    codes = db.session.scalars(db.select(AccessCode).order_by(AccessCode.id)).all()
    assert [code.state() for code in codes] == ["revoked", "revoked", "valid"]
    # The old code is refused at the door; the new one lets the lead in.
    db.session.expire_all()
    revoked = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "access_code.revoked",
                                    AuditEvent.subject_id == second.id)
    ).one()  # fmt: skip
    assert revoked.actor_id == admin.id
    assert revoked.reason == "Replaced by a newer code"


def test_the_first_code_of_a_school_revokes_nothing_and_says_nothing(client, db, login_as):
    school = make_school()
    login_as(make_admin())

    page = client.post(f"/admin/schools/{school.id}/access-codes").get_data(as_text=True)

    assert "has been revoked" not in page and "have been revoked" not in page


def test_a_used_or_expired_code_is_left_as_it_is(client, db, login_as):
    school = make_school()
    admin = make_admin()
    used, _ = committed(services.issue_access_code, school, issued_by=admin)
    used.redeemed_at = utcnow()
    db.session.commit()
    login_as(admin)

    page = client.post(f"/admin/schools/{school.id}/access-codes").get_data(as_text=True)

    assert "has been revoked" not in page
    db.session.refresh(used)
    assert used.state() == "used"


def test_an_older_code_no_longer_lets_anyone_join(client, db):
    school = make_school()
    _, old_code = committed(services.issue_access_code, school)
    _, new_code = committed(services.issue_access_code, school)

    refused = join(client, old_code)
    assert "This access code has been withdrawn by ELP" in refused.get_data(as_text=True)
    assert join(client, new_code).status_code == 302


def test_reissuing_names_every_code_it_revoked(client, db, login_as):
    school = make_school()
    admin = make_admin()
    older, _ = committed(services.issue_access_code, school, issued_by=admin)
    # Two unused codes at once, as before this rule: both stop working on a reissue.
    db.session.add(AccessCode(school=school, code_hash="x" * 64, hint="WXYZ",
                              expires_at=older.expires_at))  # fmt: skip
    db.session.commit()
    login_as(admin)

    response = client.post(f"/admin/access-codes/{older.id}/reissue")

    page = response.get_data(as_text=True)
    assert f"2 older unused codes, ending <strong>{older.hint}</strong> and <strong>WXYZ</strong>, have been revoked" in page
    valid = [c for c in db.session.scalars(db.select(AccessCode)) if c.state() == "valid"]
    assert [c.hint for c in valid] == [issued_code(response)[-4:]]


def test_the_leads_are_told_who_joined_a_school_that_already_has_users(client, db, sent_emails):
    school = make_school(name="Moulsham Infant School")
    lead = make_lead(school, full_name="Priya Shah", email="priya@moulsham.example")
    other_lead = make_lead(school, full_name="Sam Okoro", email="sam@moulsham.example")
    member = make_member(school, email="member@moulsham.example")
    _, code = committed(services.issue_access_code, school)

    assert join(client, code).status_code == 302

    told = {message["To"]: message for message in sent_emails}
    assert set(told) == {lead.email, other_lead.email}
    assert member.email not in told
    message = told[lead.email]
    assert message["Subject"] == "Jo Newcomer has joined Moulsham Infant School on ELP Exchange"
    body = message.get_content()
    assert "Dear Priya Shah" in body
    assert "Jo Newcomer (Deputy head), new.lead@moulsham.example, has joined" in body
    assert "/school/colleagues" in body
    newcomer = db.session.scalars(db.select(User).where(User.email == "new.lead@moulsham.example")).one()
    assert newcomer.is_lead


def test_nobody_is_emailed_when_the_first_lead_joins(client, db, sent_emails):
    school = make_school()
    _, code = committed(services.issue_access_code, school)

    assert join(client, code).status_code == 302
    assert list(sent_emails) == []


def test_a_lead_who_can_no_longer_sign_in_is_not_told(client, db, sent_emails):
    school = make_school()
    make_lead(school, email="gone@school.example", active=False)
    _, code = committed(services.issue_access_code, school)

    join(client, code)

    assert [message["To"] for message in sent_emails] == []
