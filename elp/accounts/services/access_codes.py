"""Access codes: ELP issues one to a school, and its first lead joins with it."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from elp import audit
from elp.accounts import tokens
from elp.accounts.models import (
    ROLE_LEAD,
    AccessCode,
    normalise_email,
)
from elp.accounts.passwords import hash_password
from elp.accounts.services.leads import school_leads
from elp.accounts.services.users import (
    new_account_problems,
    open_account,
    suspension_message,
)
from elp.accounts.transitions import ACCESS_CODE, Party
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.notifications.services import queue_email
from elp.timeutil import utcnow
from elp.urls import absolute_url

ACCESS_CODE_PROBLEMS = {
    None: "Enter a correct access code. Check it against the one ELP gave you",
    "expired": "This access code has expired. Ask ELP for a new one",
    "used": (
        "This access code has already been used. Ask your school lead to invite you, "
        "or ask ELP for a new code"
    ),
    "revoked": "This access code has been withdrawn by ELP. Ask ELP for a new one",
}


# Access codes


@dataclass(frozen=True)
class NewAccessCode:
    """A code just issued: its row, the code itself (shown this once), and the school's
    older unused codes it replaced, which no longer work."""

    access_code: AccessCode
    code: str
    replaced: list = field(default_factory=list)


def _unused_codes(school, now):
    return db.session.scalars(
        select(AccessCode)
        .where(
            AccessCode.school_id == school.id,
            AccessCode.revoked_at.is_(None),
            AccessCode.redeemed_at.is_(None),
            AccessCode.expires_at > now,
        )
        .order_by(AccessCode.created_at, AccessCode.id)
    ).all()


def issue_new_access_code(school, issued_by=None, **audit_details):
    """Issue a new access code for a school, revoking its older unused codes, so only the
    newest code a school was given works (a letter lost in the post stops being a way in).
    Returns a NewAccessCode; `audit_details` go on its audit event (what it replaces, the
    bulk issue it was part of).

    The code is returned this once to be shown to the admin; only its hash is stored.
    """
    if school.is_suspended:
        raise ActionRefused("Reactivate the school before issuing it an access code.")
    replaced = _unused_codes(school, utcnow())
    for older in replaced:
        ACCESS_CODE.apply(older, "revoke", Party.ADMIN, issued_by,
                          reason="Replaced by a newer code", school_id=school.id,
                          hint=older.hint)  # fmt: skip
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
    if replaced:
        audit_details["revoked"] = [older.id for older in replaced]
    audit.record(
        "access_code.issued",
        access_code,
        actor=issued_by,
        school_id=school.id,
        hint=access_code.hint,
        **audit_details,
    )
    db.session.flush()
    return NewAccessCode(access_code, code, replaced)


def issue_access_code(school, issued_by=None, **audit_details):
    """Issue a new access code for a school (its older unused codes stop working) and
    return (access code row, the code itself)."""
    issued = issue_new_access_code(school, issued_by, **audit_details)
    return issued.access_code, issued.code


def revoke_access_code(access_code, revoked_by):
    ACCESS_CODE.apply(
        access_code,
        "revoke",
        Party.ADMIN,
        revoked_by,
        school_id=access_code.school_id,
        hint=access_code.hint,
    )
    db.session.flush()


def _access_code_and_problems(code, email, password):
    access_code = db.session.scalar(
        select(AccessCode).where(AccessCode.code_hash == tokens.hash_access_code(code or ""))
    )
    state = access_code.state() if access_code else None
    problems = {}
    if state != "valid":
        problems["access_code"] = ACCESS_CODE_PROBLEMS[state]
    elif access_code.school.is_suspended:
        problems["access_code"] = suspension_message(access_code.school)
    # Whether the address has an account is said only to the holder of a good code (the
    # school's lead-to-be, who needs to know): to anyone else /join says the same words
    # whatever address is typed, in the same time, as it never looks.
    problems.update(
        new_account_problems(normalise_email(email), password or "", check_taken=not problems)
    )
    return access_code, problems


def join_problems(code, email, password):
    """{field: message} for everything wrong with joining with this code, email and
    password, all at once, so the join form can report every problem together."""
    return _access_code_and_problems(code, email, password)[1]


def redeem_access_code(code, full_name, job_title, email, password):
    """Create the school's lead from an access code and return them.

    A wrong, expired, used or withdrawn code, a taken email or a weak password raises
    InvalidInput (naming every problem) and changes nothing.
    """
    access_code, problems = _access_code_and_problems(code, email, password)
    if problems:
        raise InvalidInput.all_of(problems)
    school = access_code.school
    email = normalise_email(email)
    now = utcnow()
    user = open_account(
        email=email,
        full_name=full_name.strip(),
        job_title=(job_title or "").strip() or None,
        password_hash=hash_password(password),
        role=ROLE_LEAD,
        school=school,
        last_sign_in_at=now,
    )
    # A compare-and-set on the code's version, so two people racing with it cannot both win.
    access_code.redeemed_by_id = user.id
    try:
        ACCESS_CODE.apply(access_code, "redeem", Party.NEWCOMER, user, school_id=school.id)
    except ActionRefused:
        raise InvalidInput("access_code", ACCESS_CODE_PROBLEMS["used"]) from None
    db.session.flush()
    _tell_leads_who_joined(user)
    return user


def _tell_leads_who_joined(newcomer):
    """Tell the school's other leads that someone joined with an access code, so a code
    that reached the wrong person does not go unnoticed."""
    for lead in school_leads(newcomer.school_id):
        if lead.id == newcomer.id:
            continue
        queue_email(
            lead.email,
            f"{newcomer.full_name} has joined {newcomer.school.name} on ELP Exchange",
            "access_code_redeemed",
            lead=lead,
            newcomer=newcomer,
            school=newcomer.school,
            link=absolute_url("accounts.colleagues"),
        )


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
