"""The service charge formula (PRODUCT.md 4): net = clamp(value × rate ÷ 10 000, minimum,
maximum) rounded half-up, VAT half-up on the net, a split that adds up, odd penny to the
seeking school. Properties over every kind of policy, then the worked examples."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elp.billing import formula
from elp.billing.models import DEFAULT_TERMS, FeeTerms, Payer

PENCE = st.integers(min_value=0, max_value=1_000_000_000)  # up to £10 million
BASIS_POINTS = st.integers(min_value=0, max_value=10_000)


@st.composite
def fee_terms(draw):
    minimum = draw(st.integers(min_value=0, max_value=10_000_000))
    maximum = draw(st.integers(min_value=minimum, max_value=20_000_000))
    return FeeTerms(
        basis_points=draw(BASIS_POINTS),
        minimum_pence=minimum,
        maximum_pence=maximum,
        payer=draw(st.sampled_from(list(Payer))),
        vat_basis_points=draw(BASIS_POINTS),
        payment_terms_days=30,
        void_on_cancellation=True,
    )


def half_up(exact):
    """The rounding rule, written independently: the nearest penny, a half upwards."""
    return int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))


@given(PENCE, fee_terms())
def test_the_net_is_never_negative_and_within_the_minimum_and_maximum(value, terms):
    net = formula.total_net(value, terms)
    assert 0 <= terms.minimum_pence <= net <= terms.maximum_pence


@given(PENCE, fee_terms())
def test_the_net_is_the_rate_rounded_half_up_unless_clamped(value, terms):
    net = formula.total_net(value, terms)
    exact = half_up(Fraction(value * terms.basis_points, 10_000))
    assert net == min(max(exact, terms.minimum_pence), terms.maximum_pence)


@given(PENCE, fee_terms())
def test_each_shares_vat_is_exactly_its_net_at_the_rate_rounded_half_up(value, terms):
    for share in formula.shares(value, terms):
        assert share.vat_pence == half_up(
            Fraction(share.net_pence * terms.vat_basis_points, 10_000)
        )
        assert share.vat_pence >= 0
        assert share.gross_pence == share.net_pence + share.vat_pence


@given(PENCE, fee_terms())
def test_the_shares_add_up_to_the_whole_net_and_the_seeking_school_takes_the_odd_penny(
    value, terms
):
    net = formula.total_net(value, terms)
    shares = formula.shares(value, terms)
    assert sum(share.net_pence for share in shares) == net
    assert all(share.net_pence > 0 for share in shares)
    if terms.payer == Payer.SPLIT and net > 1:
        seeking, offering = shares
        assert (seeking.party, offering.party) == ("seeking", "offering")
        assert seeking.net_pence - offering.net_pence == net % 2
    elif net > 0:
        (share,) = shares
        expected = "offering" if terms.payer == Payer.OFFERING else "seeking"
        assert share.party == expected


@pytest.mark.parametrize(
    ("value", "net"),
    [
        (35_000 * 3, 5_250),  # 3 days at £350: 5 % of £1,050.00 is £52.50
        (10_000, 1_000),  # 5 % of £100 is £5: the minimum, £10
        (1_000_000, 25_000),  # 5 % of £10,000 is £500: the maximum, £250
        (0, 1_000),  # nothing agreed still costs the minimum
        (20_010, 1_001),  # 5 % of £200.10 is £10.005: half a penny rounds up
        (20_009, 1_000),  # £10.0045 rounds down
    ],
)
def test_the_default_policy_worked_examples(value, net):
    assert formula.total_net(value, DEFAULT_TERMS) == net


def test_vat_at_twenty_per_cent_rounds_a_half_penny_up():
    terms = FeeTerms(500, 0, 1_000_000, Payer.SEEKING, 2_000, 30, True)
    # 5 % of £210.50 is £10.525 → £10.53 net; 20 % VAT of £10.53 is £2.106 → £2.11.
    (share,) = formula.shares(21_050, terms)
    assert (share.net_pence, share.vat_pence, share.gross_pence) == (1_053, 211, 1_264)


def test_a_split_gives_the_odd_penny_to_the_seeking_school():
    terms = FeeTerms(500, 1_001, 25_000, Payer.SPLIT, 0, 30, True)
    seeking, offering = formula.shares(100, terms)
    assert (seeking.party, seeking.net_pence) == ("seeking", 501)
    assert (offering.party, offering.net_pence) == ("offering", 500)


def test_a_negative_value_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        formula.total_net(-1, DEFAULT_TERMS)
