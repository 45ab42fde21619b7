"""Your account: a user changes their own name, job title, password and email address.

A new password needs the current one and signs the account out of every other browser; a
new email address needs the current password and a link sent to the new address, and the
old address is told once it has changed, so a change the owner did not make is noticed.
"""

from sqlalchemy.exc import IntegrityError

from elp import audit
from elp.accounts import sessions, tokens
from elp.accounts.models import User, normalise_email
from elp.accounts.passwords import hash_password, password_matches, password_problem
from elp.accounts.services.users import (
    LinkUnusable,
    email_format_problem,
    find_user_by_email,
)
from elp.errors import InvalidInput
from elp.extensions import db
from elp.notifications.services import queue_email
from elp.urls import absolute_url

WRONG_CURRENT_PASSWORD = "Your current password is not right. Enter the password you sign in with"
SAME_EMAIL = "That is already your email address. Enter the new address"
CONFIRM_LINK_HOURS = tokens.EMAIL_CHANGE_SECONDS // 3600


def change_details(user, full_name, job_title):
    """Change the user's name and job title (the form has checked their form)."""
    before = {"full_name": user.full_name, "job_title": user.job_title}
    user.full_name = full_name.strip()
    user.job_title = (job_title or "").strip() or None
    after = {"full_name": user.full_name, "job_title": user.job_title}
    if after != before:
        audit.record("user.details_changed", user, actor=user, before=before, after=after)
    db.session.flush()


def change_password(user, current_password, new_password, current_token):
    """Set a new password, given the current one; every other browser is signed out, this
    one stays signed in (the caller signs it in again with the new password's fingerprint),
    and the owner is told by email."""
    problems = {}
    if not password_matches(user.password_hash, current_password or ""):
        problems["current_password"] = WRONG_CURRENT_PASSWORD
    problem = password_problem(new_password or "", user.email)
    if problem:
        problems["password"] = problem
    if problems:
        raise InvalidInput.all_of(problems)
    user.password_hash = hash_password(new_password)
    sessions.end_other_sessions(user, current_token or "")
    audit.record("user.password_changed", user, actor=user)
    queue_email(user.email, "Your ELP Exchange password has been changed",
                "account_password_changed", user=user,
                link=absolute_url("accounts.forgot_password"))  # fmt: skip
    db.session.flush()


def request_email_change(user, new_email, current_password):
    """Send a link to the new address that confirms it; nothing changes until it is used.

    An address another account already uses gets an email saying so instead of a link, and
    the page says the same either way, so this form cannot be used to find out whose
    address has an account.
    """
    new_email = normalise_email(new_email)
    problems = {}
    problem = email_format_problem(new_email)
    if problem is None and new_email == user.email:
        problem = SAME_EMAIL
    if problem:
        problems["email"] = problem
    if not password_matches(user.password_hash, current_password or ""):
        problems["current_password"] = WRONG_CURRENT_PASSWORD
    if problems:
        raise InvalidInput.all_of(problems)
    subject = "Confirm your new email address for ELP Exchange"
    # A closed account keeps its address (it may be opened again), so it counts as taken.
    if find_user_by_email(new_email) is not None:
        queue_email(new_email, subject, "email_change_taken", user=user, new_email=new_email)
    else:
        token = tokens.make_email_change_token(user, new_email)
        queue_email(new_email, subject, "email_change_confirm", user=user, new_email=new_email,
                    hours=CONFIRM_LINK_HOURS,
                    link=absolute_url("accounts.confirm_email_change", email_token=token))  # fmt: skip
    audit.record("user.email_change_requested", user, actor=user, new_email=new_email)
    db.session.flush()
    return new_email


def _link_not_valid():
    return LinkUnusable(
        "This link to confirm an email address is not valid",
        "Check you copied the whole link from the email, or change your email address again.",
        status=404,
    )


def email_change_for_link(token):
    """(user, new address) a confirmation link is for, or raise LinkUnusable saying why it
    cannot be used."""
    try:
        user_id, old_email, new_email = tokens.read_email_change_token(token)
    except tokens.ResetLinkExpired as error:
        raise LinkUnusable(
            "This link to confirm your new email address has expired",
            f"Links to confirm an email address work for {CONFIRM_LINK_HOURS} hours. "
            "Sign in and change your email address again.",
        ) from error
    except tokens.ResetLinkInvalid as error:
        raise _link_not_valid() from error
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise _link_not_valid()
    if user.email != old_email:
        raise LinkUnusable(
            "This link to confirm an email address has already been used",
            f"Your account’s email address is now {user.email}. Sign in with it, or change "
            "it again from Your account.",
        )
    holder = find_user_by_email(new_email)
    if holder is not None and holder.id != user.id:
        raise LinkUnusable(
            "Another account now uses this email address",
            "Your email address has not changed. Choose another address from Your account.",
            status=409,
        )
    return user, new_email


def confirm_email_change(token):
    """Change the account's email to the address the link was sent to, and tell the old
    address. Returns the user."""
    user, new_email = email_change_for_link(token)
    old_email = user.email
    user.email = new_email
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise LinkUnusable(
            "Another account now uses this email address",
            "Your email address has not changed. Choose another address from Your account.",
            status=409,
        ) from error
    audit.record("user.email_changed", user, actor=user, old_email=old_email,
                 new_email=new_email)  # fmt: skip
    queue_email(old_email, "Your ELP Exchange email address has been changed",
                "email_changed", user=user, old_email=old_email, new_email=new_email)  # fmt: skip
    db.session.flush()
    return user
