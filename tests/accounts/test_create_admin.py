"""`elp create-admin` makes an ELP admin from the command line."""

from elp.accounts.models import ROLE_ADMIN, User
from elp.accounts.passwords import password_matches
from tests.factories import make_member

PASSWORD = "a long admin passphrase"


def users(db):
    return db.session.scalars(db.select(User)).all()


def test_create_admin_with_every_answer_given(runner, db):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Ada@ELP.example",
            "--name",
            "Ada Lovelace",
            "--password",
            PASSWORD,
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Created ELP admin Ada Lovelace <ada@elp.example>" in result.output
    [admin] = users(db)
    assert (admin.email, admin.role, admin.school_id) == ("ada@elp.example", ROLE_ADMIN, None)
    assert password_matches(admin.password_hash, PASSWORD)


def test_create_admin_asks_for_the_password_twice_without_showing_it(runner, db):
    result = runner.invoke(
        args=["create-admin", "--email", "ada@elp.example", "--name", "Ada Lovelace"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output
    assert password_matches(users(db)[0].password_hash, PASSWORD)


def test_create_admin_asks_for_missing_answers(runner, db):
    result = runner.invoke(
        args=["create-admin"], input=f"ada@elp.example\nAda Lovelace\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert users(db)[0].full_name == "Ada Lovelace"


def test_create_admin_applies_the_password_policy(runner, db):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "ada@elp.example",
            "--name",
            "Ada",
            "--password",
            "password1234",
        ]
    )
    assert result.exit_code == 1
    assert "Password is too easy to guess" in result.output
    assert "No admin was created" in result.output
    assert users(db) == []


def test_create_admin_refuses_an_email_that_has_an_account(runner, db):
    existing = make_member(email="ada@elp.example")
    result = runner.invoke(
        args=["create-admin", "--email", "ADA@elp.example", "--name", "Ada", "--password", PASSWORD]
    )
    assert result.exit_code == 1
    assert "An account already exists for this email address" in result.output
    assert users(db) == [existing]


def test_create_admin_refuses_a_malformed_email(runner, db):
    result = runner.invoke(
        args=["create-admin", "--email", "not-an-email", "--name", "Ada", "--password", PASSWORD]
    )
    assert result.exit_code == 1
    assert "Enter an email address in the correct format" in result.output
    assert users(db) == []


def test_create_admin_refuses_a_name_with_a_line_break(runner, db):
    result = runner.invoke(
        args=["create-admin", "--email", "ada@elp.example", "--name", "Ada\nLovelace",
              "--password", PASSWORD]
    )  # fmt: skip

    assert result.exit_code == 1
    assert "The full name must be on one line, without tabs or line breaks" in result.output
    assert users(db) == []
