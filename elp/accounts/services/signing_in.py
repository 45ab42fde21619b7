"""Signing in, with a lockout after repeated failures, and resetting a forgotten password."""


from flask import current_app
from limits import parse

from elp import audit
from elp.accounts import sessions, tokens
from elp.accounts.models import (
    User,
    normalise_email,
)
from elp.accounts.passwords import hash_password, password_matches, password_problem
from elp.accounts.services.users import (
    LinkUnusable,
    find_user_by_email,
    suspension_message,
)
from elp.errors import InvalidInput
from elp.extensions import db, limiter
from elp.notifications.services import queue_email
from elp.timeutil import utcnow
from elp.urls import absolute_url

WRONG_EMAIL_OR_PASSWORD = "Enter a correct email address and password"
TOO_MANY_SIGN_IN_FAILURES = (
    "There have been too many attempts to sign in with this email address. "
    "Wait 15 minutes and try again"
)
ACCOUNT_CLOSED = (
    "Your account has been closed. Ask your school lead if you need to use ELP Exchange again"
)

# Failures are counted per email address, whether or not an account has it, so the lockout
# says nothing about which addresses exist. Kept in the rate limiter's storage (shared by
# every app node when Redis is configured).
SIGN_IN_FAILURES_ALLOWED = parse("5 per 15 minutes")
_SIGN_IN_FAILURES = "sign-in-failures"


# Signing in


def sign_in(email, password):
    """Return the user this email and password belong to, with the sign-in recorded.

    Every refusal names the email field; an unknown email and a wrong password get the same
    words, so the page never tells anyone which addresses have an account.
    """
    email = normalise_email(email)
    if _sign_in_locked(email):
        raise InvalidInput("email", TOO_MANY_SIGN_IN_FAILURES)
    user = find_user_by_email(email)
    if not password_matches(user.password_hash if user else None, password):
        _count_sign_in_failure(email)
        raise InvalidInput("email", WRONG_EMAIL_OR_PASSWORD)
    # Past this point the person knows the password, so they may be told why they cannot in.
    if not user.active:
        raise InvalidInput("email", ACCOUNT_CLOSED)
    if user.school and user.school.is_suspended:
        raise InvalidInput("email", suspension_message(user.school))
    _forget_sign_in_failures(email)
    user.last_sign_in_at = utcnow()
    db.session.flush()
    return user


# When rate limiting is switched off (RATELIMIT_ENABLED), so is the lockout.


def _sign_in_locked(email):
    return limiter.enabled and not limiter.limiter.test(
        SIGN_IN_FAILURES_ALLOWED, _SIGN_IN_FAILURES, email
    )


def _count_sign_in_failure(email):
    if limiter.enabled:
        limiter.limiter.hit(SIGN_IN_FAILURES_ALLOWED, _SIGN_IN_FAILURES, email)


def _forget_sign_in_failures(email):
    if limiter.enabled:
        limiter.limiter.clear(SIGN_IN_FAILURES_ALLOWED, _SIGN_IN_FAILURES, email)


# Forgotten passwords


def request_password_reset(email):
    """Email a reset link if an open account has this address, and otherwise an email
    saying there is none; the page says the same either way.

    Both ways queue one email in the outbox and nothing else, so the answer takes the same
    time too: a stranger learns nothing about which addresses have an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        queue_email(
            normalise_email(email),
            "Reset your ELP Exchange password",
            "password_reset_no_account",
            email=normalise_email(email),
        )
        db.session.flush()
        return
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    queue_email(
        user.email,
        "Reset your ELP Exchange password",
        "password_reset",
        user=user,
        minutes=minutes,
        link=absolute_url("accounts.reset_password", reset_token=tokens.make_reset_token(user)),
    )
    db.session.flush()


def _reset_link_not_valid():
    return LinkUnusable(
        "This link to reset your password is not valid",
        "Check you copied the whole link from the email, or ask for a new link.",
        status=404,
    )


def user_for_reset_link(token):
    """Return the user a reset link is for, or raise LinkUnusable saying why it cannot be used."""
    try:
        user_id, fingerprint = tokens.read_reset_token(token)
    except tokens.ResetLinkExpired as error:
        raise LinkUnusable(
            "This link to reset your password has expired",
            "Links to reset a password work for a limited time. Ask for a new link.",
        ) from error
    except tokens.ResetLinkInvalid as error:
        raise _reset_link_not_valid() from error
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise _reset_link_not_valid()
    if not tokens.reset_token_matches_password(fingerprint, user.password_hash):
        raise LinkUnusable(
            "This link to reset your password has already been used",
            "Each link works once. Sign in with your new password, or ask for a new link.",
        )
    return user


def reset_password(token, password):
    """Set a new password through a reset link; the link stops working once it is used."""
    user = user_for_reset_link(token)
    problem = password_problem(password, user.email)
    if problem:
        raise InvalidInput("password", problem)
    user.password_hash = hash_password(password)
    sessions.end_every_session(user)
    audit.record("user.password_reset", user, actor=user)
    # Tell the account's owner, so a change they did not make does not go unnoticed.
    queue_email(user.email, "Your ELP Exchange password has been changed", "password_changed",
                user=user, link=absolute_url("accounts.forgot_password"))  # fmt: skip
    db.session.flush()
    return user
