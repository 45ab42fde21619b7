"""The service navigation, which changes by role."""

from flask import request, url_for
from flask_login import current_user

# (text, endpoint, who sees it): "school" is any signed-in school user, "lead" a school lead,
# "signed_in" anyone signed in (admins included).
ITEMS = [
    ("Home", "accounts.home", "school"),
    ("Find support", "search.search", "signed_in"),
    ("Requests", "inbox.requests", "school"),
    ("Your offers", "offers.mine", "school"),
    ("Bookings", "bookings.index", "school"),
    ("Colleagues", "accounts.colleagues", "lead"),
    ("Admin", "admin.index", "admin"),
]


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


def navigation_items():
    """Return the menu for the signed-in user, with the current section marked."""
    items = []
    for text, endpoint, audience in ITEMS:
        if _can_see(audience):
            href = url_for(endpoint)
            items.append({"text": text, "href": href, "active": request.endpoint == endpoint})
    return items
