"""Access codes as ELP admins manage them across every school: the list with each code's
status, reissuing a code, and issuing codes in bulk for every school of a district that has
not joined (for a mail merge). A code is shown once, when it is issued; only its hash is kept.
"""

import hmac
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from elp import audit
from elp.accounts import tokens
from elp.accounts.models import DISTRICT_NAMES, SCHOOL_SUSPENDED, AccessCode, School, User
from elp.accounts.services.access_codes import issue_access_code, issue_new_access_code
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.timeutil import utcnow

CODES_PER_PAGE = 50
UNUSED, USED, EXPIRED, REVOKED = "unused", "used", "expired", "revoked"
STATUS_NAMES = {UNUSED: "Unused", USED: "Used", EXPIRED: "Expired", REVOKED: "Revoked"}
# At most this many schools in one bulk issue (a district of England's largest county).
BULK_LIMIT = 2_000


def status_of(access_code, now=None):
    """The code's status as admins read it: unused, used, expired or revoked."""
    state = access_code.state(now)
    return UNUSED if state == "valid" else state


@dataclass(frozen=True)
class CodeFilter:
    status: str = ""
    district: str = ""
    text: str = ""  # part of the school's name, or its URN

    @classmethod
    def from_args(cls, args, text):
        status = args.get("status", "")
        district = args.get("district", "")
        return cls(
            status if status in STATUS_NAMES else "",
            district if district in DISTRICT_NAMES else "",
            text,
        )


def _with_status(statement, status, now):
    unused = (
        AccessCode.revoked_at.is_(None),
        AccessCode.redeemed_at.is_(None),
        AccessCode.expires_at > now,
    )
    conditions = {
        UNUSED: unused,
        USED: (AccessCode.revoked_at.is_(None), AccessCode.redeemed_at.is_not(None)),
        EXPIRED: (
            AccessCode.revoked_at.is_(None),
            AccessCode.redeemed_at.is_(None),
            AccessCode.expires_at <= now,
        ),
        REVOKED: (AccessCode.revoked_at.is_not(None),),
    }
    return statement.where(*conditions[status]) if status else statement


def find_access_codes(code_filter, page=1):
    """A page of access codes, newest first, and {user id: user} of who used them."""
    now = utcnow()
    statement = (
        select(AccessCode)
        .join(School, AccessCode.school_id == School.id)
        .options(joinedload(AccessCode.school))
    )
    statement = _with_status(statement, code_filter.status, now)
    if code_filter.district:
        statement = statement.where(School.district == code_filter.district)
    if code_filter.text:
        statement = statement.where(
            School.name.icontains(code_filter.text, autoescape=True)
            | (School.urn == code_filter.text)
        )
    codes = db.paginate(
        statement.order_by(AccessCode.created_at.desc(), AccessCode.id.desc()),
        page=page,
        per_page=CODES_PER_PAGE,
        error_out=False,
    )
    user_ids = {code.redeemed_by_id for code in codes.items if code.redeemed_by_id}
    users = {}
    if user_ids:
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    return codes, users


def _withdraw(access_code, admin, now, why):
    access_code.revoked_at = now
    audit.record("access_code.revoked", access_code, actor=admin, school_id=access_code.school_id,
                 hint=access_code.hint, reason=why)  # fmt: skip


def reissue_access_code(admin, access_code):
    """Issue the school a new code in place of this one (lost, or expired); its unused
    codes, this one among them, stop working. Returns a NewAccessCode."""
    school = access_code.school
    status = status_of(access_code)
    if status == USED:
        raise ActionRefused(
            f"This code has been used: {school.name} has joined. Its school lead can invite "
            "colleagues, or an ELP admin can make another user a lead."
        )
    return issue_new_access_code(school, admin, replaces=access_code.id)


@dataclass(frozen=True)
class IssuedCode:
    school: School
    access_code: AccessCode
    code: str


def issued_code_for_letter(access_code, code):
    """The access code with its code, to print its letter again as a PDF from the page that
    showed it: the page sends the code back, since only its hash is kept. Refused unless the
    code is this access code's and still unused, so no letter carries a code that will not
    work, nor one made up."""
    hashed = tokens.hash_access_code(code or "")
    if not hmac.compare_digest(hashed, access_code.code_hash):
        raise ActionRefused(
            "That is not this access code, so no letter was made. Issue the school a new code."
        )
    if status_of(access_code) != UNUSED:
        raise ActionRefused(
            f"This access code is {status_of(access_code)}, so no letter was made. "
            "Issue the school a new code."
        )
    return IssuedCode(access_code.school, access_code, code)


def schools_not_joined(district):
    """Active schools of the district nobody has joined yet, by name."""
    return db.session.scalars(
        select(School)
        .where(
            School.district == district,
            School.status != SCHOOL_SUSPENDED,
            ~exists().where(User.school_id == School.id),
        )
        .order_by(School.name, School.urn)
    ).all()


def bulk_issue(admin, district):
    """Issue a new code to every school of the district that has not joined, in one
    transaction; their earlier unused codes stop working. Returns [IssuedCode]."""
    if district not in DISTRICT_NAMES:
        raise InvalidInput("district", "Choose a district from the list")
    schools = schools_not_joined(district)
    if not schools:
        raise InvalidInput(
            "district",
            f"Every school in {district} has joined or is suspended, so no codes were issued",
        )
    if len(schools) > BULK_LIMIT:
        raise InvalidInput(
            "district",
            f"{district} has more than {BULK_LIMIT:,} schools to issue codes to; ask for help",
        )
    now = utcnow()
    earlier = db.session.scalars(
        _with_status(select(AccessCode), UNUSED, now).where(
            AccessCode.school_id.in_([school.id for school in schools])
        )
    ).all()
    for access_code in earlier:
        _withdraw(access_code, admin, now, "Replaced by a code issued in bulk")
    # Each code's own audit event says it was issued in bulk for the district.
    issued = [
        IssuedCode(school, *issue_access_code(school, admin, bulk=district)) for school in schools
    ]
    return issued
