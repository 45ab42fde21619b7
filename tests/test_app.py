import pytest
import sqlalchemy as sa

from elp import create_app
from elp.config import ProductionConfig


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"ELP Exchange" in response.data


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Skip to main content" in response.data


def test_every_response_carries_a_content_security_policy_without_inline_script(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_production_refuses_to_start_with_the_default_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "development-only-not-secret")
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://x/y")
    with pytest.raises(RuntimeError, match="ELP_SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_sqlite_unless_told(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-long-random-production-secret-key")
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite:///x.db")
    monkeypatch.setattr(ProductionConfig, "ALLOW_SQLITE", False)
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app(ProductionConfig)
    monkeypatch.setattr(ProductionConfig, "ALLOW_SQLITE", True)
    # Production counts rate limits in Redis (refusing memory://); nothing here is limited.
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_refused_action_is_a_clear_409_not_a_500():
    from elp.errors import ActionRefused

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/_test/refuse")
    def refuse():
        raise ActionRefused("An archived offer cannot be published.")

    response = app.test_client().get("/_test/refuse")
    assert response.status_code == 409
    assert b"An archived offer cannot be published." in response.data


@pytest.mark.parametrize(
    ("proxies", "seen"), [(0, "127.0.0.1 http"), (1, "203.0.113.9 https")]
)
def test_forwarded_headers_are_believed_only_from_trusted_proxies(monkeypatch, proxies, seen):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-long-random-production-secret-key")
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    monkeypatch.setattr(ProductionConfig, "ALLOW_SQLITE", True)
    # Production counts rate limits in Redis (refusing memory://); nothing here is limited.
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(ProductionConfig, "TRUSTED_PROXIES", proxies)
    app = create_app(ProductionConfig)

    @app.get("/_test/address")
    def address():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/_test/address",
        base_url="http://localhost",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    assert response.text == seen


@pytest.mark.parametrize(("proxies", "limited"), [(0, True), (1, False)])
def test_a_forged_forwarded_address_dodges_the_sign_in_limit_only_behind_a_trusted_proxy(
    tmp_path, proxies, limited
):
    from elp.extensions import db, limiter

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'elp.db'}",
            "INDEX_DIR": str(tmp_path / "index"),
            "TRUSTED_PROXIES": proxies,
        }
    )
    with app.app_context():
        db.create_all()
    limiter.reset()
    client = app.test_client()

    statuses = [
        client.post(
            "/sign-in",
            data={"email": f"person{n}@school.example", "password": "a wrong password"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(12)
    ]

    assert (429 in statuses) is limited
    limiter.reset()


def test_an_oversized_upload_is_refused_with_a_clear_page():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MAX_CONTENT_LENGTH": 1000})
    response = app.test_client().post("/sign-in", data={"email": "x" * 2000})
    assert response.status_code == 413
    assert b"That file is too large" in response.data


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/sign-in", {"email": "lead\x00@school.example", "password": "x"}),
        ("post", "/join", {"code": "ABCD\x00", "email": "a@b.example"}),
        ("get", "/search?q=phonics%00", None),
        ("get", "/search?q=phonics&phase=KS1&phase=KS2%00", None),
        ("get", "/api/v1/offers?q=%00", None),
    ],
)
def test_a_null_character_in_any_field_is_refused_with_a_400_not_a_500(
    client, method, path, data
):
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 400


def test_sqlite_lets_readers_and_a_writer_work_at_once(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has its own concurrency")
    settings = [db.session.execute(sa.text(f"PRAGMA {name}")).scalar() for name in
                ("journal_mode", "synchronous", "busy_timeout")]  # fmt: skip
    assert settings == ["wal", 1, 10000]  # synchronous 1 is NORMAL
