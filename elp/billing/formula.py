"""The service charge formula: what each paying school owes on a booking of a given value.

net = clamp(value × rate ÷ 10 000, minimum, maximum), rounded half-up to the penny; VAT is
the policy's rate on each net, rounded half-up; gross = net + VAT. A split policy halves the
net, the odd penny to the seeking school, and each school's VAT is on its own half.
Every figure comes from `elp.money`.
"""

from dataclasses import dataclass

from elp import money
from elp.billing.models import Payer
from elp.parties import Party


@dataclass(frozen=True)
class Share:
    """One paying school's part of a booking's service charge."""

    party: str  # which side of the booking pays it: "seeking" or "offering"
    net_pence: int
    vat_pence: int

    @property
    def gross_pence(self):
        return self.net_pence + self.vat_pence


def total_net(value_pence, terms):
    """The whole net service charge on a booking worth value_pence."""
    if value_pence < 0:
        raise money.MoneyError("A booking's value cannot be negative")
    fee = money.apply_basis_points(value_pence, terms.basis_points)
    return money.clamp(fee, terms.minimum_pence, terms.maximum_pence)


def vat_on(net_pence, terms):
    return money.apply_basis_points(net_pence, terms.vat_basis_points)


def shares(value_pence, terms):
    """Each paying school's share of the charge, seeking school first. A share of nothing is
    left out: no school is invoiced for £0.00."""
    net = total_net(value_pence, terms)
    if terms.payer == Payer.SPLIT:
        nets = zip((Party.SEEKING, Party.OFFERING), money.split_in_two(net), strict=True)
    elif terms.payer == Payer.OFFERING:
        nets = [(Party.OFFERING, net)]
    else:
        nets = [(Party.SEEKING, net)]
    return [Share(str(party), part, vat_on(part, terms)) for party, part in nets if part > 0]
