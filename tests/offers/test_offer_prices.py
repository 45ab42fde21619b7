"""Prices as schools type them: the money parser, and the limits an offer's price must meet."""

import pytest

from elp.money import MoneyError, format_pence, parse_pounds
from elp.offers import services


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("350", 35000),
        ("350.00", 35000),
        ("£350", 35000),
        ("£ 350", 35000),
        ("  350  ", 35000),
        ("350.5", 35050),
        ("350.05", 35005),
        ("0.99", 99),
        ("£1,250.50", 125050),
        ("10000", 1_000_000),
        ("10,000.00", 1_000_000),
    ],
)
def test_the_ways_schools_type_a_price_are_understood(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "£", "abc", "three hundred", "350.001", "-350", "£-350", "350p", "35O",
     "1,25", "350,00", "£350 per day", "3 50", "350.", ".50", "1e3", "NaN", "٣٥٠", "３５０", "3²"],
)  # fmt: skip
def test_anything_else_is_refused(typed):
    with pytest.raises(MoneyError, match="Enter an amount in pounds"):
        parse_pounds(typed)


def test_prices_come_back_as_typed():
    assert format_pence(parse_pounds("£1,250.50")) == "£1,250.50"
    assert format_pence(parse_pounds("350.00")) == "£350"


def price_problem(pence):
    details = services.OfferDetails(price_pence=pence)
    return services.check_offer_details(details).get("price")


def test_an_offer_price_must_be_more_than_nothing_and_at_most_ten_thousand_pounds():
    assert price_problem(1) is None
    assert price_problem(1_000_000) is None
    assert price_problem(None) is None  # price on request
    assert price_problem(0) == "The price must be more than £0, or choose price on request"
    assert price_problem(-100) == "The price must be more than £0, or choose price on request"
    assert price_problem(1_000_001) == "The price must be £10,000 a unit or less"
