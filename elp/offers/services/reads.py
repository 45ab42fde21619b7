"""Who sees what: the offers a user may look at, and a school's own lists."""

from sqlalchemy import func, nulls_last, select

from elp.errors import NotFound
from elp.extensions import db
from elp.offers.models import (
    PUBLISHED,
    STATUSES,
    Offer,
    OfferStatus,
)
from elp.urls import path_for
from elp.waiting import OFFERS, Waiting


def visible_to_seeking_schools():
    """The condition for offers every signed-in school may see: published and not hidden."""
    return (Offer.status == PUBLISHED) & Offer.hidden_at.is_(None)


def count_visible_offers(session=None):
    """How many offers every signed-in school may see (what a full reindex writes); in
    `session` when the caller works in a session of its own."""
    session = session or db.session
    visible = select(func.count()).select_from(Offer).where(visible_to_seeking_schools())
    return session.scalar(visible)


def visible_offers_published_between(start, end):
    """{offer id: (school id, published at)} for visible offers published in (start, end]."""
    rows = db.session.execute(
        select(Offer.id, Offer.school_id, Offer.published_at).where(
            visible_to_seeking_schools(),
            Offer.published_at > start,
            Offer.published_at <= end,
        )
    ).all()
    return {row.id: (row.school_id, row.published_at) for row in rows}


def published_at(offer_id):
    """When the offer was last published, or None."""
    return db.session.scalar(select(Offer.published_at).where(Offer.id == offer_id))


def offer_titles():
    """Every offer's id and title as a subquery (columns `id` and `title`), for other
    features' queries that show an offer's title beside their own rows."""
    return select(Offer.id, Offer.title).subquery()


def offer_for_viewer(offer_id, user):
    """The offer a signed-in user may look at, or 404.

    Its own school and ELP admins see an offer in any state; other schools only see it
    while it is published and not hidden.
    """
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise NotFound
    if user.is_admin or offer.school_id == user.school_id or offer.is_visible:
        return offer
    raise NotFound


def offer_of_own_school(offer_id, user):
    """An offer of the user's own school, for changing it; anyone else's is a 404."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or user.school_id is None or offer.school_id != user.school_id:
        raise NotFound
    return offer


def offer_by_id(offer_id):
    """Any offer, for ELP admins; NotFound if there is none."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise NotFound
    return offer


SORTS = {
    "updated": (Offer.updated_at.desc(), Offer.id.desc()),
    "title": (func.lower(Offer.title), Offer.id),
    "status": (Offer.status, func.lower(Offer.title)),
    # Least left first, so the offers about to run out are on top; unlimited ones last.
    "capacity": (nulls_last(Offer.capacity - Offer.units_booked), func.lower(Offer.title)),
}


def school_offers(school, status=None, sort="updated"):
    """The school's own offers, optionally of one status, in the chosen order."""
    query = select(Offer).where(Offer.school_id == school.id)
    if status in STATUSES:
        query = query.where(Offer.status == status)
    return db.session.scalars(query.order_by(*SORTS.get(sort, SORTS["updated"]))).all()


def hidden_offers(school):
    """The school's offers an ELP admin has hidden, so it can see why."""
    query = select(Offer).where(Offer.school_id == school.id, Offer.hidden_at.is_not(None))
    return db.session.scalars(query.order_by(Offer.hidden_at.desc())).all()


def status_counts(school):
    """How many of the school's offers are in each status."""
    rows = db.session.execute(
        select(Offer.status, func.count())
        .where(Offer.school_id == school.id)
        .group_by(Offer.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


# Drafts on the school's "What needs you" page: at most this many, the oldest edit first.
DRAFTS_WAITING_MAX = 50


def drafts_waiting(school_id):
    """The school's unfinished draft offers, as `Waiting` items, the longest untouched first."""
    rows = db.session.execute(
        select(Offer.id, Offer.title)
        .where(Offer.school_id == school_id, Offer.status == OfferStatus.DRAFT)
        .order_by(Offer.updated_at, Offer.id)
        .limit(DRAFTS_WAITING_MAX)
    )
    return [
        Waiting(OFFERS, f"Finish your draft offer ‘{title}’", path_for("offers.edit", offer_id=id_))
        for id_, title in rows
    ]
