"""Who acts on what two schools are party to: a support request and the booking it becomes,
whose service charge each side may pay. Negotiation, bookings and billing all name these
sides, and negotiation's services call bookings', so the words live here, below all three,
rather than in one of them."""

from enum import StrEnum


class Party(StrEnum):
    """One of the two sides of a request (and of the booking it becomes), or the service
    itself."""

    SEEKING = "seeking"
    OFFERING = "offering"
    SYSTEM = "system"  # the timers (`elp tick`): expiry and auto-completion


PARTY_NAMES = {
    Party.SEEKING: "the school that asked for support",
    Party.OFFERING: "the school that made the offer",
    Party.SYSTEM: "the service itself",
}
