"""Money: integer pence everywhere; the one place money is parsed, rounded and formatted."""

import re

# ASCII digits only: Python's \d and int() would also take "٣٥٠" or "²".
_POUNDS = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$", re.ASCII)
# No price, total or charge comes near this; below it pence fit any database's integer, and a
# figure of thousands of digits typed into a form or a URL is refused rather than computed with.
MAX_POUNDS = 10_000_000


class MoneyError(ValueError):
    """Text that is not an amount of money."""


def parse_pounds(text):
    """Return pence for text such as "350", "350.00", "£350" or "£1,250.50".

    Raise MoneyError for anything else (negative amounts, letters, three decimals, amounts
    of MAX_POUNDS or more).
    """
    cleaned = (text or "").strip()
    match = _POUNDS.match(cleaned)
    if not match:
        raise MoneyError("Enter an amount in pounds, like 350 or 350.00")
    pounds, _, pennies = cleaned.lstrip("£").strip().replace(",", "").partition(".")
    # Compare lengths first: int() of thousands of digits is slow, or refused outright.
    significant = pounds.lstrip("0")
    if len(significant) > len(str(MAX_POUNDS)) or int(significant or "0") >= MAX_POUNDS:
        raise MoneyError(f"Enter an amount under £{MAX_POUNDS:,}")
    return int(pounds) * 100 + int(pennies.ljust(2, "0"))


# A rate is in basis points: 1 % is 100, 5 % is 500, 20 % VAT is 2 000, 100 % is 10 000.
BASIS_POINTS_PER_WHOLE = 10_000
_PERCENTAGE = re.compile(r"^(\d{1,3})(\.\d{1,2})?\s*%?$", re.ASCII)


def round_half_up(numerator, denominator):
    """Return numerator ÷ denominator rounded to a whole number, halves away from zero.

    The one rounding rule for money: every share, percentage and VAT amount is rounded here,
    in exact integer arithmetic (no float, no decimal precision to run out of).
    """
    if not isinstance(numerator, int) or not isinstance(denominator, int):
        raise MoneyError("Money is whole pence: round_half_up takes integers")
    if denominator == 0:
        raise MoneyError("Cannot divide money by nothing")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def apply_basis_points(pence, basis_points):
    """Return pence × basis points / 10 000, rounded half-up to the penny."""
    if not isinstance(pence, int) or not isinstance(basis_points, int):
        raise MoneyError("Pence and basis points are whole numbers")
    return round_half_up(pence * basis_points, BASIS_POINTS_PER_WHOLE)


def clamp(pence, minimum, maximum):
    """Return pence, raised to the minimum or lowered to the maximum."""
    if minimum > maximum:
        raise MoneyError("The minimum is above the maximum")
    return max(minimum, min(pence, maximum))


def split_in_two(pence):
    """Split pence into two shares that add up to it; the first share takes the odd penny."""
    second = pence // 2
    return pence - second, second


def parse_percentage(text):
    """Return basis points for text such as "5", "5%", "12.5" or "20.25 %".

    Raise MoneyError for anything else (negative rates, letters, three decimals, over 100 %).
    """
    cleaned = (text or "").strip()
    match = _PERCENTAGE.match(cleaned)
    if not match:
        raise MoneyError("Enter a percentage, like 5 or 2.5")
    whole, fraction = match.group(1), (match.group(2) or ".")[1:]
    basis_points = int(whole) * 100 + int(fraction.ljust(2, "0"))
    if basis_points > BASIS_POINTS_PER_WHOLE:
        raise MoneyError("Enter a percentage of 100 or less")
    return basis_points


def format_basis_points(basis_points):
    """Format basis points as a percentage: 500 → "5%", 250 → "2.5%", 1234 → "12.34%"."""
    whole, fraction = divmod(basis_points, 100)
    if fraction == 0:
        return f"{whole}%"
    return f"{whole}.{fraction:02d}".rstrip("0") + "%"


def format_pence(pence, whole_pounds_short=True):
    """Format pence as pounds: 35000 → "£350", 35050 → "£350.50", None → "".

    With whole_pounds_short=False, always two decimals, as on invoices: "£1,050.00"."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    if pennies == 0 and whole_pounds_short:
        return f"{sign}£{pounds:,}"
    return f"{sign}£{pounds:,}.{pennies:02d}"


def format_invoice_amount(pence):
    """Format pence as an invoice shows it, always with pennies: 105000 → "£1,050.00"."""
    return format_pence(pence, whole_pounds_short=False)


def format_plain_pounds(pence):
    """Format pence as a spreadsheet reads pounds: 105000 → "1050.00", -5 → "-0.05"."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{pennies:02d}"
