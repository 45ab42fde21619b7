"""Bounds on the numbers and text a URL carries, so no value reaches the database out of range.

An id no row can have matches no route (a 404); a page or search no one would ask for is a
clear 400, never an overflow or a refused query deep inside the database driver.
"""

from werkzeug.routing import IntegerConverter

from elp.errors import InvalidParameter

# The largest id a table holds: ids are PostgreSQL `integer` columns (signed 32 bits), which
# refuse to compare with anything larger; SQLite overflows at 2**63.
MAX_ID = 2**31 - 1
MAX_PAGE = 10_000
# Admin lists search names and titles with LIKE, which SQLite refuses beyond 50 000 bytes;
# no name or title is longer than this.
MAX_SEARCH_LENGTH = 200


class IdConverter(IntegerConverter):
    """The app's `<int:…>`: a whole number no larger than MAX_ID."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def whole_number(text, highest, lowest=1):
    """The whole number `text` spells if it lies from lowest to highest, else None."""
    text = (text or "").strip()
    # Measured before int(): Python refuses to convert more than 4 300 digits.
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(highest)):
        return None
    number = int(text)
    return number if lowest <= number <= highest else None


def page_number(args):
    """The list page a query string asks for, 1 when it names none."""
    text = (args.get("page") or "").strip()
    if not text:
        return 1
    page = whole_number(text, MAX_PAGE)
    if page is None:
        raise InvalidParameter(f"The page must be a whole number from 1 to {MAX_PAGE:,}.")
    return page


def search_text(args, name="q"):
    """The words a list is searched for, refused when longer than any name or title."""
    text = (args.get(name) or "").strip()
    if len(text) > MAX_SEARCH_LENGTH:
        raise InvalidParameter(f"Search for {MAX_SEARCH_LENGTH} characters or fewer.")
    return text
