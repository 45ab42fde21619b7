"""School leads: a lead makes a colleague a lead too, or hands the role on; a school always
keeps at least one lead."""

from sqlalchemy import func, select, update

from elp import audit
from elp.accounts.models import ROLE_LEAD, ROLE_MEMBER, User
from elp.errors import ActionRefused
from elp.extensions import db
from elp.transitions import changed_meanwhile


def school_leads(school_id):
    """The school's leads who can sign in, by name (a member sees who to ask)."""
    return db.session.scalars(
        select(User)
        .where(User.school_id == school_id, User.active, User.role == ROLE_LEAD)
        .order_by(User.full_name, User.id)
    ).all()


def leads_of_schools(school_ids):
    """{school id: its leads who can sign in, by name} for each of `school_ids`, in one query."""
    found = {school_id: [] for school_id in school_ids}
    leads = db.session.scalars(
        select(User)
        .where(User.school_id.in_(list(found)), User.active, User.role == ROLE_LEAD)
        .order_by(User.full_name, User.id)
    )
    for lead in leads:
        found[lead.school_id].append(lead)
    return found


def _check_can_change_lead(lead, colleague):
    if not lead.is_lead or lead.school_id != colleague.school_id:
        raise ActionRefused("Only a lead of the school can do that.")
    if not colleague.active:
        raise ActionRefused(f"{colleague.full_name} can no longer sign in.")


def _set_role(user, role, *only_if_role):
    """Change one user's role with a conditional UPDATE, so two leads acting at once cannot
    leave a school without a lead; return whether the row matched."""
    statement = update(User).where(
        User.id == user.id, User.school_id == user.school_id, User.active
    )
    if only_if_role:
        statement = statement.where(User.role.in_(only_if_role))
    result = db.session.execute(
        statement.values(role=role).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def make_lead(lead, colleague):
    """Make a colleague a school lead as well (the service flushes; the view commits)."""
    _check_can_change_lead(lead, colleague)
    if colleague.is_lead:
        raise ActionRefused(f"{colleague.full_name} is already a school lead.")
    if not _set_role(colleague, ROLE_LEAD, ROLE_MEMBER):
        raise ActionRefused(changed_meanwhile("colleague"))
    db.session.refresh(colleague)
    audit.record("user.made_lead", colleague, actor=lead, school_id=colleague.school_id)


def hand_over_lead(lead, colleague):
    """Make a colleague a lead and the lead a member: the school keeps its lead."""
    _check_can_change_lead(lead, colleague)
    if colleague.id == lead.id:
        raise ActionRefused("Choose the colleague to hand the school lead role to.")
    # Rows are changed in the order of their ids, so two leads handing over to each other
    # at once wait for one another instead of deadlocking.
    steps = sorted(
        [(colleague, ROLE_LEAD, ()), (lead, ROLE_MEMBER, (ROLE_LEAD,))],
        key=lambda step: step[0].id,
    )
    for user, role, only_if in steps:
        if not _set_role(user, role, *only_if):
            raise ActionRefused(changed_meanwhile("school’s leads"))
    leads_left = db.session.scalar(
        select(func.count(User.id)).where(
            User.school_id == lead.school_id, User.active, User.role == ROLE_LEAD
        )
    )
    if leads_left == 0:
        raise ActionRefused("Your school must keep at least one lead.")
    db.session.refresh(colleague)
    db.session.refresh(lead)
    audit.record(
        "user.lead_handed_over", colleague, actor=lead, school_id=colleague.school_id,
        previous_lead_id=lead.id,
    )  # fmt: skip
