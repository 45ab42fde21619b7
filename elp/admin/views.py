"""ELP admin screens."""

from flask import Blueprint, render_template

from elp.accounts import services as accounts_services
from elp.accounts.decorators import admin_required
from elp.notifications import services as notifications
from elp.reports import dashboard

bp = Blueprint("admin", __name__)


@bp.get("/")
@admin_required
def index():
    return render_template(
        "admin/index.html",
        summary=accounts_services.admin_summary(),
        week=dashboard.this_weeks_figures(),
        emails_not_sent=notifications.count_failed_emails(),
    )


# Pages in their own modules, registered on this blueprint when it is imported.
from elp.accounts import admin_views as accounts_admin_views  # noqa: E402, F401
from elp.admin import school_import_views  # noqa: E402, F401
from elp.admin import school_views  # noqa: E402, F401
from elp.api import admin_views as api_admin_views  # noqa: E402, F401
from elp.billing import admin_views as billing_admin_views  # noqa: E402, F401
from elp.notifications import admin_views as notifications_admin_views  # noqa: E402, F401
from elp.offers import admin_views as offers_admin_views  # noqa: E402, F401
from elp.offers import moderation_views  # noqa: E402, F401
from elp.reports import admin_views  # noqa: E402, F401
from elp.settings import admin_views as settings_admin_views  # noqa: E402, F401
