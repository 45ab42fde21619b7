"""Offers: categories, writing an offer, its status transitions, what each user may see,
and moderation by ELP admins.

- `capacity`: the units bookings take from an offer's capacity and give back
- `category_list`: the categories offers are filed under
- `details`: what an offer says (OfferDetails), tidied and checked once for the offer form
  and the Offers CSV import alike
- `lifecycle`: creating and editing an offer, and its status transitions
- `reads`: which offers a user may see, and a school's own lists
- `moderation`: ELP admins' list of every offer, hiding and showing again

Other features use offers only through this package (its read functions, and the offer
vocabulary `DELIVERY_MODES`, `PHASES`, `UNITS`, `PER_UNIT`), never its models; `.importlinter`
enforces it.

Callers import from the package (`services.create_offer`, `from elp.offers.services import
visible_to_seeking_schools`); a test that must replace a function patches the module it
lives in.
"""

from elp.offers.models import DELIVERY_MODES, PER_UNIT, PHASES, UNITS
from elp.offers.services.capacity import (
    UNITS_CHANGED,
    give_back_units,
    hold_offer,
    take_units,
)
from elp.offers.services.category_list import (
    CATEGORY_NAME_MAX,
    add_category,
    categories,
    category_name_taken,
    category_names,
    clean_category_name,
    ensure_categories,
    offer_counts_by_category,
    rename_category,
)
from elp.offers.services.details import (
    CAPACITY_MAX,
    DESCRIPTION_MAX,
    EXPERT_NAME_MAX,
    EXPERT_ROLE_MAX,
    MAX_PRICE_PENCE,
    SPECIALISM_MAX,
    SPECIALISMS_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    OfferDetails,
    apply_details,
    changed_fields,
    check_offer_details,
    details_of,
    missing_before_publishing,
    normalise_specialisms,
    normalise_tag,
    parse_capacity,
    parse_price,
    split_specialisms,
)
from elp.offers.services.lifecycle import (
    STATUS_LABELS,
    available_actions,
    change_status,
    check_allowed,
    create_offer,
    update_offer,
)
from elp.offers.services.moderation import (
    ADMIN_PAGE_SIZE,
    HIDDEN_REASON_MAX,
    admin_offers,
    check_can_hide,
    hide_offer,
    people_to_tell,
    unhide_offer,
)
from elp.offers.services.reads import (
    SORTS,
    count_visible_offers,
    hidden_offers,
    offer_by_id,
    offer_for_viewer,
    offer_of_own_school,
    offer_titles,
    published_at,
    school_offers,
    status_counts,
    visible_offers_published_between,
    visible_to_seeking_schools,
)

__all__ = [
    "ADMIN_PAGE_SIZE",
    "CAPACITY_MAX",
    "CATEGORY_NAME_MAX",
    "DELIVERY_MODES",
    "DESCRIPTION_MAX",
    "EXPERT_NAME_MAX",
    "EXPERT_ROLE_MAX",
    "HIDDEN_REASON_MAX",
    "MAX_PRICE_PENCE",
    "PER_UNIT",
    "PHASES",
    "SORTS",
    "SPECIALISMS_MAX",
    "SPECIALISM_MAX",
    "STATUS_LABELS",
    "SUMMARY_MAX",
    "TITLE_MAX",
    "UNITS",
    "UNITS_CHANGED",
    "OfferDetails",
    "add_category",
    "admin_offers",
    "apply_details",
    "available_actions",
    "categories",
    "category_name_taken",
    "category_names",
    "change_status",
    "changed_fields",
    "check_allowed",
    "check_can_hide",
    "check_offer_details",
    "clean_category_name",
    "count_visible_offers",
    "create_offer",
    "details_of",
    "ensure_categories",
    "give_back_units",
    "hidden_offers",
    "hide_offer",
    "hold_offer",
    "missing_before_publishing",
    "normalise_specialisms",
    "normalise_tag",
    "offer_by_id",
    "offer_counts_by_category",
    "offer_for_viewer",
    "offer_of_own_school",
    "offer_titles",
    "parse_capacity",
    "parse_price",
    "people_to_tell",
    "published_at",
    "rename_category",
    "school_offers",
    "split_specialisms",
    "status_counts",
    "take_units",
    "unhide_offer",
    "update_offer",
    "visible_offers_published_between",
    "visible_to_seeking_schools",
]
