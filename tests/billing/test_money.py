"""The money helpers billing adds: one half-up rounding rule, basis points, percentages
as admins type them, and amounts as invoices show them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elp import money


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3), (-5, 10, -1), (-4, 10, 0), (7, -2, -4)],
)
def test_halves_round_away_from_zero(numerator, denominator, rounded):
    assert money.round_half_up(numerator, denominator) == rounded


def test_rounding_takes_only_whole_numbers():
    with pytest.raises(money.MoneyError):
        money.round_half_up(0.5, 1)
    with pytest.raises(money.MoneyError):
        money.round_half_up(1, 0)


@given(
    st.integers(min_value=-(10**30), max_value=10**30), st.integers(min_value=1, max_value=10**9)
)
def test_rounding_is_never_more_than_half_a_unit_out(numerator, denominator):
    rounded = money.round_half_up(numerator, denominator)
    assert abs(2 * (rounded * denominator - numerator)) <= denominator


def test_basis_points_of_pence():
    assert money.apply_basis_points(105_000, 500) == 5_250
    assert money.apply_basis_points(1_053, 2_000) == 211


@pytest.mark.parametrize(
    ("typed", "basis_points"),
    [("5", 500), ("5%", 500), ("5 %", 500), ("2.5", 250), ("12.25", 1_225), ("0", 0),
     ("100", 10_000), (" 20 ", 2_000)],
)  # fmt: skip
def test_percentages_as_admins_type_them(typed, basis_points):
    assert money.parse_percentage(typed) == basis_points


@pytest.mark.parametrize("typed", ["", "-5", "five", "2.555", "100.01", "1e2", "٥", "5%%"])
def test_anything_else_is_not_a_percentage(typed):
    with pytest.raises(money.MoneyError):
        money.parse_percentage(typed)


@pytest.mark.parametrize(
    ("basis_points", "shown"), [(500, "5%"), (250, "2.5%"), (1_225, "12.25%"), (0, "0%")]
)
def test_percentages_are_shown_without_needless_zeros(basis_points, shown):
    assert money.format_basis_points(basis_points) == shown


def test_invoice_amounts_always_show_pennies():
    assert money.format_invoice_amount(105_000) == "£1,050.00"
    assert money.format_invoice_amount(5_250) == "£52.50"


def test_clamp_and_split():
    assert money.clamp(500, 1_000, 25_000) == 1_000
    assert money.clamp(30_000, 1_000, 25_000) == 25_000
    assert money.split_in_two(1_001) == (501, 500)
    with pytest.raises(money.MoneyError):
        money.clamp(5, 10, 9)
