"""The one password policy: 12 characters, not a common password, not the email."""

import pytest

from elp.accounts.passwords import (
    common_passwords,
    hash_password,
    password_matches,
    password_problem,
)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "Tr0ub4dor&3xyz", "twelve chars"],
)
def test_long_uncommon_passwords_are_allowed(password):
    assert password_problem(password, "jo@school.example") is None


@pytest.mark.parametrize("password", ["", "short", "eleven char", "  padded   "])
def test_passwords_under_12_characters_are_refused(password):
    assert password_problem(password) == "Password must be at least 12 characters"


@pytest.mark.parametrize("password", ["password1234", "PASSWORD1234", "Qwerty123456"])
def test_common_passwords_are_refused_in_any_case(password):
    assert "too easy to guess" in password_problem(password)


def test_the_common_passwords_come_from_the_data_file():
    passwords = common_passwords()
    assert "qwertyuiop123" in passwords
    assert not any(line.startswith("#") for line in passwords)
    assert all(len(password) >= 12 for password in passwords)


def test_the_email_address_is_refused_as_a_password():
    problem = password_problem("Jo.Bloggs@School.example", " jo.bloggs@school.example")
    assert problem == "Password must not be your email address"


def test_passwords_are_hashed_with_scrypt_and_checked():
    password_hash = hash_password("correct horse battery staple")
    assert password_hash.startswith("scrypt:")
    assert password_matches(password_hash, "correct horse battery staple")
    assert not password_matches(password_hash, "correct horse battery stapler")
    assert not password_matches(None, "correct horse battery staple")
