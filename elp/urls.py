"""Links built from the URL map, so they work in a command (`elp tick`, `elp send-alerts`)
as well as in a request: paths for in-app links, full links from BASE_URL for emails,
calendar files and the API."""

from flask import current_app


def path_for(endpoint, **values):
    """The path of a page inside the service ("/requests/7"), with or without a request."""
    return current_app.url_map.bind("elp.invalid").build(endpoint, values)


def absolute_url(endpoint, **values):
    """A full link from BASE_URL ("https://…/requests/7"), for emails, Stripe, calendar files
    and the API: the one place a full link is made."""
    return current_app.config["BASE_URL"].rstrip("/") + path_for(endpoint, **values)
