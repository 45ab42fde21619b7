"""Colleagues and invitations: a lead invites and removes the people of their school."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from elp import audit
from elp.accounts import sessions, tokens
from elp.accounts.models import (
    ROLE_MEMBER,
    Invitation,
    User,
    normalise_email,
)
from elp.accounts.passwords import hash_password, password_problem
from elp.accounts.services.users import (
    LinkUnusable,
    check_email_format,
    email_in_use,
    find_user_by_email,
    open_account,
    suspension_message,
)
from elp.accounts.transitions import INVITATION, Party
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.notifications.services import queue_email
from elp.timeutil import utcnow
from elp.urls import absolute_url

# Colleagues and invitations


def colleagues(school_id):
    """The school's users who can still sign in, leads first."""
    return db.session.scalars(
        select(User)
        .where(User.school_id == school_id, User.active)
        .order_by(User.role == ROLE_MEMBER, User.full_name)
    ).all()


def open_invitations(school_id):
    """Invitations neither accepted nor cancelled, newest first (expired ones included)."""
    return db.session.scalars(
        select(Invitation)
        .where(
            Invitation.school_id == school_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()


def find_colleague(lead, user_id):
    """A user of the lead's own school, or None (another school's user is not found)."""
    return db.session.scalar(
        select(User).where(User.id == user_id, User.school_id == lead.school_id, User.active)
    )


def find_school_invitation(lead, invitation_id):
    return db.session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.school_id == lead.school_id
        )
    )


def invite_colleague(lead, email, full_name=None):
    """Email a colleague a link to join the lead's school; return the invitation.

    A new invitation to the same address replaces one still open, so the latest link works.

    An address that already has an open account is invited all the same, as far as the
    lead can tell (the same words, the same invitation listed, the same work done): the
    email it gets says it has an account and how to sign in, with no link to make another.
    A lead must not learn which addresses have accounts at other schools; a colleague at
    their own school they can see on the colleagues page, so that is said.
    """
    _check_is_lead_of(lead, lead.school_id)
    email = normalise_email(email)
    check_email_format(email)
    existing = find_user_by_email(email)
    if existing is not None and existing.active and existing.school_id == lead.school_id:
        raise InvalidInput("email", f"{existing.full_name} is already a colleague at your school")
    now = utcnow()
    for earlier in open_invitations(lead.school_id):
        if earlier.email == email:
            INVITATION.apply(earlier, "replace", Party.LEAD, lead, school_id=lead.school_id)
    token = tokens.new_link_token()
    invitation = Invitation(
        school_id=lead.school_id,
        email=email,
        full_name=(full_name or "").strip() or None,
        token_hash=tokens.hash_secret(token),
        invited_by=lead,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    subject = f"{lead.full_name} has invited you to join {lead.school.name} on ELP Exchange"
    if existing is not None and existing.active:
        queue_email(
            email, subject, "invitation_existing_account", invitation=invitation,
            school=lead.school, lead=lead, sign_in_link=absolute_url("accounts.sign_in"),
        )  # fmt: skip
    else:
        queue_email(
            email, subject, "invitation", invitation=invitation, school=lead.school, lead=lead,
            link=absolute_url("accounts.accept_invitation", invitation_token=token),
        )  # fmt: skip
    audit.record("invitation.sent", invitation, actor=lead, school_id=lead.school_id, email=email)
    db.session.flush()
    return invitation


def cancel_invitation(lead, invitation):
    _check_is_lead_of(lead, invitation.school_id)
    INVITATION.apply(
        invitation,
        "cancel",
        Party.LEAD,
        lead,
        school_id=invitation.school_id,
        email=invitation.email,
    )
    db.session.flush()


def _check_is_lead_of(user, school_id):
    if not user.is_lead or user.school_id != school_id:
        raise ActionRefused("Only a lead of the school can do that.")


def remove_colleague(lead, colleague):
    """Close a colleague's account: they can no longer sign in. Their school's work stays.

    Leads cannot remove themselves, so every school that has a lead keeps one.
    """
    _check_is_lead_of(lead, colleague.school_id)
    if colleague.id == lead.id:
        raise ActionRefused("You cannot remove yourself. Ask another lead at your school.")
    colleague.active = False
    sessions.end_every_session(colleague)
    audit.record(
        "user.removed", colleague, actor=lead, school_id=colleague.school_id, email=colleague.email
    )
    db.session.flush()


def _invitation_problem(state):
    days = current_app.config["INVITATION_DAYS"]
    problems = {
        None: (
            "This invitation link is not valid",
            (
                "Check you copied the whole link from the email. If it still does not work, "
                "ask your school lead to invite you again."
            ),
            404,
        ),
        "expired": (
            "This invitation has expired",
            f"Invitation links work for {days} days. Ask your school lead to invite you again.",
            410,
        ),
        "accepted": (
            "This invitation has already been used",
            "Sign in with the email address and password you chose when you accepted it.",
            410,
        ),
        "revoked": (
            "This invitation has been cancelled",
            "Ask your school lead if you should have access to ELP Exchange.",
            410,
        ),
    }
    return LinkUnusable(*problems[state])


def open_invitation(token):
    """Return the pending invitation this link's token belongs to, or raise LinkUnusable."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == tokens.hash_secret(token))
    )
    state = invitation.state() if invitation else None
    if state != "pending":
        raise _invitation_problem(state)
    if email_in_use(invitation.email):
        raise LinkUnusable(
            "You already have an account",
            f"An account already exists for {invitation.email}. Sign in with it instead.",
            status=409,
        )
    if invitation.school.is_suspended:
        raise LinkUnusable(
            "Your school's access is suspended", suspension_message(invitation.school), status=403
        )
    return invitation


def accept_invitation(token, full_name, job_title, password):
    """Create the invited colleague as a member of the school and return them."""
    invitation = open_invitation(token)
    problem = password_problem(password, invitation.email)
    if problem:
        raise InvalidInput("password", problem)
    now = utcnow()
    try:
        user = open_account(
            email=invitation.email,
            full_name=full_name.strip(),
            job_title=(job_title or "").strip() or None,
            password_hash=hash_password(password),
            role=ROLE_MEMBER,
            school_id=invitation.school_id,
            last_sign_in_at=now,
        )
    except InvalidInput:
        # Another request took the invitation's email first: almost always the same person
        # accepting twice at once. Say what a fresh look at the link now finds.
        open_invitation(token)
        raise _invitation_problem("accepted") from None
    # A compare-and-set on the invitation's version: of two acceptances at once, one wins.
    try:
        INVITATION.apply(invitation, "accept", Party.NEWCOMER, user, school_id=invitation.school_id)
    except ActionRefused:
        raise _invitation_problem("accepted") from None
    db.session.flush()
    return user
