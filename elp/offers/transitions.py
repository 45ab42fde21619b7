"""The tables of what can happen to an offer; services and buttons use them.

An offer has two states: its status, which its school moves through its life (`OFFER`),
and its moderation, which only ELP admins change (`MODERATION`): a hidden offer keeps its
status, and a paused offer that is hidden and resumed stays hidden.
"""

from enum import StrEnum

from elp.offers.models import ARCHIVED, DRAFT, PAUSED, PUBLISHED, Moderation
from elp.transitions import StateMachine, Transition


class Party(StrEnum):
    """Who acts on an offer."""

    SCHOOL = "school"  # the offering school's users (and the Offers CSV import on its behalf)
    ADMIN = "admin"  # an ELP admin, moderating


PARTY_NAMES = {Party.SCHOOL: "the school that made the offer", Party.ADMIN: "an ELP admin"}

LIVE = (DRAFT, PUBLISHED, PAUSED)
ARCHIVED_HINT = "Archived offers stay as they are; write a new offer instead."

OFFER = StateMachine(
    "offer",
    [
        # Editing keeps the status (a published offer stays published); the form does it.
        Transition("edit", LIVE, (Party.SCHOOL,), None, "Edit offer", "changed"),
        Transition("publish", (DRAFT,), (Party.SCHOOL,), PUBLISHED, "Publish offer", "published"),
        Transition("pause", (PUBLISHED,), (Party.SCHOOL,), PAUSED, "Pause offer", "paused"),
        Transition("resume", (PAUSED,), (Party.SCHOOL,), PUBLISHED, "Resume offer", "resumed"),
        Transition("archive", LIVE, (Party.SCHOOL,), ARCHIVED, "Archive offer", "archived"),
    ],
    hints={
        (DRAFT, "pause"): "Publish it first.",
        (DRAFT, "resume"): "Publish it first.",
        (PUBLISHED, "publish"): "It is already published.",
        (PUBLISHED, "resume"): "It is already published.",
        (PAUSED, "publish"): "Resume it instead.",
        (PAUSED, "pause"): "It is already paused.",
        **{
            (ARCHIVED, action): ARCHIVED_HINT
            for action in ("edit", "publish", "pause", "resume", "archive")
        },
    },
    party_names=PARTY_NAMES,
)

SHOWN, HIDDEN = Moderation.SHOWN, Moderation.HIDDEN

# Hiding is further limited to a published offer (offers.services.check_can_hide): seeking
# schools cannot see any other, so there is nothing to hide.
MODERATION = StateMachine(
    "offer",
    [
        Transition("hide", (SHOWN,), (Party.ADMIN,), HIDDEN, "Hide offer", "hidden"),
        Transition("unhide", (HIDDEN,), (Party.ADMIN,), SHOWN, "Show offer again", "unhidden"),
    ],
    hints={(HIDDEN, "hide"): "It is already hidden.", (SHOWN, "unhide"): "It is not hidden."},
    party_names=PARTY_NAMES,
    attribute="moderation",
)
