"""An offer's life: creating it, editing it, and its status transitions."""

from dataclasses import dataclass

from elp import audit
from elp.errors import ActionRefused
from elp.extensions import db
from elp.offers.models import (
    ARCHIVED,
    DRAFT,
    PAUSED,
    PUBLISHED,
    Offer,
)
from elp.offers.services.details import (
    apply_details,
    changed_fields,
    missing_before_publishing,
    refuse_if_invalid,
)
from elp.timeutil import utcnow
from elp.transitions import save


def create_offer(school, details, user):
    """Save a new offer as a draft of the user's school."""
    offer = add_offer(school, details, user)
    db.session.commit()
    return offer


def add_offer(school, details, user, **audit_details):
    """Add a new draft offer to the session (the caller commits); a draft needs only a title."""
    details = details.tidied()
    refuse_if_invalid(details, school, complete=False)
    offer = Offer(school=school, status=DRAFT, updated_by=user)
    apply_details(offer, details)
    db.session.add(offer)
    db.session.flush()
    audit.record("offer.created", offer, actor=user, title=offer.title, **audit_details)
    return offer


def update_offer(offer, details, user):
    """Save changes to an offer; it keeps its status (a published offer stays published).

    Return the names of the changed details; the audit event records them.
    """
    changed = revise_offer(offer, details, user)
    db.session.commit()
    return changed


def revise_offer(offer, details, user, **audit_details):
    """Apply changed details to the offer in the session (the caller commits)."""
    check_allowed(offer, "edit")
    details = details.tidied()
    # A draft may stay unfinished; an offer schools can see must stay complete.
    refuse_if_invalid(details, offer.school, offer, complete=offer.status != DRAFT)
    changed = changed_fields(offer, details)
    if changed:
        with db.session.no_autoflush:  # the one flush is the compare-and-set in save()
            apply_details(offer, details)
        offer.updated_by = user
        offer.updated_at = utcnow()
        save("offer")  # an edit racing another change of the same offer is refused
        audit.record(
            "offer.edited", offer, actor=user, changed=changed, status=offer.status, **audit_details
        )
    return changed


# --- Status transitions -------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button
    allowed_from: tuple[str, ...]
    to_status: str | None  # None: the offer keeps its status
    done: str  # past participle, for messages and audit events


# The one table of what can happen to an offer; buttons and refusals both come from it.
TRANSITIONS = {
    transition.action: transition
    for transition in (
        Transition("edit", "Edit offer", (DRAFT, PUBLISHED, PAUSED), None, "changed"),
        Transition("publish", "Publish offer", (DRAFT,), PUBLISHED, "published"),
        Transition("pause", "Pause offer", (PUBLISHED,), PAUSED, "paused"),
        Transition("resume", "Resume offer", (PAUSED,), PUBLISHED, "resumed"),
        Transition("archive", "Archive offer", (DRAFT, PUBLISHED, PAUSED), ARCHIVED, "archived"),
    )
}

STATUS_LABELS = {DRAFT: "Draft", PUBLISHED: "Published", PAUSED: "Paused", ARCHIVED: "Archived"}


def _a(word):
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


# What to do instead, where there is something useful to say.
_REFUSAL_HINTS = {
    (DRAFT, "pause"): "Publish it first.",
    (DRAFT, "resume"): "Publish it first.",
    (PUBLISHED, "publish"): "It is already published.",
    (PUBLISHED, "resume"): "It is already published.",
    (PAUSED, "publish"): "Resume it instead.",
    (PAUSED, "pause"): "It is already paused.",
}


def check_allowed(offer, action):
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionRefused(f"‘{action}’ is not something you can do to an offer.")
    if offer.status not in transition.allowed_from:
        hint = _REFUSAL_HINTS.get((offer.status, action), "")
        if offer.status == ARCHIVED:
            hint = "Archived offers stay as they are; write a new offer instead."
        message = f"{_a(offer.status).capitalize()} offer cannot be {transition.done}."
        raise ActionRefused(f"{message} {hint}".strip())
    return transition


def available_actions(offer):
    """The transitions open to the offer's school now, in the order buttons are shown."""
    return [t for t in TRANSITIONS.values() if offer.status in t.allowed_from]


def change_status(offer, action, user):
    """Apply a status transition from the table (publish, pause, resume, archive)."""
    transition = apply_transition(offer, action, user)
    db.session.commit()
    return transition


def apply_transition(offer, action, user, **audit_details):
    """Move the offer to the transition's status in the session (the caller commits)."""
    transition = check_allowed(offer, action)
    if transition.to_status is None:
        raise ActionRefused("Use the offer form to change an offer.")
    if action == "publish":
        missing = missing_before_publishing(offer)
        if missing:
            raise ActionRefused(
                "Your offer cannot be published until it is complete: "
                + "; ".join(message[0].lower() + message[1:] for message in missing.values())
                + "."
            )
    old_status = offer.status
    offer.status = transition.to_status
    if transition.to_status == PUBLISHED and offer.published_at is None:
        offer.published_at = utcnow()
    offer.updated_by = user
    offer.updated_at = utcnow()
    save("offer")  # of two people changing the offer's status at once, one wins
    audit.record(
        f"offer.{transition.done}",
        offer,
        actor=user,
        old_status=old_status,
        status=offer.status,
        **audit_details,
    )
    return transition
