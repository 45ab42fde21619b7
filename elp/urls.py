"""Full links, for emails, calendar files and the API: built from BASE_URL and the URL map,
so they work in a command as well as in a request."""

from flask import current_app, url_for


def absolute_url(endpoint, **values):
    path = url_for(endpoint, _external=False, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
