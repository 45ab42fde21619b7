"""The moderation queue: offers published for the first time, and published offers whose
words or terms changed, until an ELP admin approves them (decision 22).

Session events notice the changes, as `elp.search.sync` does, so no feature code has to
remember to call anything: after a flush, a newly published offer gets a queue entry of kind
"new", and an edit of a published or paused offer records, per field, the value it had
before its first change since the last approval. Approving deletes the entry; hiding takes
the offer out of the queue while it is hidden.
"""

from itertools import chain

from sqlalchemy import event, func, insert, inspect, select, update
from sqlalchemy.orm import Session, joinedload

from elp import audit, money
from elp.errors import ActionRefused
from elp.extensions import db
from elp.offers.models import (
    DELIVERY_MODES,
    DRAFT,
    PAUSED,
    PUBLISHED,
    UNITS,
    Category,
    Offer,
    OfferDistrict,
    OfferModeration,
    OfferPhase,
)
from elp.timeutil import utcnow

NEW, EDITED = "new", "edited"
# The fields a school writes, in the order the offer page shows them, with their names.
WATCHED = {
    "title": "Title",
    "summary": "Summary",
    "description": "Description",
    "category_id": "Category",
    "specialisms": "Specialisms",
    "phases": "Phases",
    "districts": "Districts",
    "delivery_mode": "Delivery",
    "expert_name": "Expert’s name",
    "expert_role": "Expert’s role",
    "designation": "Designation",
    "dbs_confirmed": "Enhanced DBS confirmed",
    "unit": "Unit",
    "price_pence": "Price",
}
# Columns of the offer row whose old values are kept ("serves all districts" is shown with
# the districts).
COLUMNS = [
    *(name for name in WATCHED if name not in ("specialisms", "phases", "districts")),
    "serves_all_districts",
]
QUEUE_PAGE_SIZE = 50


def register_events():
    if not event.contains(Session, "after_flush", _note_changes):
        event.listen(Session, "after_flush", _note_changes)


def _note_changes(session, flush_context):
    new, edits = set(), {}
    for obj in chain(session.new, session.dirty):
        if isinstance(obj, Offer):
            if _newly_published(obj, obj in session.new):
                new.add(obj.id)
            elif obj not in session.new and obj.status in (PUBLISHED, PAUSED):
                edits.setdefault(obj.id, {}).update(_old_values(obj))
        elif isinstance(obj, (OfferPhase, OfferDistrict)) and obj.offer_id:
            field = "phases" if isinstance(obj, OfferPhase) else "districts"
            edits.setdefault(obj.offer_id, {}).setdefault(field, None)
    for obj in session.deleted:
        if isinstance(obj, (OfferPhase, OfferDistrict)):
            offer_id = obj.offer_id or inspect(obj).committed_state.get("offer_id")
            field = "phases" if isinstance(obj, OfferPhase) else "districts"
            edits.setdefault(offer_id, {}).setdefault(field, None)
    edits = {offer_id: changes for offer_id, changes in edits.items() if changes and offer_id}
    if not new and not edits:
        return
    _write(session, new, edits)


def _newly_published(offer, is_new):
    """Published for the first time in this flush (a draft published, or made published)."""
    if offer.status != PUBLISHED:
        return False
    return is_new or DRAFT in inspect(offer).attrs.status.history.deleted


def _old_values(offer):
    """{field: value before this flush} for the watched fields this flush changes."""
    state = inspect(offer)
    old = {}
    for name in COLUMNS:
        history = state.attrs[name].history
        if history.has_changes() and history.deleted != history.added:
            old[name] = history.deleted[0] if history.deleted else None
    history = state.attrs.specialisms.history
    if history.added or history.deleted:
        unchanged = [s.name for s in history.unchanged]
        old["specialisms"] = ", ".join(sorted(unchanged + [s.name for s in history.deleted]))
    return old


def _write(session, new, edits):
    offer_ids = new | set(edits)
    # Which offers may be queued: published or paused, per the row as it now is.
    statuses = dict(
        session.execute(select(Offer.id, Offer.status).where(Offer.id.in_(offer_ids))).all()
    )
    existing = {
        row.offer_id: row
        for row in session.execute(
            select(OfferModeration.offer_id, OfferModeration.kind, OfferModeration.changes).where(
                OfferModeration.offer_id.in_(offer_ids)
            )
        )
    }
    now = utcnow()
    for offer_id in sorted(offer_ids):
        row = existing.get(offer_id)
        if offer_id in new:
            if row is None:
                session.execute(
                    insert(OfferModeration).values(
                        offer_id=offer_id, kind=NEW, since=now, changes={}
                    )
                )
            continue
        if statuses.get(offer_id) not in (PUBLISHED, PAUSED):
            continue
        if row is None:
            session.execute(
                insert(OfferModeration).values(
                    offer_id=offer_id, kind=EDITED, since=now, changes=_jsonable(edits[offer_id])
                )
            )
        elif row.kind == EDITED:
            # Keep the value from before the first change since the last approval.
            changes = _jsonable(edits[offer_id]) | dict(row.changes or {})
            session.execute(
                update(OfferModeration)
                .where(OfferModeration.offer_id == offer_id)
                .values(changes=changes, changed_again_at=now)
            )


def _jsonable(changes):
    return {
        name: value if value is None or isinstance(value, (str, int, bool)) else str(value)
        for name, value in changes.items()
    }


# --- reading and acting ---------------------------------------------------------------------


def _waiting():
    return (
        select(OfferModeration)
        .join(Offer, Offer.id == OfferModeration.offer_id)
        .where(Offer.status == PUBLISHED, Offer.hidden_at.is_(None))
    )


def awaiting_count():
    """Offers awaiting moderation: published, not hidden, and not approved since."""
    return db.session.scalar(select(func.count()).select_from(_waiting().subquery()))


def queue(page=1):
    """A page of the offers awaiting moderation, those waiting longest first."""
    return db.paginate(
        _waiting()
        .options(joinedload(OfferModeration.offer).joinedload(Offer.school))
        .order_by(OfferModeration.since, OfferModeration.offer_id),
        page=page,
        per_page=QUEUE_PAGE_SIZE,
        error_out=False,
    )


def approve(offer, admin, seen_version):
    """Take the offer out of the queue: an admin has read it and it may stay as it is.

    `seen_version` is the version of the offer the queue showed the admin: an offer changed
    since is not approved unread (its school may have edited it in the meantime)."""
    entry = db.session.get(OfferModeration, offer.id)
    if entry is None:
        raise ActionRefused(
            f"‘{offer.title}’ is not awaiting moderation; someone may have approved it already."
        )
    if seen_version != offer.version:
        raise ActionRefused(
            f"‘{offer.title}’ changed after the queue was shown to you, so it has not been "
            "approved. Read it again in the queue, then approve it if it may stay."
        )
    audit.record(
        "offer.approved", offer, actor=admin, kind=entry.kind, changed=sorted(entry.changes or {})
    )
    db.session.delete(entry)
    db.session.flush()


def what_changed(entry):
    """[(field name, before, now)] of a queue entry, in the offer page's order. Before is
    None where only the fact of the change was kept (phases, districts)."""
    offer, changes = entry.offer, dict(entry.changes or {})
    if "serves_all_districts" in changes:
        served_all = changes.pop("serves_all_districts")
        changes.setdefault("districts", "All of Essex" if served_all else None)
    rows = []
    for name, label in WATCHED.items():
        if name in changes:
            before = changes[name]
            if name not in ("phases", "districts"):
                before = _shown(name, before)
            rows.append((label, before, _shown(name, _current(offer, name))))
    return rows


def _current(offer, name):
    if name == "specialisms":
        return ", ".join(sorted(s.name for s in offer.specialisms))
    if name == "phases":
        return ", ".join(offer.phases)
    if name == "districts":
        return "All of Essex" if offer.serves_all_districts else ", ".join(offer.districts)
    return getattr(offer, name)


def _shown(name, value):
    if value is None or value == "":
        return "Price on request" if name == "price_pence" else "None"
    if name == "category_id":
        category = db.session.get(Category, value)
        return category.name if category else str(value)
    if name == "price_pence":
        return money.format_pence(value)
    if name == "delivery_mode":
        return DELIVERY_MODES.get(value, value)
    if name == "unit":
        return UNITS.get(value, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
