"""The one table of what can happen to a support request; services and buttons use it."""

from elp.negotiation.models import RequestStatus
from elp.parties import PARTY_NAMES, Party
from elp.transitions import StateMachine, Transition

OPEN, AGREED = RequestStatus.OPEN, RequestStatus.AGREED
EITHER_SCHOOL = (Party.SEEKING, Party.OFFERING)

REQUEST = StateMachine(
    "request",
    [
        # Accepting is further limited to the school that did not write the latest proposal,
        # and to a proposal that names a price (negotiation.services.can_accept).
        Transition("accept", (OPEN,), EITHER_SCHOOL, AGREED, "Accept", "accepted"),
        Transition("counter", (OPEN,), EITHER_SCHOOL, None, "Make a counter-proposal", "countered"),
        Transition(
            "decline", (OPEN,), (Party.OFFERING,), RequestStatus.DECLINED, "Decline", "declined"
        ),
        Transition(
            "withdraw",
            (OPEN,),
            (Party.SEEKING,),
            RequestStatus.WITHDRAWN,
            "Withdraw request",
            "withdrawn",
        ),
        Transition("message", (OPEN, AGREED), EITHER_SCHOOL, None, "Send message", "messaged"),
        Transition("expire", (OPEN,), (Party.SYSTEM,), RequestStatus.EXPIRED, "Expire", "expired"),
    ],
    hints={
        (AGREED, "accept"): "It is already agreed: see its booking.",
        (AGREED, "counter"): "It is already agreed: see its booking.",
    },
    party_names=PARTY_NAMES,
)
