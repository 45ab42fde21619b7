"""The one table of what can happen to a service charge, and of what each state is called;
services, buttons and every page that shows a charge (the school's and the admin's) use it.

Parties: an ELP admin (recording an offline payment, waiving, refunding), the service itself
(a payment provider's confirmation, a refund made there, a cancellation that voids the
charge under the booking's fee terms), and a school, which changes none of these directly.
"""

from dataclasses import dataclass
from enum import StrEnum

from elp.billing.models import ChargeStatus
from elp.timeutil import uk_today
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

PENDING, PART_PAID, PAID = ChargeStatus.PENDING, ChargeStatus.PART_PAID, ChargeStatus.PAID
WAIVED, VOID = ChargeStatus.WAIVED, ChargeStatus.VOID
PART_REFUNDED, REFUNDED = ChargeStatus.PART_REFUNDED, ChargeStatus.REFUNDED
ADMIN, SYSTEM = ChargeParty.ADMIN, ChargeParty.SYSTEM

# "pay" takes what is still due; "pay_part" some of it (the admin types an amount, and the
# service chooses the row by whether it covers the rest). "refund" gives back all that is
# left; "refund_part" some of it.
CHARGE = StateMachine(
    "charge",
    [
        Transition(
            "pay", (PENDING, PART_PAID), (ADMIN, SYSTEM), PAID, "Record offline payment", "paid"
        ),
        Transition(
            "pay_part",
            (PENDING, PART_PAID),
            (ADMIN,),
            PART_PAID,
            "Record offline payment",
            "part paid",
        ),
        Transition("waive", (PENDING, PART_PAID), (ADMIN,), WAIVED, "Waive", "waived"),
        Transition(
            "refund", (PAID, PART_REFUNDED), (ADMIN, SYSTEM), REFUNDED, "Refund", "refunded"
        ),
        Transition(
            "refund_part",
            (PAID, PART_REFUNDED),
            (ADMIN, SYSTEM),
            PART_REFUNDED,
            "Refund",
            "part refunded",
        ),
        Transition("void", (PENDING,), (SYSTEM,), VOID, "Void", "voided"),
    ],
    hints={
        (PAID, "pay"): "It has been paid already; nothing has changed.",
        (PAID, "pay_part"): "It has been paid already; nothing has changed.",
        (REFUNDED, "pay"): "It was paid and refunded; nothing has changed.",
        (PART_REFUNDED, "pay"): "It was paid and partly refunded; nothing has changed.",
        (WAIVED, "pay"): "It was waived, so nothing is owed.",
        (VOID, "pay"): "It was voided with a credit note, so nothing is owed.",
        (PAID, "waive"): "It has been paid: refund it instead.",
        (PENDING, "refund"): "Nothing has been paid yet: waive it instead.",
        (PENDING, "refund_part"): "Nothing has been paid yet: waive it instead.",
        (PART_PAID, "refund"): "It is part paid: record the rest of the payment, or waive "
        "the rest, before refunding.",
        (PART_PAID, "refund_part"): "It is part paid: record the rest of the payment, or "
        "waive the rest, before refunding.",
        (PAID, "void"): "It has been paid: refund it instead.",
        (PART_PAID, "void"): "Some of it has been paid: refund or waive it instead.",
    },
    party_names=PARTY_NAMES,
)

# The actions an admin takes from the charge page, in the order of its buttons (one button
# for paying all or part, one for refunding all or part).
ADMIN_ACTIONS = ("pay", "waive", "refund")


def admin_buttons(status):
    """The buttons on an admin's charge page: one per page an action is taken on."""
    return [t for t in CHARGE.actions_for(status, ADMIN) if t.action in ADMIN_ACTIONS]


# --- What each state is called: the same words for the school and the admin ---------------


@dataclass(frozen=True)
class StatusWord:
    name: str  # the words on every page, in the CSV and on the invoice
    tag_class: str  # the GOV.UK tag's colour
    still_due: bool  # whether the school owes something on it


OVERDUE = "overdue"  # not a state: a charge still due after its due date is shown "Overdue"

STATUS_WORDS = {
    PENDING: StatusWord("Due", "govuk-tag--yellow", True),
    PART_PAID: StatusWord("Part paid", "govuk-tag--blue", True),
    PAID: StatusWord("Paid", "govuk-tag--green", False),
    WAIVED: StatusWord("Waived", "govuk-tag--grey", False),
    PART_REFUNDED: StatusWord("Part refunded", "govuk-tag--purple", False),
    REFUNDED: StatusWord("Refunded", "govuk-tag--purple", False),
    VOID: StatusWord("Void", "govuk-tag--grey", False),
}
OVERDUE_WORD = StatusWord("Overdue", "govuk-tag--red", True)

# {status: name}, for filters and totals (overdue is a filter of its own).
STATUS_NAMES = {status: word.name for status, word in STATUS_WORDS.items()}
STATUS_TAG_CLASSES = {status: word.tag_class for status, word in STATUS_WORDS.items()} | {
    OVERDUE: OVERDUE_WORD.tag_class
}
STILL_DUE = tuple(status for status, word in STATUS_WORDS.items() if word.still_due)


def is_overdue(charge, today=None):
    return charge.status in STILL_DUE and charge.due_date < (today or uk_today())


def display_status(charge, today=None):
    """The status key shown: the charge's own, or "overdue" for one still due past its date."""
    return OVERDUE if is_overdue(charge, today) else charge.status


def status_word(charge, today=None):
    return OVERDUE_WORD if is_overdue(charge, today) else STATUS_WORDS[charge.status]
