"""Users as ELP admins manage them, across every school: finding them, deactivating and
reactivating accounts, making or unmaking a school lead, resending an invitation, and
creating another ELP admin. The last active ELP admin can never be deactivated, so the
partnership is never locked out of its own service."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from elp import audit
from elp.accounts import sessions, tokens
from elp.accounts.models import (
    ROLE_ADMIN,
    ROLE_LEAD,
    ROLE_MEMBER,
    ROLES,
    Invitation,
    School,
    User,
    normalise_email,
)
from elp.accounts.passwords import hash_password
from elp.accounts.services.users import (
    check_email_format,
    email_in_use,
    open_account,
)
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.notifications.services import queue_email
from elp.text import has_control_characters
from elp.timeutil import utcnow
from elp.urls import absolute_url

USERS_PER_PAGE = 50
ACTIVE, DEACTIVATED = "active", "deactivated"
LAST_ADMIN = (
    "This is the last active ELP admin, so the account cannot be deactivated. "
    "Create another ELP admin first."
)
OWN_ACCOUNT = (
    "You cannot deactivate your own account. Ask another ELP admin to do it if you are leaving."
)


@dataclass(frozen=True)
class UserFilter:
    text: str = ""  # part of a name, email or school name, or a URN
    role: str = ""
    status: str = ""  # ACTIVE or DEACTIVATED

    @classmethod
    def from_args(cls, args, text):
        role = args.get("role", "")
        status = args.get("status", "")
        return cls(
            text, role if role in ROLES else "", status if status in (ACTIVE, DEACTIVATED) else ""
        )


def find_users(user_filter, page=1):
    """A page of users across every school, ELP admins included, by name."""
    statement = (
        select(User).outerjoin(School, User.school_id == School.id).options(joinedload(User.school))
    )
    if user_filter.text:
        text = user_filter.text
        statement = statement.where(
            or_(
                User.full_name.icontains(text, autoescape=True),
                User.email.icontains(text, autoescape=True),
                School.name.icontains(text, autoescape=True),
                School.urn == text,
            )
        )
    if user_filter.role:
        statement = statement.where(User.role == user_filter.role)
    if user_filter.status:
        statement = statement.where(User.active.is_(user_filter.status == ACTIVE))
    return db.paginate(
        statement.order_by(func.lower(User.full_name), User.id),
        page=page,
        per_page=USERS_PER_PAGE,
        error_out=False,
    )


def pending_invitations(user_filter, limit=USERS_PER_PAGE):
    """Invitations not accepted or cancelled (expired ones too), matching the filter's text."""
    statement = (
        select(Invitation)
        .join(School, Invitation.school_id == School.id)
        .options(joinedload(Invitation.school))
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    )
    if user_filter.text:
        text = user_filter.text
        statement = statement.where(
            or_(
                Invitation.email.icontains(text, autoescape=True),
                Invitation.full_name.icontains(text, autoescape=True),
                School.name.icontains(text, autoescape=True),
                School.urn == text,
            )
        )
    return db.session.scalars(statement.order_by(Invitation.created_at.desc()).limit(limit)).all()


def _active_admins_locked():
    """The active ELP admins, their rows locked until the commit (on PostgreSQL), so two
    admins deactivating each other at once cannot leave none."""
    return db.session.scalars(
        select(User).where(User.role == ROLE_ADMIN, User.active).with_for_update()
    ).all()


def check_can_deactivate(admin, user):
    """Refuse an admin deactivating their own account (they would lock themselves out at
    once, and could be the last admin who can sign in)."""
    if user.id == admin.id:
        raise ActionRefused(OWN_ACCOUNT)


def deactivate_user(admin, user, reason):
    """Close an account: it can no longer sign in and its sessions end. Its work stays."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "Enter the reason for deactivating the account")
    if len(reason) > 500:
        raise InvalidInput("reason", "The reason must be 500 characters or fewer")
    check_can_deactivate(admin, user)
    if not user.active:
        raise ActionRefused(f"{user.full_name}’s account is already deactivated.")
    if user.role == ROLE_ADMIN:
        # Only an admin who has signed in counts: one created and never used (a typo in the
        # address, a password link that expired) cannot let anyone back in.
        others = [
            other
            for other in _active_admins_locked()
            if other.id != user.id and other.last_sign_in_at is not None
        ]
        if not others:
            raise ActionRefused(LAST_ADMIN)
    user.active = False
    sessions.end_every_session(user)
    audit.record("user.deactivated", user, actor=admin, reason=reason, school_id=user.school_id,
                 email=user.email)  # fmt: skip
    db.session.flush()


def reactivate_user(admin, user):
    if user.active:
        raise ActionRefused(f"{user.full_name}’s account is already active.")
    user.active = True
    audit.record("user.reactivated", user, actor=admin, school_id=user.school_id, email=user.email)
    db.session.flush()


def make_school_lead(admin, user):
    """Make a school's user one of its leads (who invite and remove colleagues)."""
    if user.role == ROLE_ADMIN or user.school_id is None:
        raise ActionRefused("An ELP admin belongs to no school, so cannot be a school lead.")
    if user.role == ROLE_LEAD:
        raise ActionRefused(f"{user.full_name} is already a school lead.")
    if not user.active:
        raise ActionRefused("Reactivate the account before making it a school lead.")
    user.role = ROLE_LEAD
    audit.record("user.made_lead", user, actor=admin, school_id=user.school_id, email=user.email)
    db.session.flush()


def unmake_school_lead(admin, user):
    """Make a lead an ordinary member again; a school keeps at least one active lead."""
    if user.role != ROLE_LEAD:
        raise ActionRefused(f"{user.full_name} is not a school lead.")
    leads = db.session.scalars(
        select(User)
        .where(User.school_id == user.school_id, User.role == ROLE_LEAD, User.active)
        .with_for_update()
    ).all()
    if user.active and not [lead for lead in leads if lead.id != user.id]:
        raise ActionRefused(
            f"{user.full_name} is the only school lead of {user.school.name}. "
            "Make another user of the school a lead first."
        )
    user.role = ROLE_MEMBER
    audit.record("user.unmade_lead", user, actor=admin, school_id=user.school_id, email=user.email)
    db.session.flush()


def resend_invitation(admin, invitation):
    """Send a pending or expired invitation again with a fresh link; the old link stops
    working. Returns the new invitation."""
    state = invitation.state()
    if state == "accepted":
        raise ActionRefused(
            "This invitation has already been accepted, so there is nothing to resend."
        )
    if state == "revoked":
        raise ActionRefused("This invitation was cancelled or replaced, so it cannot be resent.")
    if email_in_use(invitation.email):
        raise ActionRefused("An account already exists for this email address.")
    now = utcnow()
    invitation.revoked_at = now
    token = tokens.new_link_token()
    fresh = Invitation(
        school_id=invitation.school_id,
        email=invitation.email,
        full_name=invitation.full_name,
        token_hash=tokens.hash_secret(token),
        invited_by_id=invitation.invited_by_id,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(fresh)
    db.session.flush()
    inviter = invitation.invited_by or admin
    queue_email(
        fresh.email,
        f"{inviter.full_name} has invited you to join {invitation.school.name} on ELP Exchange",
        "invitation",
        invitation=fresh,
        school=invitation.school,
        lead=inviter,
        link=absolute_url("accounts.accept_invitation", invitation_token=token),
    )
    audit.record("invitation.resent", fresh, actor=admin, school_id=fresh.school_id,
                 email=fresh.email, replaces=invitation.id)  # fmt: skip
    return fresh


def create_admin_by_admin(admin, email, full_name):
    """Create another ELP admin, who is emailed a link to choose a password. Only an active
    ELP admin may do this."""
    if not (admin.is_admin and admin.active):
        raise ActionRefused("Only an ELP admin can create an ELP admin.")
    email = normalise_email(email or "")
    full_name = (full_name or "").strip()
    if not full_name:
        raise InvalidInput("full_name", "Enter the new admin’s full name")
    if len(full_name) > 120 or has_control_characters(full_name):
        raise InvalidInput("full_name", "The full name must be one line of 120 characters or fewer")
    check_email_format(email)
    if email_in_use(email):
        raise InvalidInput("email", "An account already exists for this email address")
    new_admin = open_account(
        email=email,
        full_name=full_name,
        password_hash=hash_password(secrets.token_urlsafe(32)),  # unusable until they choose one
        role=ROLE_ADMIN,
        school=None,
    )
    queue_email(
        new_admin.email,
        "You are an ELP admin on ELP Exchange: choose your password",
        "admin_welcome",
        user=new_admin,
        admin=admin,
        minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60,
        link=absolute_url(
            "accounts.reset_password", reset_token=tokens.make_reset_token(new_admin)
        ),
    )
    audit.record("user.admin_created", new_admin, actor=admin, email=email)
    return new_admin
