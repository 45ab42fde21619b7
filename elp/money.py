"""Money: integer pence everywhere; the one place money is parsed, rounded and formatted."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
    pounds = Decimal(cleaned.lstrip("£").strip().replace(",", ""))
    if pounds >= MAX_POUNDS:
        raise MoneyError(f"Enter an amount under £{MAX_POUNDS:,}")
    return int((pounds * 100).to_integral_value(rounding=ROUND_HALF_UP))


def apply_basis_points(pence, basis_points):
    """Return pence × basis points / 10 000, rounded half-up to the penny."""
    try:
        exact = Decimal(pence) * Decimal(basis_points) / Decimal(10_000)
    except InvalidOperation as error:
        raise MoneyError(str(error)) from error
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))


def format_pence(pence, whole_pounds_short=True):
    """Format pence as pounds: 35000 → "£350", 35050 → "£350.50", None → ""."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    if pennies == 0 and whole_pounds_short:
        return f"{sign}£{pounds:,}"
    return f"{sign}£{pounds:,}.{pennies:02d}"
