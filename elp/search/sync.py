"""Keep the search index in step with the database, which is the only source of truth.

1. Session events write a SearchOutbox row in the same transaction as any change to an
   offer, its phases, districts or specialisms, its school's name, place or location, or
   its category's name. Feature code does not need to call anything. The units a booking
   takes or gives back change the offer's row with bulk SQL, which flush events never see:
   the offers' capacity service notes those offers in the session, and a row is written
   for each before the commit, so "Has capacity left" follows every booking.
2. After the commit, the process applies pending rows to its index (best effort: if that
   fails or the process dies, the rows are still there).
3. Any process catches up: searches check the outbox at most once a second, and
   `elp sync-index` does it on demand. Applying a row re-reads the offer from the database,
   so applying it twice is harmless.
4. `elp reindex` rebuilds everything into a new generation and swaps it in atomically.

Each index keeps its position in the outbox in its own folder (`sync-state.json`): the
highest id below which everything is applied, plus the ids above it already applied.
Outbox ids are given out before commit, so a row can appear below ids already seen; rows
are therefore rechecked until they are RECHECK_SECONDS old.
"""

import logging
import os
import threading
import time
from datetime import timedelta
from itertools import chain

from flask import current_app
from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.orm import Session, selectinload

from elp.accounts.models import School
from elp.extensions import db
from elp.offers.models import Category, Offer, OfferDistrict, OfferPhase
from elp.offers.services import UNITS_CHANGED, visible_to_seeking_schools
from elp.search import index
from elp.search.models import SearchOutbox
from elp.timeutil import utcnow

log = logging.getLogger(__name__)

RECHECK_SECONDS = 60
CATCH_UP_EVERY_SECONDS = 1.0
BATCH = 500
# Worker processes for a rebuild: one more than the cores, as the main process mostly waits
# on the database and the workers (measured: 15 000 offers in 26 s with one, 8 s with three).
REINDEX_PROCESSES = min(4, (os.cpu_count() or 1) + 1)
TITLE_WEIGHT, SUMMARY_WEIGHT, SPECIALISM_WEIGHT = 3, 2, 2
SCHOOL_FIELDS = ("name", "district", "town", "easting", "northing")
_PENDING = "search_outbox_written"


# --- noticing changes ---------------------------------------------------------------------


def register_events():
    if not event.contains(Session, "after_flush", _note_changes):
        event.listen(Session, "after_flush", _note_changes)
        event.listen(Session, "before_commit", _note_units_changed)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def _note_changes(session, flush_context):
    offer_ids, school_ids = set(), set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Offer):
            offer_ids.add(obj.id)
        elif isinstance(obj, (OfferPhase, OfferDistrict)):
            offer_ids.add(obj.offer_id or inspect(obj).committed_state.get("offer_id"))
        elif isinstance(obj, School) and obj not in session.new and _school_changed(obj):
            school_ids.add(obj.id)
        elif isinstance(obj, Category) and obj not in session.new and _renamed(obj):
            offer_ids.update(_offers_in(session, obj))
    offer_ids.discard(None)
    rows = [{"offer_id": offer_id} for offer_id in sorted(offer_ids)]
    rows += [{"school_id": school_id} for school_id in sorted(school_ids)]
    if rows:
        now = utcnow()
        session.execute(insert(SearchOutbox), [dict(row, created_at=now) for row in rows])
        session.info[_PENDING] = True


def _note_units_changed(session):
    """Queue the offers whose booked units changed by bulk SQL (see elp.offers.services
    .capacity), in the transaction that changed them."""
    offer_ids = session.info.pop(UNITS_CHANGED, None)
    if offer_ids:
        now = utcnow()
        session.execute(insert(SearchOutbox),
                        [{"offer_id": offer_id, "created_at": now} for offer_id in sorted(offer_ids)])  # fmt: skip
        session.info[_PENDING] = True


def _school_changed(school):
    state = inspect(school)
    return any(state.attrs[name].history.has_changes() for name in SCHOOL_FIELDS)


def _renamed(category):
    return inspect(category).attrs["name"].history.has_changes()


def _offers_in(session, category):
    """The ids of a category's offers: one outbox row each, as a rename is rare and an
    index applies offer rows the same way whichever change wrote them."""
    return session.scalars(select(Offer.id).where(Offer.category_id == category.id))


def _after_commit(session):
    if not session.info.pop(_PENDING, False):
        return
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return  # no app: the next catch-up applies the rows
    if not app.config.get("SEARCH_SYNC_ON_COMMIT", True):
        return
    try:
        apply_pending(app, timeout=2.0)
    except Exception:  # best effort: the outbox rows stay for the next catch-up
        log.exception("Could not update the search index after a commit")


def _after_rollback(session):
    session.info.pop(_PENDING, None)
    session.info.pop(UNITS_CHANGED, None)


def note_offer_changed(offer_id):
    """Queue an offer for the index; for changes made with bulk SQL, which events cannot see."""
    db.session.execute(insert(SearchOutbox).values(offer_id=offer_id, created_at=utcnow()))
    db.session.info[_PENDING] = True


# --- applying changes -----------------------------------------------------------------------


def index_path(app=None):
    return (app or current_app).config["INDEX_DIR"]


def apply_pending(app=None, timeout=index.WRITE_TIMEOUT_SECONDS):
    """Apply outbox rows this index has not seen; return how many offers were written."""
    path = index_path(app)
    directory = index.IndexDirectory(path)
    with Session(db.engine) as session, index.writing(directory, timeout=timeout) as writer:
        state = index.read_state(directory, writer.index_name)
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.offer_id, SearchOutbox.school_id,
                   SearchOutbox.created_at)
            .where(SearchOutbox.id > state["applied_through"])
            .order_by(SearchOutbox.id)
        ).all()
        applied = set(state["applied"])
        new = [row for row in rows if row.id not in applied]
        offer_ids = {row.offer_id for row in new if row.offer_id is not None}
        school_ids = {row.school_id for row in new if row.school_id is not None}
        if school_ids:
            offer_ids |= set(
                session.scalars(select(Offer.id).where(Offer.school_id.in_(school_ids)))
            )
        written = _write_offers(session, writer, sorted(offer_ids))
        applied |= {row.id for row in new}
        index.write_state(directory, writer.index_name, _advance(state, rows, applied))
    return written


def _advance(state, rows, applied):
    """Move applied_through past rows that are applied and old enough never to gain a gap."""
    cutoff = utcnow() - timedelta(seconds=RECHECK_SECONDS)
    through = state["applied_through"]
    for row in rows:
        if row.id not in applied or row.created_at > cutoff:
            break
        through = row.id
    return {"applied_through": through, "applied": sorted(i for i in applied if i > through)}


def _write_offers(session, writer, offer_ids):
    written = 0
    for start in range(0, len(offer_ids), BATCH):
        batch = offer_ids[start : start + BATCH]
        offers = {offer.id: offer for offer in _load_offers(session, Offer.id.in_(batch))}
        for offer_id in batch:
            offer = offers.get(offer_id)
            if offer is not None and offer.is_visible:
                index.write_document(writer, document_for(offer))
                written += 1
            else:
                index.delete_offer(writer, offer_id)
    return written


def _load_offers(session, condition):
    return session.scalars(
        select(Offer)
        .where(condition)
        .options(
            selectinload(Offer.school),
            selectinload(Offer.category),
            selectinload(Offer.specialisms),
            selectinload(Offer.phase_rows),
            selectinload(Offer.district_rows),
        )
    ).all()


def document_for(offer):
    """The engine-neutral document for one visible offer."""
    school = offer.school
    phases = offer.phases
    districts = [] if offer.serves_all_districts else offer.districts
    specialisms = " ".join(s.name for s in offer.specialisms)
    places = " ".join(districts) if districts else "Essex all districts"
    details = "\n".join(
        [
            offer.category.name,
            " ".join(phases),
            offer.designation or "",
            offer.expert_role or "",
            school.name,
            school.district or "",
            school.town or "",
            places,
        ]
    )
    return {
        "offer_id": offer.id,
        "weighted_text": [
            (TITLE_WEIGHT, offer.title),
            (SUMMARY_WEIGHT, offer.summary),
            (SPECIALISM_WEIGHT, specialisms),
            (1, details),
            (1, offer.description),
        ],
        # A misspelt word is corrected against these words (the description's own words
        # are found as they are, so they need no correcting).
        "spelling_text": f"{offer.title} {offer.summary} {specialisms} {details}",
        "category": offer.category.name,
        "phases": phases,
        "districts": districts,
        "mode": offer.delivery_mode,
        # Units still free: capacity less the units bookings have taken (None: no limit).
        "has_capacity": offer.capacity is None or offer.capacity_left > 0,
        "capacity": offer.capacity_left,
        "price_pence": offer.price_pence,
        "created": offer.published_at or offer.created_at,
        "easting": school.easting,
        "northing": school.northing,
        "title": offer.title,
        "summary": offer.summary,
        "description": offer.description,
        "school_name": school.name,
        "school_district": school.district,
        "unit": offer.unit,
    }


# --- catching up ----------------------------------------------------------------------------

_last_check = {}
_check_lock = threading.Lock()


def catch_up_if_behind(app=None):
    """Apply outbox rows written by other processes; cheap, and at most once a second.

    Never waits for the write lock: if another process holds it, that process is already
    bringing the index up to date.
    """
    app = app or current_app._get_current_object()
    path = index_path(app)
    now = time.monotonic()
    with _check_lock:
        if now - _last_check.get(path, 0.0) < CATCH_UP_EVERY_SECONDS:
            return
        _last_check[path] = now
    directory = index.IndexDirectory(path)
    name = directory.current_name()
    if name is None:
        return
    state = index.read_state(directory, name)
    with Session(db.engine) as session:
        ids = session.scalars(
            select(SearchOutbox.id).where(SearchOutbox.id > state["applied_through"])
        ).all()
    if set(ids) - set(state["applied"]):
        try:
            apply_pending(app, timeout=0)
        except index.IndexBusy:
            pass


def forget_catch_up_times():
    _last_check.clear()


# --- rebuilding -----------------------------------------------------------------------------


def reindex(app=None, progress=None, synonyms=None):
    """Rebuild the index from the database into a new generation and swap it in.

    `synonyms` is the synonym table's text to write it with (None: the seed file).
    The outbox position is taken before reading the offers, RECHECK_SECONDS back, so any
    change committed while the rebuild runs is applied again afterwards.
    `progress(n)` is called as offers are written. Returns the number of offers indexed.
    """
    app = app or current_app._get_current_object()
    directory = index.IndexDirectory(index_path(app))
    cutoff = utcnow() - timedelta(seconds=RECHECK_SECONDS)
    with Session(db.engine) as session:
        start = session.scalar(
            select(func.max(SearchOutbox.id)).where(SearchOutbox.created_at <= cutoff)
        ) or 0
        name = directory.create_generation(synonyms)
        offer_ids = session.scalars(
            select(Offer.id).where(visible_to_seeking_schools()).order_by(Offer.id)
        ).all()
        written = 0
        vocabulary = set()
        with index.writing(directory, name, processes=REINDEX_PROCESSES) as writer:
            for first in range(0, len(offer_ids), BATCH):
                batch = offer_ids[first : first + BATCH]
                for offer in _load_offers(session, Offer.id.in_(batch)):
                    index.add_document(writer, document_for(offer), vocabulary)
                    written += 1
                session.expunge_all()
                if progress:
                    progress(len(batch))
            index.add_vocabulary(writer, vocabulary)
            index.write_state(directory, name, {"applied_through": start, "applied": []})
    directory.swap_to(name)
    index.reader_for(directory.path).look_again()
    apply_pending(app)
    return written


def prune_outbox(days=7):
    """Delete outbox rows older than `days`; an index further behind needs `elp reindex`."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(db.delete(SearchOutbox).where(SearchOutbox.created_at < cutoff))
    return result.rowcount


def reset_index(app=None):
    """Remove the index and every reader's cache of it (tests start each case from nothing)."""
    path = index_path(app)
    index.reader_for(path).forget()
    index.IndexDirectory(path).remove_everything()
    forget_catch_up_times()


# --- how far behind -------------------------------------------------------------------------


def index_status(app=None):
    """Whether this node's index exists and how far behind the database it is: the outbox
    rows it has not applied and the age in seconds of the oldest (for /healthz and /metrics).

    Catches up first, as a search would, so an idle node is not reported behind merely
    because nobody has searched on it since the last change.
    """
    app = app or current_app._get_current_object()
    directory = index.IndexDirectory(index_path(app))
    name = directory.current_name()
    if name is None:
        return {"present": False, "behind": None, "oldest_behind_seconds": None}
    catch_up_if_behind(app)
    state = index.read_state(directory, name)
    applied = set(state["applied"])
    with Session(db.engine) as session:
        rows = session.execute(
            select(SearchOutbox.id, SearchOutbox.created_at).where(
                SearchOutbox.id > state["applied_through"]
            )
        ).all()
    behind = [row.created_at for row in rows if row.id not in applied]
    oldest = (utcnow() - min(behind)).total_seconds() if behind else 0.0
    return {"present": True, "behind": len(behind), "oldest_behind_seconds": round(oldest, 1)}
