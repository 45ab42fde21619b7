"""Template loading, filters and globals shared by every page."""

from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from elp import distance, money, timeutil
from elp.navigation import back_to_search, navigation_items


def register(app):
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    app.add_template_filter(money.format_pence, "pounds")
    app.add_template_filter(money.format_basis_points, "percentage")
    app.add_template_filter(distance.format_distance, "distance")
    app.add_template_filter(timeutil.format_date, "date")
    app.add_template_filter(timeutil.format_datetime, "datetime")
    app.jinja_env.globals["service_name"] = "ELP Exchange"
    app.jinja_env.globals["contact_email"] = app.config["CONTACT_EMAIL"]
    app.jinja_env.globals["navigation_items"] = navigation_items
    app.jinja_env.globals["back_to_search"] = back_to_search
