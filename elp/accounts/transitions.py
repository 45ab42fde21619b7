"""The tables of what can happen to an access code and to an invitation.

Neither keeps a status column: each status follows from when the code or invitation was
used or revoked, and a valid code or pending invitation past its expiry reads as expired.
A transition stamps its time (`AccessCode.status`, `Invitation.status`), and the shared
`apply` makes it a compare-and-set, so of two people using one code at once one wins.
"""

from enum import StrEnum

from elp.accounts.models import AccessCodeStatus, InvitationStatus
from elp.transitions import StateMachine, Transition


class Party(StrEnum):
    """Who acts on an access code or an invitation."""

    ADMIN = "admin"  # an ELP admin: issues and revokes access codes
    LEAD = "lead"  # a lead of the school: invites colleagues
    NEWCOMER = "newcomer"  # the person joining with the code or the link


PARTY_NAMES = {
    Party.ADMIN: "an ELP admin",
    Party.LEAD: "a lead of the school",
    Party.NEWCOMER: "the person joining",
}

VALID, USED = AccessCodeStatus.VALID, AccessCodeStatus.USED

ACCESS_CODE = StateMachine(
    "access code",
    [
        Transition("redeem", (VALID,), (Party.NEWCOMER,), USED, "Continue", "redeemed"),
        Transition(
            "revoke", (VALID,), (Party.ADMIN,), AccessCodeStatus.REVOKED, "Revoke", "revoked"
        ),
    ],
    hints={
        (USED, "revoke"): "It has already been used.",
        (AccessCodeStatus.EXPIRED, "revoke"): "It has already expired.",
        (AccessCodeStatus.REVOKED, "revoke"): "It has already been revoked.",
    },
    party_names=PARTY_NAMES,
)

PENDING, EXPIRED = InvitationStatus.PENDING, InvitationStatus.EXPIRED

INVITATION = StateMachine(
    "invitation",
    [
        Transition(
            "accept", (PENDING,), (Party.NEWCOMER,), InvitationStatus.ACCEPTED, "Accept", "accepted"
        ),
        # An expired invitation can still be cancelled, so it leaves the lead's list.
        Transition(
            "cancel",
            (PENDING, EXPIRED),
            (Party.LEAD,),
            InvitationStatus.REVOKED,
            "Cancel invitation",
            "cancelled",
        ),
        # A new invitation to the same address replaces the one still open.
        Transition(
            "replace", (PENDING, EXPIRED), (Party.LEAD,), InvitationStatus.REVOKED, "", "replaced"
        ),
    ],
    hints={
        (InvitationStatus.ACCEPTED, "cancel"): "It has already been accepted.",
        (InvitationStatus.REVOKED, "cancel"): "It has already been cancelled.",
    },
    party_names=PARTY_NAMES,
)
