"""What the ELP service charge would be on terms not yet agreed: shown beside every offer,
request form and proposal, and on "Check the booking before you accept", so no school meets
the charge for the first time after agreeing (decision 32).

A quote uses the fee policy in force today, the one `services.levy` copies onto a booking
agreed today, and the same formula, so the figure shown is the figure invoiced.
"""

from dataclasses import dataclass

from elp import money
from elp.billing import formula
from elp.billing.fee_policy import terms_in_force
from elp.billing.models import Payer


@dataclass(frozen=True)
class Quote:
    """The charge on a booking worth `value_pence` (None: no price named yet) under `terms`."""

    terms: object  # FeeTerms
    value_pence: int | None
    shares: tuple  # formula.Share, seeking school first; empty when nothing is charged

    @property
    def net_pence(self):
        return sum(share.net_pence for share in self.shares)

    @property
    def vat_pence(self):
        return sum(share.vat_pence for share in self.shares)

    @property
    def gross_pence(self):
        return self.net_pence + self.vat_pence

    @property
    def charges_vat(self):
        return self.terms.vat_basis_points > 0

    def share_of(self, party):
        """The share the given side pays, or None if it pays nothing."""
        return next((share for share in self.shares if share.party == str(party)), None)


def quote(value_pence, terms=None):
    """The charge on a booking worth value_pence, agreed today (or under `terms`, read once
    by a page that quotes several proposals)."""
    terms = terms or terms_in_force()
    if value_pence is None:
        return Quote(terms, None, ())
    return Quote(terms, value_pence, tuple(formula.shares(value_pence, terms)))


def _amount(pence, terms):
    vat = " + VAT" if terms.vat_basis_points > 0 else ""
    return f"{money.format_pence(pence, whole_pounds_short=False)}{vat}"


def amount_words(found):
    """The whole charge of a quote: "£52.50 + VAT", or "£52.50" at a VAT rate of 0."""
    return _amount(found.net_pence, found.terms)


def rule_words(terms, payer_names):
    """The policy in words, for terms without a total yet: "5% of the total (at least
    £10.00, at most £250.00) + VAT, paid by your school" (", no VAT" at a VAT rate of 0)."""
    rule = f"{money.format_basis_points(terms.basis_points)} of the total"
    if terms.minimum_pence or terms.maximum_pence:
        rule += (
            f" (at least {money.format_pence(terms.minimum_pence, whole_pounds_short=False)}, "
            f"at most {money.format_pence(terms.maximum_pence, whole_pounds_short=False)})"
        )
    rule += " + VAT" if terms.vat_basis_points > 0 else ", no VAT"
    return f"{rule}, {_paid_by(terms.payer, payer_names)}"


def _paid_by(payer, payer_names):
    if payer == Payer.SPLIT:
        return f"split equally between {payer_names['seeking']} and {payer_names['offering']}"
    return f"paid by {payer_names[payer]}"


def charge_words(found, payer_names):
    """A quote in words, as schools read it beside the terms: "£52.50 + VAT, paid by your
    school" (or "£52.50, no VAT, paid by your school" at a VAT rate of 0). `payer_names` names each side as the reader knows it: {"seeking": "your
    school", "offering": "Harlow Outreach Primary"}."""
    terms = found.terms
    if found.value_pence is None:
        return f"{rule_words(terms, payer_names)}: the amount is known once there is a price"
    if not found.shares:
        return "None on these terms"
    whole = _amount(found.net_pence, terms)
    if not found.charges_vat:
        whole += ", no VAT"
    if terms.payer != Payer.SPLIT:
        return f"{whole}, {_paid_by(terms.payer, payer_names)}"
    parts = " and ".join(
        f"{_amount(share.net_pence, terms)} paid by {payer_names[share.party]}"
        for share in found.shares
    )
    return f"{whole}, split: {parts}"
