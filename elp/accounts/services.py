"""Who may use the service: signing in, access codes, invitations, colleagues, password
resets and the schools ELP admins manage. Every rule, transaction, audit event and email
for accounts lives here; views only call these functions."""

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from limits import parse
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from elp import audit
from elp.accounts import sessions, tokens
from elp.accounts.models import (
    ESSEX_DISTRICTS,
    ROLE_ADMIN,
    ROLE_LEAD,
    ROLE_MEMBER,
    SCHOOL_ACTIVE,
    SCHOOL_SUSPENDED,
    AccessCode,
    Invitation,
    School,
    User,
    normalise_email,
)
from elp.accounts.passwords import hash_password, password_matches, password_problem
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db, limiter
from elp.notifications.services import queue_email
from elp.text import has_control_characters
from elp.timeutil import utcnow

WRONG_EMAIL_OR_PASSWORD = "Enter a correct email address and password"
TOO_MANY_SIGN_IN_FAILURES = (
    "There have been too many attempts to sign in with this email address. "
    "Wait 15 minutes and try again"
)
ACCOUNT_CLOSED = (
    "Your account has been closed. Ask your school lead if you need to use ELP Exchange again"
)
EMAIL_TAKEN = "An account already exists for this email address. Sign in instead"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@school.example"

# Failures are counted per email address, whether or not an account has it, so the lockout
# says nothing about which addresses exist. Kept in the rate limiter's storage (shared by
# every app node when Redis is configured).
SIGN_IN_FAILURES_ALLOWED = parse("5 per 15 minutes")
_SIGN_IN_FAILURES = "sign-in-failures"

ACCESS_CODE_PROBLEMS = {
    None: "Enter a correct access code. Check it against the one ELP gave you",
    "expired": "This access code has expired. Ask ELP for a new one",
    "used": (
        "This access code has already been used. Ask your school lead to invite you, "
        "or ask ELP for a new code"
    ),
    "revoked": "This access code has been withdrawn by ELP. Ask ELP for a new one",
}

SCHOOLS_PER_PAGE = 25


class LinkUnusable(Exception):
    """An emailed link (invitation or password reset) that cannot be used, and why."""

    def __init__(self, title, explanation, status=410):
        super().__init__(title)
        self.title = title
        self.explanation = explanation
        self.status = status


def external_url(endpoint, **values):
    """A full link for an email, built from BASE_URL."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def suspension_message(school):
    return (
        f"Your school's access to ELP Exchange is suspended. "
        f"The reason ELP gave: {school.suspension_reason}"
    )


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _email_in_use(email):
    """True if an open account has this email; a removed colleague's may be opened again."""
    user = find_user_by_email(email)
    return user is not None and user.active


def _check_new_account(email, password):
    """Refuse an email that is taken or malformed, or a password the policy does not allow."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput("email", EMAIL_FORMAT) from error
    if _email_in_use(email):
        raise InvalidInput("email", EMAIL_TAKEN)
    problem = password_problem(password, email)
    if problem:
        raise InvalidInput("password", problem)


def _open_account(**fields):
    """Add a user, or reopen the closed account with the same email (a colleague removed by
    mistake, or a teacher who moved school) with these details; a concurrent sign-up with
    the same email is refused, not a 500."""
    user = find_user_by_email(fields["email"])
    if user is None:
        user = User(**fields)
        db.session.add(user)
    else:
        for name, value in fields.items():
            setattr(user, name, value)
        user.active = True
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise InvalidInput("email", EMAIL_TAKEN) from error
    return user


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
    db.session.commit()
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


# Access codes


def issue_access_code(school, issued_by=None):
    """Issue a new access code for a school and return (access code row, the code itself).

    The code is returned this once to be shown to the admin; only its hash is stored.
    """
    if school.is_suspended:
        raise ActionRefused("Reactivate the school before issuing it an access code.")
    code = tokens.new_access_code()
    access_code = AccessCode(
        school=school,
        code_hash=tokens.hash_access_code(code),
        hint=tokens.access_code_hint(code),
        issued_by_id=getattr(issued_by, "id", None),
        expires_at=utcnow() + timedelta(days=current_app.config["ACCESS_CODE_DAYS"]),
    )
    db.session.add(access_code)
    db.session.flush()
    audit.record(
        "access_code.issued",
        access_code,
        actor=issued_by,
        school_id=school.id,
        hint=access_code.hint,
    )
    db.session.commit()
    return access_code, code


def revoke_access_code(access_code, revoked_by):
    state = access_code.state()
    if state != "valid":
        raise ActionRefused(f"This access code is already {state}, so it cannot be revoked.")
    access_code.revoked_at = utcnow()
    audit.record(
        "access_code.revoked",
        access_code,
        actor=revoked_by,
        school_id=access_code.school_id,
        hint=access_code.hint,
    )
    db.session.commit()


def redeem_access_code(code, full_name, job_title, email, password):
    """Create the school's lead from an access code and return them.

    A wrong, expired, used or withdrawn code, a taken email or a weak password raises
    InvalidInput and changes nothing.
    """
    access_code = db.session.scalar(
        select(AccessCode).where(AccessCode.code_hash == tokens.hash_access_code(code))
    )
    state = access_code.state() if access_code else None
    if state != "valid":
        raise InvalidInput("access_code", ACCESS_CODE_PROBLEMS[state])
    school = access_code.school
    if school.is_suspended:
        raise InvalidInput("access_code", suspension_message(school))
    email = normalise_email(email)
    _check_new_account(email, password)
    now = utcnow()
    user = _open_account(
        email=email,
        full_name=full_name.strip(),
        job_title=(job_title or "").strip() or None,
        password_hash=hash_password(password),
        role=ROLE_LEAD,
        school=school,
        last_sign_in_at=now,
    )
    # Claim the code in one conditional update, so two people racing with it cannot both win.
    claimed = db.session.execute(
        update(AccessCode)
        .where(
            AccessCode.id == access_code.id,
            AccessCode.redeemed_at.is_(None),
            AccessCode.revoked_at.is_(None),
            AccessCode.expires_at > now,
        )
        .values(redeemed_at=now, redeemed_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise InvalidInput("access_code", ACCESS_CODE_PROBLEMS["used"])
    audit.record("access_code.redeemed", access_code, actor=user, school_id=school.id)
    db.session.commit()
    return user


def school_access_codes(school):
    return db.session.scalars(
        select(AccessCode)
        .where(AccessCode.school_id == school.id)
        .order_by(AccessCode.created_at.desc(), AccessCode.id.desc())
    ).all()


def find_school_access_code(school, access_code_id):
    return db.session.scalar(
        select(AccessCode).where(AccessCode.id == access_code_id, AccessCode.school_id == school.id)
    )


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
    """
    _check_is_lead_of(lead, lead.school_id)
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput("email", EMAIL_FORMAT) from error
    if _email_in_use(email):
        raise InvalidInput(
            "email", "An account already exists for this email address, so it cannot be invited"
        )
    now = utcnow()
    for earlier in open_invitations(lead.school_id):
        if earlier.email == email:
            earlier.revoked_at = now
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
    queue_email(
        email,
        f"{lead.full_name} has invited you to join {lead.school.name} on ELP Exchange",
        "invitation",
        invitation=invitation,
        school=lead.school,
        lead=lead,
        link=external_url("accounts.accept_invitation", invitation_token=token),
    )
    audit.record("invitation.sent", invitation, actor=lead, school_id=lead.school_id, email=email)
    db.session.commit()
    return invitation


def cancel_invitation(lead, invitation):
    _check_is_lead_of(lead, invitation.school_id)
    state = invitation.state()
    if state == "accepted":
        raise ActionRefused("This invitation has already been accepted, so it cannot be cancelled.")
    if state == "revoked":
        raise ActionRefused("This invitation has already been cancelled.")
    invitation.revoked_at = utcnow()
    audit.record(
        "invitation.cancelled",
        invitation,
        actor=lead,
        school_id=invitation.school_id,
        email=invitation.email,
    )
    db.session.commit()


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
    db.session.commit()


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
    if _email_in_use(invitation.email):
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
        user = _open_account(
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
    accepted = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if accepted.rowcount != 1:
        db.session.rollback()
        raise _invitation_problem("accepted")
    audit.record("invitation.accepted", invitation, actor=user, school_id=invitation.school_id)
    db.session.commit()
    return user


# Forgotten passwords


def request_password_reset(email):
    """Email a reset link if an account has this address; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    minutes = current_app.config["PASSWORD_RESET_SECONDS"] // 60
    queue_email(
        user.email,
        "Reset your ELP Exchange password",
        "password_reset",
        user=user,
        minutes=minutes,
        link=external_url("accounts.reset_password", reset_token=tokens.make_reset_token(user)),
    )
    db.session.commit()


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
    db.session.commit()
    return user


# ELP admins


def create_admin(email, full_name, password):
    """Create an ELP admin (from the command line)."""
    email = normalise_email(email)
    if not (full_name or "").strip():
        raise InvalidInput("full_name", "Enter the admin's full name")
    if has_control_characters(full_name):
        raise InvalidInput(
            "full_name", "The full name must be on one line, without tabs or line breaks"
        )
    _check_new_account(email, password)
    admin = _open_account(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=ROLE_ADMIN,
        school=None,
    )
    audit.record("user.admin_created", admin, email=email)
    db.session.commit()
    return admin


# Schools, as ELP admins manage them


def search_schools(query="", district=None, page=1):
    """A page of schools by name, matching part of a name or a whole URN, and how many
    active users each school on the page has."""
    statement = select(School).order_by(School.name, School.id)
    query = (query or "").strip()
    if query:
        statement = statement.where(
            School.name.icontains(query, autoescape=True) | (School.urn == query)
        )
    if district:
        statement = statement.where(School.district == district)
    schools = db.paginate(statement, page=page, per_page=SCHOOLS_PER_PAGE, error_out=False)
    user_counts = dict(
        db.session.execute(
            select(User.school_id, func.count(User.id))
            .where(User.school_id.in_([school.id for school in schools.items]), User.active)
            .group_by(User.school_id)
        ).all()
    )
    return schools, user_counts


def find_school_by_urn(urn):
    return db.session.scalar(select(School).where(School.urn == (urn or "").strip()))


def add_school(
    admin, urn, name, district, phase, establishment_type, postcode, easting=None, northing=None
):
    """Add an Essex school by hand (most come from the GIAS import)."""
    if find_school_by_urn(urn):
        raise InvalidInput("urn", f"A school with URN {urn} already exists")
    district_codes = {name: code for code, name in ESSEX_DISTRICTS.items()}
    school = School(
        urn=urn,
        name=name.strip(),
        la_code="881",
        la_name="Essex",
        district=district,
        district_code=district_codes[district],
        phase=phase,
        establishment_type=establishment_type.strip(),
        establishment_status="Open",
        postcode=postcode,
        easting=easting,
        northing=northing,
    )
    db.session.add(school)
    db.session.flush()
    audit.record("school.added", school, actor=admin, urn=urn)
    db.session.commit()
    return school


def school_users(school):
    """Every user of the school, removed ones last."""
    return db.session.scalars(
        select(User)
        .where(User.school_id == school.id)
        .order_by(User.active.desc(), User.role == ROLE_MEMBER, User.full_name)
    ).all()


def suspend_school(admin, school, reason):
    """Stop a school's users using the service; they are told the reason."""
    if school.is_suspended:
        raise ActionRefused("This school is already suspended.")
    school.status = SCHOOL_SUSPENDED
    school.suspension_reason = reason.strip()
    sessions.end_school_sessions(school)
    audit.record("school.suspended", school, actor=admin, reason=school.suspension_reason)
    db.session.commit()


def reactivate_school(admin, school):
    if not school.is_suspended:
        raise ActionRefused("This school is not suspended.")
    school.status = SCHOOL_ACTIVE
    school.suspension_reason = None
    audit.record("school.reactivated", school, actor=admin)
    db.session.commit()


def admin_summary():
    """Counts for the admin dashboard."""
    count = db.session.scalar
    return {
        "schools": count(select(func.count(School.id))),
        "suspended_schools": count(
            select(func.count(School.id)).where(School.status == SCHOOL_SUSPENDED)
        ),
        "school_users": count(
            select(func.count(User.id)).where(User.school_id.is_not(None), User.active)
        ),
        "schools_without_users": count(
            select(func.count(School.id)).where(~School.users.any(User.active))
        ),
    }
