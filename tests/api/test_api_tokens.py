"""ELP admins issue and revoke API tokens, on the command line and on the admin page."""

from elp.api.models import ApiToken
from elp.audit import AuditEvent
from tests.factories import make_admin, make_lead


def test_issue_api_token_prints_a_working_token_on_its_last_line(app, runner, db):
    result = runner.invoke(args=["issue-api-token", "--name", "County dashboard"])

    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("elp_")
    response = app.test_client().get(
        "/api/v1/offers", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    token = db.session.scalar(db.select(ApiToken))
    assert token.name == "County dashboard" and token.created_by is None
    event = db.session.scalar(db.select(AuditEvent))
    assert (event.action, event.details["via"]) == ("api_token.issued", "command line")


def test_issue_api_token_needs_a_name(runner, db):
    result = runner.invoke(args=["issue-api-token", "--name", "  "])

    assert result.exit_code != 0
    assert "Enter a name for the token" in result.output
    assert db.session.scalar(db.select(ApiToken)) is None


def test_an_admin_issues_a_token_and_sees_it_once(client, db, login_as):
    admin = make_admin(full_name="Pat Admin")
    login_as(admin)

    issued = client.post(
        "/admin/api-tokens", data={"name": "Dashboard", "description": "Termly report"}
    )
    listing = client.get("/admin/api-tokens")

    page = issued.get_data(as_text=True)
    token = db.session.scalar(db.select(ApiToken))
    secret = page.split('id="api-token" type="text" value="')[1].split('"')[0]
    assert issued.status_code == 200 and "Copy the token now" in page
    assert issued.headers["Cache-Control"] == "no-store"
    assert token.created_by == admin and token.description == "Termly report"
    listed = listing.get_data(as_text=True)
    assert "Dashboard" in listed and "Pat Admin" in listed and f"…{secret[-4:]}" in listed
    assert secret not in listed
    api = client.get("/api/v1/offers", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200


def test_a_token_without_a_name_is_not_issued(client, db, login_as):
    login_as(make_admin())

    response = client.post(
        "/admin/api-tokens", data={"name": "", "description": "For the dashboard"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Error: API tokens" in page and "Enter a name for the token" in page
    assert "For the dashboard" in page  # what the admin typed is kept
    assert db.session.scalar(db.select(ApiToken)) is None


def test_an_admin_revokes_a_token(client, db, login_as):
    admin = make_admin()
    login_as(admin)
    client.post("/admin/api-tokens", data={"name": "Leaked"})
    token = db.session.scalar(db.select(ApiToken))

    response = client.post(f"/admin/api-tokens/{token.id}/revoke", follow_redirects=True)

    assert "Token “Leaked” revoked" in response.get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is not None
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["api_token.issued", "api_token.revoked"]
    again = client.post(f"/admin/api-tokens/{token.id}/revoke")
    assert again.status_code == 409 and "already revoked" in again.get_data(as_text=True)


def test_school_users_cannot_see_or_issue_tokens(client, db, login_as):
    login_as(make_lead())

    assert client.get("/admin/api-tokens").status_code == 403
    assert client.post("/admin/api-tokens", data={"name": "Mine"}).status_code == 403
    assert db.session.scalar(db.select(ApiToken)) is None


def test_the_admin_home_links_to_the_token_page(client, db, login_as):
    login_as(make_admin())

    page = client.get("/admin/").get_data(as_text=True)

    assert 'href="/admin/api-tokens"' in page
