"""The one table of what can happen to a service charge; services and buttons use it.

Parties: an ELP admin (recording an offline payment, waiving, refunding), the service itself
(a payment provider's confirmation, a refund made there, a cancellation that voids the
charge under the booking's fee terms), and a school, which changes none of these directly.
"""

from enum import StrEnum

from elp.billing.models import ChargeStatus
from elp.transitions import StateMachine, Transition


class ChargeParty(StrEnum):
    ADMIN = "admin"
    SYSTEM = "system"
    SCHOOL = "school"


PARTY_NAMES = {
    ChargeParty.ADMIN: "an ELP admin",
    ChargeParty.SYSTEM: "the service itself",
    ChargeParty.SCHOOL: "a school",
}

PENDING, PAID = ChargeStatus.PENDING, ChargeStatus.PAID
WAIVED, REFUNDED, VOID = ChargeStatus.WAIVED, ChargeStatus.REFUNDED, ChargeStatus.VOID
ADMIN, SYSTEM = ChargeParty.ADMIN, ChargeParty.SYSTEM

CHARGE = StateMachine(
    "charge",
    [
        Transition("pay", (PENDING,), (ADMIN, SYSTEM), PAID, "Record offline payment", "paid"),
        Transition("waive", (PENDING,), (ADMIN,), WAIVED, "Waive", "waived"),
        # A refund may be part of what was paid; a second refund takes up to what is left.
        Transition("refund", (PAID, REFUNDED), (ADMIN, SYSTEM), REFUNDED, "Refund", "refunded"),
        Transition("void", (PENDING,), (SYSTEM,), VOID, "Void", "voided"),
    ],
    hints={
        (PAID, "pay"): "It has been paid already; nothing has changed.",
        (REFUNDED, "pay"): "It was paid and refunded; nothing has changed.",
        (WAIVED, "pay"): "It was waived, so nothing is owed.",
        (VOID, "pay"): "It was voided with a credit note, so nothing is owed.",
        (PAID, "waive"): "It has been paid: refund it instead.",
        (PENDING, "refund"): "Nothing has been paid yet: waive it instead.",
        (PAID, "void"): "It has been paid: refund it instead.",
    },
    party_names=PARTY_NAMES,
)

# The actions an admin takes from the charge page, in the order of its buttons.
ADMIN_ACTIONS = ("pay", "waive", "refund")
