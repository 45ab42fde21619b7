"""Schools, as ELP admins manage them: search, adding by hand, suspension, counts."""

from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, select

from elp import audit
from elp.accounts import sessions
from elp.accounts.models import (
    DISTRICT_NAMES,
    ESSEX_DISTRICTS,
    ROLE_MEMBER,
    SCHOOL_ACTIVE,
    SCHOOL_SUSPENDED,
    School,
    User,
)
from elp.errors import ActionRefused, InvalidInput, NotFound
from elp.extensions import db
from elp.folding import fold

SCHOOLS_PER_PAGE = 25


# Schools, as ELP admins manage them


# The status and joined filters' values in the list's query string.
ACTIVE, SUSPENDED = "active", "suspended"
JOINED, NOT_JOINED = "yes", "no"


@dataclass(frozen=True)
class SchoolFilter:
    """What the admin's schools list is narrowed to. Each value comes from a fixed list (or,
    for the type of establishment, the types schools have): anything else is ignored, as if
    not chosen, so no URL can put an arbitrary value into the query."""

    text: str = ""  # words of the name, or a whole URN
    district: str = ""
    phase: str = ""
    establishment_type: str = ""
    status: str = ""  # ACTIVE or SUSPENDED
    joined: str = ""  # JOINED or NOT_JOINED: whether anyone has joined the school yet

    @classmethod
    def from_args(cls, args, text, phases, establishment_types):
        def chosen(name, allowed):
            value = args.get(name, "")
            return value if value in allowed else ""

        return cls(
            text,
            chosen("district", DISTRICT_NAMES),
            chosen("phase", phases),
            chosen("type", establishment_types),
            chosen("status", (ACTIVE, SUSPENDED)),
            chosen("joined", (JOINED, NOT_JOINED)),
        )

    def query_args(self):
        """The filter as the list's query string arguments (for pagination links)."""
        values = {
            "q": self.text, "district": self.district, "phase": self.phase,
            "type": self.establishment_type, "status": self.status, "joined": self.joined,
        }  # fmt: skip
        return {name: value for name, value in values.items() if value}


def establishment_types():
    """Every type of establishment a school has, by name, for the list's filter."""
    return db.session.scalars(
        select(School.establishment_type)
        .where(School.establishment_type.is_not(None))
        .distinct()
        .order_by(School.establishment_type)
    ).all()


def _filtered(statement, school_filter):
    query = school_filter.text
    if query:
        words = [School.search_name.contains(f" {word}", autoescape=True) for word in fold(query)]
        by_name = and_(*words) if words else false()  # "'" alone names nothing
        statement = statement.where(by_name | (School.urn == query))
    if school_filter.district:
        statement = statement.where(School.district == school_filter.district)
    if school_filter.phase:
        statement = statement.where(School.phase == school_filter.phase)
    if school_filter.establishment_type:
        statement = statement.where(School.establishment_type == school_filter.establishment_type)
    if school_filter.status:
        suspended = School.status == SCHOOL_SUSPENDED
        statement = statement.where(suspended if school_filter.status == SUSPENDED else ~suspended)
    if school_filter.joined:
        # Joined as the bulk issue of access codes counts it: someone has an account there.
        joined = exists().where(User.school_id == School.id)
        statement = statement.where(joined if school_filter.joined == JOINED else ~joined)
    return statement


def search_schools(school_filter, page=1):
    """A page of schools by name or whole URN and the filter's other choices, and how many
    active users each school on the page has. Every word typed must begin a word of the
    name, whatever the case, accents or apostrophes ("st mary's" finds "St Mary’s Primary";
    "mary" does not find "Primary")."""
    statement = _filtered(select(School).order_by(School.name, School.id), school_filter)
    schools = db.paginate(statement, page=page, per_page=SCHOOLS_PER_PAGE, error_out=False)
    user_counts = dict(
        db.session.execute(
            select(User.school_id, func.count(User.id))
            .where(User.school_id.in_([school.id for school in schools.items]), User.active)
            .group_by(User.school_id)
        ).all()
    )
    return schools, user_counts


def school_by_id(school_id):
    """Any school, for ELP admins; NotFound if there is none."""
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound
    return school


def find_school_by_urn(urn):
    return db.session.scalar(select(School).where(School.urn == (urn or "").strip()))


def schools_by_urn(urns):
    """{URN: school} for those of `urns` that name a school, for imports that match by URN."""
    schools = db.session.scalars(select(School).where(School.urn.in_(urns)))
    return {school.urn: school for school in schools}


def school_names():
    """Every school's id and name as a subquery (columns `id` and `name`), for other
    features' queries that show a school's name beside their own rows."""
    return select(School.id, School.name).subquery()


def ids_of_schools_named_like(text):
    """A subquery of the ids of schools whose name contains `text`, whatever the case, for
    other features' admin searches that match on the school's name."""
    return select(School.id).where(func.lower(School.name).like(f"%{text.strip().lower()}%"))


def ids_of_schools_found_by(text="", district=""):
    """A subquery of the ids of schools whose name contains `text`, whatever the case, or
    whose URN it is, in `district` if one is given: for other features' lists filtered by
    school."""
    statement = select(School.id)
    if text:
        statement = statement.where(
            School.name.icontains(text, autoescape=True) | (School.urn == text)
        )
    if district:
        statement = statement.where(School.district == district)
    return statement


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
    db.session.flush()
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
    db.session.flush()


def refuse_unless_suspended(school):
    """Only a suspended school can be reactivated (asked before the form is shown, too)."""
    if not school.is_suspended:
        raise ActionRefused("This school is not suspended.")


def reactivate_school(admin, school, reason):
    """Let a suspended school's users back in; the reason is kept in the audit log."""
    refuse_unless_suspended(school)
    school.status = SCHOOL_ACTIVE
    school.suspension_reason = None
    audit.record("school.reactivated", school, actor=admin, reason=reason.strip())
    db.session.flush()


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
