"""Who may call the search API: signed-in users and bearer tokens; nobody else."""

import pytest

from elp.accounts.models import SCHOOL_SUSPENDED
from elp.api import services
from elp.audit import AuditEvent
from tests.factories import committed, make_admin, make_lead, make_member, make_offer


def issue(name="County dashboard"):
    return committed(services.issue_token, name, actor=make_admin())


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def assert_unauthorised(response, message):
    assert response.status_code == 401
    assert response.is_json
    assert message in response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_school_user_can_search(client, db, login_as):
    login_as(make_lead())
    make_offer(title="Phonics")

    response = client.get("/api/v1/offers")

    assert response.status_code == 200
    assert response.get_json()["total"] == 1


def test_a_bearer_token_can_search_and_its_use_is_recorded(client, db):
    token, secret = issue()
    make_offer(title="Phonics")

    response = client.get("/api/v1/offers", headers=bearer(secret))

    assert response.status_code == 200
    assert response.get_json()["total"] == 1
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_no_token_and_no_session_is_refused(client, db):
    response = client.get("/api/v1/offers")

    assert_unauthorised(response, "Sign in to ELP Exchange, or send an API token")
    assert "invalid_token" not in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("lost_access", ["school suspended", "user removed"])
def test_a_session_that_lost_access_gets_a_json_401_not_a_redirect(
    client, db, login_as, lost_access
):
    lead = make_lead()
    login_as(lead)
    if lost_access == "school suspended":
        lead.school.status = SCHOOL_SUSPENDED
    else:
        lead.active = False
    db.session.commit()

    response = client.get("/api/v1/offers")

    assert_unauthorised(response, "Sign in to ELP Exchange, or send an API token")
    assert client.get("/api/v1/offers").status_code == 401  # and the session has ended


def test_an_unknown_token_is_refused(client, db):
    issue()

    response = client.get("/api/v1/offers", headers=bearer("elp_not-a-real-token"))

    assert_unauthorised(response, "unknown or has been revoked")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_revoked_token_is_refused(client, db):
    admin = make_admin()
    token, secret = committed(services.issue_token, "Old dashboard", actor=admin)
    committed(services.revoke_token, token.id, actor=admin)

    assert_unauthorised(client.get("/api/v1/offers", headers=bearer(secret)), "revoked")


def test_another_authorisation_scheme_is_refused(client, db):
    response = client.get("/api/v1/offers", headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert_unauthorised(response, "Authorization: Bearer <token>")


def test_a_bad_token_is_refused_even_with_a_signed_in_session(client, db, login_as):
    login_as(make_member())

    response = client.get("/api/v1/offers", headers=bearer("elp_wrong"))

    assert_unauthorised(response, "unknown or has been revoked")


def test_the_token_itself_is_never_stored(db):
    token, secret = issue()

    assert secret.startswith("elp_") and len(secret) > 40
    assert secret not in (token.token_hash, token.hint)
    assert token.hint == secret[-4:]
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert [event.action for event in events] == ["api_token.issued"]
    assert secret not in str(events[0].details)


def test_csrf_protection_does_not_block_a_bearer_get(app, client, db, monkeypatch):
    """The test config turns CSRF off; the real one has it on, and a GET still works."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    _, secret = issue()

    assert client.get("/api/v1/offers", headers=bearer(secret)).status_code == 200
    # Proof the protection is really on: a form post without a token is refused.
    assert (
        client.post("/admin/api-tokens", data={"name": "x"}, headers=bearer(secret)).status_code
        == 400
    )


@pytest.fixture
def three_a_minute(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")


def test_too_many_requests_from_one_token_get_a_json_429(client, db, three_a_minute):
    _, secret = issue("Busy dashboard")
    _, other_secret = issue("Quiet dashboard")

    statuses = [client.get("/api/v1/offers", headers=bearer(secret)).status_code for _ in range(3)]
    refused = client.get("/api/v1/offers", headers=bearer(secret))

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert "Too many requests" in refused.get_json()["error"]
    assert "3 per 1 minute" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) > 0
    # The limit is per token: another token is still served.
    assert client.get("/api/v1/offers", headers=bearer(other_secret)).status_code == 200


def test_too_many_requests_from_one_user_get_a_json_429(client, db, login_as, three_a_minute):
    login_as(make_member())

    statuses = [client.get("/api/v1/offers").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_a_token_has_no_school_so_distance_falls_back_to_relevance(client, db):
    _, secret = issue()
    make_offer(title="Phonics")

    response = client.get("/api/v1/offers?sort=distance", headers=bearer(secret))

    assert response.status_code == 200
    assert response.get_json()["total"] == 1
    assert response.headers["ELP-Notice"].startswith("Sorted by relevance: sorting by distance")
