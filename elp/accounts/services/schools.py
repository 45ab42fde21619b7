"""Schools, as ELP admins manage them: search, adding by hand, suspension, counts."""


from sqlalchemy import and_, false, func, select

from elp import audit
from elp.accounts import sessions
from elp.accounts.models import (
    ESSEX_DISTRICTS,
    ROLE_MEMBER,
    SCHOOL_ACTIVE,
    SCHOOL_SUSPENDED,
    School,
    User,
)
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.folding import fold

SCHOOLS_PER_PAGE = 25


# Schools, as ELP admins manage them


def search_schools(query="", district=None, page=1):
    """A page of schools by name or whole URN, and how many active users each school on the
    page has. Every word typed must begin a word of the name, whatever the case, accents or
    apostrophes ("st mary's" finds "St Mary’s Primary"; "mary" does not find "Primary")."""
    statement = select(School).order_by(School.name, School.id)
    query = (query or "").strip()
    if query:
        words = [School.search_name.contains(f" {word}", autoescape=True) for word in fold(query)]
        by_name = and_(*words) if words else false()  # "'" alone names nothing
        statement = statement.where(by_name | (School.urn == query))
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


def schools_by_urn(urns):
    """{URN: school} for those of `urns` that name a school, for imports that match by URN."""
    schools = db.session.scalars(select(School).where(School.urn.in_(urns)))
    return {school.urn: school for school in schools}


def ids_of_schools_named_like(text):
    """A subquery of the ids of schools whose name contains `text`, whatever the case, for
    other features' admin searches that match on the school's name."""
    return select(School.id).where(func.lower(School.name).like(f"%{text.strip().lower()}%"))


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


def reactivate_school(admin, school):
    if not school.is_suspended:
        raise ActionRefused("This school is not suspended.")
    school.status = SCHOOL_ACTIVE
    school.suspension_reason = None
    audit.record("school.reactivated", school, actor=admin)
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
