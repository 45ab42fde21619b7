"""The service navigation, which changes by role, and links back to where the user was."""

from urllib.parse import parse_qsl

from flask import request, url_for
from flask_login import current_user

from elp import what_needs_you
from elp.extensions import db
from elp.offers.models import Offer

# (text, endpoint, who sees it, the section it marks): "school" is any signed-in school user,
# "lead" a school lead, "signed_in" anyone signed in (admins included). An item is marked on
# every page whose address starts with its section, the longest section winning ("/search/saved"
# over "/search"), so every admin page marks Admin; None marks only the item's own page.
ITEMS = [
    ("Home", "accounts.home", "school", None),
    ("Find support", "search.search", "signed_in", "/search"),
    ("Saved searches", "saved_searches.index", "school", "/search/saved"),
    ("Requests", "inbox.requests", "school", "/requests"),
    ("Your offers", "offers.mine", "school", "/offers"),
    ("Bookings", "bookings.index", "school", "/bookings"),
    ("Charges", "charges.index", "school", "/charges"),
    ("Colleagues", "accounts.colleagues", "school", "/school/colleagues"),
    ("Charges", "admin.charges", "admin", "/admin/charges"),
    ("Admin", "admin.index", "admin", "/admin"),
]
# An offer page belongs to "Your offers" for its own school and to "Find support" for others.
OFFER_PAGE = "offers.show"

# The search page's query parameters an offer page may carry back to it (see back_to_search).
SEARCH_PARAMETERS = (
    "q",
    "category",
    "phase",
    "district",
    "mode",
    "max_price",
    "has_capacity",
    "sort",
    "page",
)
MAX_PARAMETER_CHARS = 500


def _can_see(audience):
    if not current_user.is_authenticated:
        return False
    if audience == "signed_in":
        return True
    if audience == "admin":
        return current_user.is_admin
    if audience == "lead":
        return current_user.is_lead
    return not current_user.is_admin


def _in_section(path, section):
    return path == section or path.startswith(section.rstrip("/") + "/")


def _current_section(items):
    """The endpoint of the item the current page belongs to, or None."""
    if request.endpoint == OFFER_PAGE and not _own_offer_page():
        return "search.search"
    best, best_length = None, -1
    for item in items:
        section = item["section"]
        if request.endpoint == item["endpoint"]:
            return item["endpoint"]
        if section and _in_section(request.path, section) and len(section) > best_length:
            best, best_length = item["endpoint"], len(section)
    return best


def _own_offer_page():
    offer_id = (request.view_args or {}).get("offer_id")
    # The view has loaded the offer, so the session answers this without a query.
    offer = db.session.get(Offer, offer_id) if offer_id is not None else None
    return offer is not None and offer.school_id == current_user.school_id


# The school's menu items that carry how many things wait there ("Requests (2)"), by the
# section `elp.what_needs_you` counts them in.
COUNTED = {"inbox.requests": "requests", "bookings.index": "bookings", "charges.index": "charges"}


def navigation_items():
    """Return the menu for the signed-in user, with the current section marked, and for a
    school user how many things wait on its school in Requests, Bookings and Charges."""
    items = [
        {"text": text, "endpoint": endpoint, "section": section, "href": url_for(endpoint)}
        for text, endpoint, audience, section in ITEMS
        if _can_see(audience)
    ]
    counts = {}
    if items and current_user.school_id is not None:
        counts = what_needs_you.menu_counts(current_user.school_id)
    current = _current_section(items) if items and request.endpoint else None
    return [
        {
            "text": item["text"],
            "href": item["href"],
            "active": item["endpoint"] == current,
            "count": counts.get(COUNTED.get(item["endpoint"])) or None,
        }
        for item in items
    ]


def back_to_search():
    """The search results page the current offer page was reached from, or None.

    The offer link carries the search's query string in `back`; only the search page's own
    parameters are kept, so the link can only ever lead to a search on this site.
    """
    back = request.args.get("back", "")[:MAX_PARAMETER_CHARS]
    kept = {name: value for name, value in parse_qsl(back) if name in SEARCH_PARAMETERS and value}
    return url_for("search.search", **kept) if back else None
