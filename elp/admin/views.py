"""ELP admin screens."""

from flask import Blueprint, render_template

from elp.accounts import services as accounts_services
from elp.accounts.decorators import admin_required
from elp.bookings import services as bookings_services
from elp.errors import link_refusals
from elp.reports import dashboard

bp = Blueprint("admin", __name__)
# A refused admin action links back to what it was about (the first the URL names).
link_refusals(bp, "school_id", "admin.school", "Go to the school")
link_refusals(bp, "user_id", "admin.user", "Go to the user")
link_refusals(bp, "charge_id", "admin.charge", "Go to the charge")
link_refusals(bp, "offer_id", "offers.show", "Go to the offer")
link_refusals(bp, "access_code_id", "admin.access_codes", "Go to access codes", pass_value=False)
link_refusals(bp, "token_id", "admin.api_tokens", "Go to API tokens", pass_value=False)
link_refusals(bp, "category_id", "admin.categories", "Go to categories", pass_value=False)


@bp.get("/")
@admin_required
def index():
    return render_template(
        "admin/index.html",
        summary=accounts_services.admin_summary(),
        week=dashboard.this_weeks_figures(),
        disputed_bookings=bookings_services.count_disputed_bookings(),
    )


# Pages in their own modules, registered on this blueprint when it is imported.
from elp.accounts import admin_views as accounts_admin_views  # noqa: E402, F401
from elp.admin import school_import_views  # noqa: E402, F401
from elp.admin import school_views  # noqa: E402, F401
from elp.api import admin_views as api_admin_views  # noqa: E402, F401
from elp.billing import admin_views as billing_admin_views  # noqa: E402, F401
from elp.bookings import admin_views as bookings_admin_views  # noqa: E402, F401
from elp.offers import admin_views as offers_admin_views  # noqa: E402, F401
from elp.offers import moderation_views  # noqa: E402, F401
from elp.reports import admin_views  # noqa: E402, F401
from elp.settings import admin_views as settings_admin_views  # noqa: E402, F401
