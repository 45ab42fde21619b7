"""The password policy and password hashing: the one place both are decided."""

from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from elp.accounts.models import normalise_email

MINIMUM_LENGTH = 12
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def _unusable_hash():
    # Checked when the email is unknown, so a failed sign-in takes as long either way.
    return generate_password_hash("no account has this password", method="scrypt")


@cache
def common_passwords():
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password, email=None):
    """Return why a new password is not allowed, or None when it is fine."""
    # Spaces at either end are easy to lose when typing, so they do not count.
    if len(password.strip()) < MINIMUM_LENGTH:
        return f"Password must be at least {MINIMUM_LENGTH} characters"
    if password.strip().lower() in common_passwords():
        return "Password is too easy to guess: it is one of the most common passwords"
    if email and password.strip().lower() == normalise_email(email):
        return "Password must not be your email address"
    return None


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash, password):
    """Check a password; with no hash (unknown user) spend the same time and say no."""
    if password_hash is None:
        check_password_hash(_unusable_hash(), password)
        return False
    return check_password_hash(password_hash, password)
