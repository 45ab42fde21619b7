"""An offer's life: creating it, editing it, and its status transitions."""

from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from elp import audit
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.offers.models import (
    ARCHIVED,
    DRAFT,
    PAUSED,
    PUBLISHED,
    Offer,
)
from elp.offers.services.details import (
    TITLE_TAKEN,
    apply_details,
    capacity_below_booked,
    changed_fields,
    missing_before_publishing,
    refuse_if_invalid,
)
from elp.offers.transitions import OFFER, Party
from elp.timeutil import utcnow

EDITED_MEANWHILE = (
    "Someone else changed this offer while you were changing it, so your changes have not "
    "been saved. Check what the offer says now, then save your changes again if you still "
    "want them."
)


def create_offer(school, details, user, **audit_details):
    """Add a new draft offer of the user's school to the session (the caller commits)."""
    details = details.tidied()
    refuse_if_invalid(details, school, complete=False)
    offer = Offer(school=school, status=DRAFT, updated_by=user)
    apply_details(offer, details)
    db.session.add(offer)
    with _title_kept_unique():
        db.session.flush()
    audit.record("offer.created", offer, actor=user, title=offer.title, **audit_details)
    return offer


def update_offer(offer, details, user, started_from=None, **audit_details):
    """Apply changed details to the offer in the session (the caller commits); it keeps its
    status (a published offer stays published).

    `started_from` is the version of the offer the form was filled from: if someone changed
    the offer since, the edit is refused rather than laid over their change, and so is an
    edit that loses the compare-and-set to a change made while it is being saved.

    Return the names of the changed details; the audit event records them.
    """
    check_allowed(offer, "edit")
    if started_from is not None and started_from != offer.version:
        raise InvalidInput("version", EDITED_MEANWHILE)
    details = details.tidied()
    # A draft may stay unfinished; an offer schools can see must stay complete.
    refuse_if_invalid(details, offer.school, offer, complete=offer.status != DRAFT)
    changed = changed_fields(offer, details)
    if "capacity" in changed:
        _set_capacity_within_bookings(offer, details.capacity)
    if changed:
        with db.session.no_autoflush:  # the one flush is the compare-and-set in _save_edit()
            apply_details(offer, details)
        offer.updated_by = user
        offer.updated_at = utcnow()
        _save_edit()
        audit.record(
            "offer.edited", offer, actor=user, changed=changed, status=offer.status, **audit_details
        )
    return changed


def _save_edit():
    """Flush the edit as a compare-and-set (see elp.transitions): of an edit and another
    change of the same offer at once, one wins and the edit is refused with the form kept."""
    try:
        with _title_kept_unique():
            db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise InvalidInput("version", EDITED_MEANWHILE) from None


@contextmanager
def _title_kept_unique():
    """Refuse a title a colleague gave another offer of the school after the check here read
    the offers: the database's unique title per school (Offer.title_key) stops the second of
    two saving at once, who is told what the check would have said, not shown a 500."""
    try:
        yield
    except IntegrityError as error:
        if "title_key" not in str(error.orig):
            raise
        db.session.rollback()
        raise InvalidInput("title", TITLE_TAKEN) from error


def _set_capacity_within_bookings(offer, capacity):
    """Write the new capacity only if what is booked still fits in it, in one statement.

    An acceptance taking units (`capacity.take_units`) does not change the offer's
    version, so the edit's compare-and-set alone would let the two together book more than
    the new capacity. This UPDATE is checked against the units booked when it runs, not
    when the form was read; on PostgreSQL it waits for a racing acceptance's row lock, and
    an acceptance after it sees the lower capacity.
    """
    if capacity is None:
        return  # no limit: every booking fits
    written = db.session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.units_booked <= capacity)
        .values(capacity=capacity)
        .execution_options(synchronize_session=False)
    )
    if written.rowcount != 1:
        db.session.expire(offer, ["units_booked"])
        raise InvalidInput("capacity", capacity_below_booked(offer))


# --- Status transitions: the table is offers.transitions.OFFER -----------------------------

STATUS_LABELS = {DRAFT: "Draft", PUBLISHED: "Published", PAUSED: "Paused", ARCHIVED: "Archived"}


def check_allowed(offer, action, party=Party.SCHOOL):
    """Return the transition, or raise ActionRefused saying why the offer does not allow it."""
    return OFFER.check(offer.status, action, party)


def available_actions(offer, party=Party.SCHOOL):
    """The transitions open to the offer's school now, in the order buttons are shown."""
    return OFFER.actions_for(offer.status, party)


def change_status(offer, action, user, **audit_details):
    """Apply a status transition from the table (publish, pause, resume, archive) in the
    session (the caller commits); of two people changing the offer at once, one wins and
    the other is told."""
    transition = check_allowed(offer, action)
    if transition.target is None:
        raise ActionRefused("Use the offer form to change an offer.")
    if action == "publish":
        missing = missing_before_publishing(offer)
        if missing:
            # Each problem by its field, for the offer page's error summary to link to.
            refusal = InvalidInput.all_of(missing)
            refusal.message = (
                "Your offer cannot be published until it is complete: "
                + "; ".join(message[0].lower() + message[1:] for message in missing.values())
                + "."
            )
            raise refusal
    with db.session.no_autoflush:  # the one flush is the compare-and-set in OFFER.apply
        if transition.target == PUBLISHED and offer.published_at is None:
            offer.published_at = utcnow()
        offer.updated_by = user
    return OFFER.apply(offer, action, Party.SCHOOL, user, **audit_details)
