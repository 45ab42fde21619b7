"""ELP admins issue access codes: random, shown once, stored hashed, expiring, revocable."""

import re

from elp.accounts import services, tokens
from elp.accounts.models import SCHOOL_SUSPENDED, AccessCode
from elp.audit import AuditEvent
from elp.timeutil import utcnow
from tests.factories import committed, days, make_admin, make_lead, make_school

CODE_PATTERN = re.compile(r"^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$")


def issued_code(response):
    return re.search(r"id=.access-code.>([^<]+)<", response.get_data(as_text=True)).group(1)


def test_an_admin_issues_a_code_that_is_shown_once_and_stored_only_as_a_hash(client, db, login_as):
    school = make_school(name="Moulsham Infant School")
    admin = make_admin()
    login_as(admin)

    response = client.post(f"/admin/schools/{school.id}/access-codes")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert b"This is the only time the code is shown" in response.data
    code = issued_code(response)
    assert CODE_PATTERN.match(code)
    stored = db.session.scalars(db.select(AccessCode)).one()
    assert stored.school_id == school.id
    assert stored.code_hash == tokens.hash_access_code(code)
    assert code.replace("-", "") not in stored.code_hash
    assert stored.hint == code[-4:]
    assert stored.issued_by_id == admin.id
    assert stored.state() == "valid"
    # The school page lists the code by its hint and state, never the code itself.
    page = client.get(f"/admin/schools/{school.id}").get_data(as_text=True)
    assert code not in page
    assert f"…{stored.hint}" in page
    assert "Valid" in page


def test_a_code_expires_after_the_configured_number_of_days(app, db):
    school = make_school()
    with app.test_request_context():
        access_code, _ = committed(services.issue_access_code, school)
    lifetime = access_code.expires_at - access_code.created_at
    assert abs(lifetime - days(app.config["ACCESS_CODE_DAYS"])).total_seconds() < 5


def test_codes_are_random(app, db):
    codes = {tokens.new_access_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(CODE_PATTERN.match(code) for code in codes)


def test_issuing_and_revoking_are_audit_events(client, db, login_as):
    school = make_school()
    admin = make_admin()
    login_as(admin)
    client.post(f"/admin/schools/{school.id}/access-codes")
    access_code = db.session.scalars(db.select(AccessCode)).one()

    response = client.post(f"/admin/schools/{school.id}/access-codes/{access_code.id}/revoke")

    assert response.status_code == 302
    db.session.refresh(access_code)
    assert access_code.state() == "revoked"
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(event.action, event.actor_id, event.subject_id) for event in events] == [
        ("access_code.issued", admin.id, access_code.id),
        ("access_code.revoked", admin.id, access_code.id),
    ]
    assert b"has been revoked" in client.get(f"/admin/schools/{school.id}").data


def test_a_used_code_cannot_be_revoked(client, db, login_as):
    school = make_school()
    access_code = AccessCode(
        school=school,
        code_hash=tokens.hash_access_code("AAAA-BBBB-CCCC"),
        hint="CCCC",
        expires_at=utcnow() + days(30),
        redeemed_at=utcnow(),
    )
    db.session.add(access_code)
    db.session.commit()
    login_as(make_admin())

    response = client.post(f"/admin/schools/{school.id}/access-codes/{access_code.id}/revoke")

    assert response.status_code == 409
    assert b"A used access code cannot be revoked. It has already been used." in response.data


def test_a_code_of_another_school_cannot_be_revoked_through_this_school(client, db, login_as):
    school, other = make_school(), make_school()
    access_code = AccessCode(
        school=other, code_hash="x" * 64, hint="CCCC", expires_at=utcnow() + days(30)
    )
    db.session.add(access_code)
    db.session.commit()
    login_as(make_admin())

    response = client.post(f"/admin/schools/{school.id}/access-codes/{access_code.id}/revoke")

    assert response.status_code == 404
    db.session.refresh(access_code)
    assert access_code.revoked_at is None


def test_the_school_page_lists_codes_by_state(client, db, login_as):
    school = make_school()
    now = utcnow()
    for hint, fields in [
        ("VALD", {}),
        ("USED", {"redeemed_at": now}),
        ("EXPD", {"expires_at": now - days(1)}),
        ("REVK", {"revoked_at": now}),
    ]:
        db.session.add(
            AccessCode(
                school=school,
                code_hash=hint * 16,
                hint=hint,
                **{"expires_at": now + days(30), **fields},
            )
        )
    db.session.commit()
    login_as(make_admin())

    page = client.get(f"/admin/schools/{school.id}").get_data(as_text=True)

    for hint, state in [
        ("VALD", "Valid"),
        ("USED", "Used"),
        ("EXPD", "Expired"),
        ("REVK", "Revoked"),
    ]:
        row = re.search(rf"…{hint}.*?</tr>", page, re.DOTALL).group(0)
        assert f">\n  {state}\n<" in row or f">{state}<" in row
    # Only the valid code can be revoked.
    assert page.count(">Revoke<") == 1


def test_a_suspended_school_cannot_be_issued_a_code(client, db, login_as):
    school = make_school(status=SCHOOL_SUSPENDED, suspension_reason="Left the partnership")
    login_as(make_admin())

    response = client.post(f"/admin/schools/{school.id}/access-codes")

    assert response.status_code == 409
    assert db.session.scalars(db.select(AccessCode)).all() == []


def test_issue_code_command_prints_the_code_on_its_last_line(runner, db):
    school = make_school(urn="115123", name="Moulsham Infant School")

    result = runner.invoke(args=["issue-code", "115123"])

    assert result.exit_code == 0, result.output
    assert "Moulsham Infant School" in result.output
    code = result.output.strip().splitlines()[-1]
    assert CODE_PATTERN.match(code)
    stored = db.session.scalars(db.select(AccessCode)).one()
    assert stored.school_id == school.id
    assert stored.code_hash == tokens.hash_access_code(code)
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.actor_id) == ("access_code.issued", None)


def test_issue_code_command_refuses_an_unknown_urn(runner, db):
    result = runner.invoke(args=["issue-code", "999999"])

    assert result.exit_code == 1
    assert "No school has URN 999999" in result.output
    assert db.session.scalars(db.select(AccessCode)).all() == []


def test_school_users_cannot_issue_codes(client, db, login_as):
    lead = make_lead()
    login_as(lead)
    assert client.post(f"/admin/schools/{lead.school_id}/access-codes").status_code == 403
    assert db.session.scalars(db.select(AccessCode)).all() == []
