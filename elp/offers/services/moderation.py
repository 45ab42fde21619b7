"""Moderation by ELP admins: every school's offers, hiding and showing them again."""


from sqlalchemy import func, or_, select

from elp.accounts.services import ids_of_schools_named_like, school_leads
from elp.errors import ActionRefused
from elp.extensions import db
from elp.notifications.services import queue_email
from elp.offers.models import (
    PUBLISHED,
    STATUSES,
    Offer,
)
from elp.offers.transitions import MODERATION, Party
from elp.urls import absolute_url

HIDDEN_REASON_MAX = 500

ADMIN_PAGE_SIZE = 50


def admin_offers(status=None, category_id=None, moderation=None, text=None, page=1):
    """Every school's offers for ELP admins, filtered, newest changes first; returns a page."""
    query = select(Offer)
    if status in STATUSES:
        query = query.where(Offer.status == status)
    if category_id:
        query = query.where(Offer.category_id == category_id)
    if moderation == "hidden":
        query = query.where(Offer.hidden_at.is_not(None))
    elif moderation == "visible":
        query = query.where(Offer.hidden_at.is_(None))
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Offer.title).like(pattern),
                Offer.school_id.in_(ids_of_schools_named_like(text)),
            )
        )
    return db.paginate(
        query.order_by(Offer.updated_at.desc(), Offer.id.desc()),
        page=page,
        per_page=ADMIN_PAGE_SIZE,
        error_out=False,
    )


def check_can_hide(offer):
    """Refuse to hide an offer already hidden, or one seeking schools cannot see anyway."""
    MODERATION.check(offer.moderation, "hide", Party.ADMIN)
    if offer.status != PUBLISHED:
        raise ActionRefused(f"Only a published offer can be hidden; this one is {offer.status}.")


def hide_offer(offer, reason, admin):
    """Hide a published offer from seeking schools; its school is told why by email.

    Return the email addresses told: none when the school has no users yet, so the admin
    can be told that truthfully."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused("Enter the reason for hiding the offer.")
    if len(reason) > HIDDEN_REASON_MAX:
        raise ActionRefused(f"The reason must be {HIDDEN_REASON_MAX} characters or fewer.")
    check_can_hide(offer)
    offer.hidden_reason = reason
    MODERATION.apply(offer, "hide", Party.ADMIN, admin, reason=reason)
    told = _tell_school(offer, "An ELP admin has hidden your offer", "offer_hidden")
    db.session.flush()
    return told


def unhide_offer(offer, admin):
    """Show a hidden offer to seeking schools again; its school is told."""
    reason = offer.hidden_reason
    MODERATION.apply(offer, "unhide", Party.ADMIN, admin, hidden_reason=reason)
    _tell_school(offer, "Your offer is no longer hidden", "offer_unhidden")
    db.session.flush()


def people_to_tell(offer):
    """The email addresses told when the offer is hidden or shown again: the school's leads
    and whoever last changed the offer (none if the school has no users yet)."""
    people = list(school_leads(offer.school_id))
    if (
        offer.updated_by
        and offer.updated_by.active
        and offer.updated_by.school_id == offer.school_id
    ):
        people.append(offer.updated_by)
    return list(dict.fromkeys(person.email for person in people))


def _tell_school(offer, subject, template):
    """Email the people to tell; return their addresses."""
    link = absolute_url("offers.show", offer_id=offer.id)
    emails = people_to_tell(offer)
    for email in emails:
        queue_email(email, subject, template, offer=offer, link=link)
    return emails
