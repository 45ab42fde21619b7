"""Links built from the URL map, so they work in a command (`elp tick`, `elp send-alerts`)
as well as in a request: a path for in-app links, a full link from BASE_URL for emails,
calendar files and the API."""

from flask import current_app


def path_for(endpoint, **values):
    return current_app.url_map.bind("elp.invalid").build(endpoint, values)


def absolute_url(endpoint, **values):
    return current_app.config["BASE_URL"].rstrip("/") + path_for(endpoint, **values)
