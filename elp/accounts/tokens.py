"""The secrets behind access codes, invitation links and password-reset links."""

import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from elp.secret_hashing import hash_secret

# No 0/O, 1/I/L: a code read out over the phone or copied from paper is typed right first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
HINT_LENGTH = 4


def new_access_code():
    """Return a random code like "7KQM-R4TX-HW2C" (about 59 bits)."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalise_access_code(code):
    """Upper-case the code and drop spaces and hyphens, as people type it either way."""
    return "".join(character for character in (code or "").upper() if character.isalnum())


def access_code_hint(code):
    return normalise_access_code(code)[-HINT_LENGTH:]


def hash_access_code(code):
    return hash_secret(normalise_access_code(code))


def new_link_token():
    return secrets.token_urlsafe(32)


# Password-reset links: signed and time-limited. They carry a fingerprint of the current
# password hash, so a link stops working once the password has been changed with it. The
# session cookie carries the same fingerprint (User.get_id), so a new password also signs
# the account out everywhere else.

_RESET_SALT = "password-reset"


class ResetLinkExpired(Exception):
    pass


class ResetLinkInvalid(Exception):
    pass


def password_fingerprint(password_hash):
    return hash_secret(password_hash)[:16]


def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def make_reset_token(user):
    return _reset_serializer().dumps(
        {"user": user.id, "password": password_fingerprint(user.password_hash)}
    )


def read_reset_token(token):
    """Return (user id, password fingerprint) from a reset link's token."""
    max_age = current_app.config["PASSWORD_RESET_SECONDS"]
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ResetLinkExpired() from error
    except BadSignature as error:
        raise ResetLinkInvalid() from error
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise ResetLinkInvalid()
    return data["user"], data.get("password", "")


def reset_token_matches_password(fingerprint, password_hash):
    return hmac.compare_digest(str(fingerprint), password_fingerprint(password_hash))


# Links that confirm a new email address: signed and time-limited, naming the user, the
# address the account had when the link was made and the new one. Once the address has
# changed (with this link or another) the link no longer matches and stops working.

_EMAIL_CHANGE_SALT = "email-change"
EMAIL_CHANGE_SECONDS = 24 * 60 * 60


def _email_change_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_EMAIL_CHANGE_SALT)


def make_email_change_token(user, new_email):
    return _email_change_serializer().dumps(
        {"user": user.id, "from": user.email, "to": new_email}
    )


def read_email_change_token(token):
    """Return (user id, the address it had, the new address) from a confirmation link."""
    try:
        data = _email_change_serializer().loads(token, max_age=EMAIL_CHANGE_SECONDS)
    except SignatureExpired as error:
        raise ResetLinkExpired() from error
    except BadSignature as error:
        raise ResetLinkInvalid() from error
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise ResetLinkInvalid()
    if not isinstance(data.get("from"), str) or not isinstance(data.get("to"), str):
        raise ResetLinkInvalid()
    return data["user"], data["from"], data["to"]
