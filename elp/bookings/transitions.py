"""The one table of what can happen to a booking; services and buttons use it."""

from elp.bookings.models import BookingStatus
from elp.parties import PARTY_NAMES, Party
from elp.transitions import StateMachine, Transition

CONFIRMED, DELIVERED = BookingStatus.CONFIRMED, BookingStatus.DELIVERED
DISPUTED = BookingStatus.DISPUTED
COMPLETED, CANCELLED = BookingStatus.COMPLETED, BookingStatus.CANCELLED

# An ELP admin settles a disputed booking. Only bookings have this party among the things
# two schools are party to, so it is named here rather than in `elp.parties`.
ADMIN = "admin"

BOOKING = StateMachine(
    "booking",
    [
        # Only once the first session date (or the window's start) has come, with the day of
        # the last session (`services.mark_delivered`).
        Transition(
            "deliver", (CONFIRMED,), (Party.OFFERING,), DELIVERED, "Mark as delivered", "delivered"
        ),
        # The seeking school confirms; `elp tick` completes it 14 days after delivery.
        Transition(
            "complete",
            (DELIVERED,),
            (Party.SEEKING, Party.SYSTEM),
            COMPLETED,
            "Confirm completed",
            "completed",
        ),
        # Instead of confirming, the seeking school says what went wrong; nothing completes
        # a disputed booking by itself.
        Transition(
            "report_problem",
            (DELIVERED,),
            (Party.SEEKING,),
            DISPUTED,
            "Report a problem",
            "disputed",
        ),
        Transition(
            "resolve_completed",
            (DISPUTED,),
            (ADMIN,),
            COMPLETED,
            "Resolve as completed",
            "resolved as completed",
        ),
        Transition(
            "resolve_cancelled",
            (DISPUTED,),
            (ADMIN,),
            CANCELLED,
            "Resolve as cancelled",
            "resolved as cancelled",
        ),
        Transition(
            "cancel",
            (CONFIRMED,),
            (Party.SEEKING, Party.OFFERING),
            CANCELLED,
            "Cancel booking",
            "cancelled",
        ),
        # Either school sets the session dates of a booking agreed as a window, and either may
        # change them; the booking stays confirmed.
        Transition(
            "set_session_dates",
            (CONFIRMED,),
            (Party.SEEKING, Party.OFFERING),
            None,
            "Set the session dates",
            "given session dates",
        ),
    ],
    hints={
        (DELIVERED, "cancel"): "It has been delivered; only a booking not yet delivered can be "
        "cancelled.",
        (DISPUTED, "cancel"): "A problem has been reported; an ELP admin is settling it.",
        (DISPUTED, "complete"): "A problem has been reported; an ELP admin is settling it.",
        (CONFIRMED, "report_problem"): "A problem can be reported once the school that made "
        "the offer has marked it as delivered.",
    },
    party_names={**PARTY_NAMES, ADMIN: "an ELP admin"},
)

# What each state means to a reader: its tag on the pages (text and colour).
LOOKS = {
    CONFIRMED: ("Confirmed", "govuk-tag--blue"),
    DELIVERED: ("Delivered", "govuk-tag--yellow"),
    DISPUTED: ("Problem reported", "govuk-tag--red"),
    COMPLETED: ("Completed", "govuk-tag--green"),
    CANCELLED: ("Cancelled", "govuk-tag--grey"),
}
