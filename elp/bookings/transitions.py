"""The one table of what can happen to a booking; services and buttons use it."""

from elp.bookings.models import BookingStatus
from elp.parties import PARTY_NAMES, Party
from elp.transitions import StateMachine, Transition

CONFIRMED, DELIVERED = BookingStatus.CONFIRMED, BookingStatus.DELIVERED

BOOKING = StateMachine(
    "booking",
    [
        Transition(
            "deliver", (CONFIRMED,), (Party.OFFERING,), DELIVERED, "Mark as delivered", "delivered"
        ),
        # The seeking school confirms; `elp tick` completes it 14 days after delivery.
        Transition(
            "complete",
            (DELIVERED,),
            (Party.SEEKING, Party.SYSTEM),
            BookingStatus.COMPLETED,
            "Confirm completed",
            "completed",
        ),
        Transition(
            "cancel",
            (CONFIRMED,),
            (Party.SEEKING, Party.OFFERING),
            BookingStatus.CANCELLED,
            "Cancel booking",
            "cancelled",
        ),
    ],
    hints={
        (DELIVERED, "cancel"): "It has been delivered; only a booking not yet delivered can be "
        "cancelled.",
    },
    party_names=PARTY_NAMES,
)
