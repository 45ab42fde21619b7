"""Error pages in the site's own layout, and the one domain error services raise."""

from flask import jsonify, make_response, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import MethodNotAllowed


class ActionRefused(Exception):
    """An illegal action or transition: shown to the user as a clear message, never a 500.

    `link` is (text, endpoint, {values}) for the thing the refusal is about when it is not
    the one the page's own URL names (see `link_refusals`)."""

    def __init__(self, message, link=None):
        super().__init__(message)
        self.message = message
        self.link = link


class InvalidInput(ActionRefused):
    """Input a service refuses, named by the form field it came from, so the view can show the
    message next to that field and keep what was typed."""

    def __init__(self, field, message, more=None):
        super().__init__(message)
        self.field = field
        # Every problem found at once, {field: message}, so a form can show them all.
        self.problems = {field: message, **(more or {})}

    @classmethod
    def all_of(cls, problems):
        """One error carrying several fields' problems ({field: message}, at least one)."""
        (field, message), *more = problems.items()
        return cls(field, message, dict(more))


class NotFound(Exception):
    """What a service was asked for does not exist, or is not the user's to see: a 404, the
    same either way, so another school's ids tell nothing."""


class ServiceUnavailable(Exception):
    """Something the service needs for this page is missing or down (a system library, say):
    a clear 503 with what to do instead, never a 500."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidParameter(Exception):
    """A value in the query string the service will not use (a page past the last one anyone
    could want, a search longer than any title): a clear 400."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# blueprint name → [(URL value, endpoint, link text, pass the value?)]: what a refusal on
# that blueprint's pages is about, so the refusal page links back to it ("Go to the request").
_REFUSAL_LINKS = {}


def link_refusals(blueprint, value, endpoint, text, pass_value=True):
    """Make refusals on `blueprint`'s pages whose URL names `value` (say "request_id") link
    to `endpoint` with it (or, with `pass_value` False, to `endpoint` alone: the list the
    thing is on). A refusal page never leaves anyone at a dead end."""
    _REFUSAL_LINKS.setdefault(blueprint.name, []).append((value, endpoint, text, pass_value))


def _refusal_link(error):
    """(text, URL) of the thing a refusal is about, or None."""
    if error.link is not None:
        text, endpoint, values = error.link
        return text, url_for(endpoint, **values)
    values = request.view_args or {}
    for value, endpoint, text, pass_value in _REFUSAL_LINKS.get(request.blueprint, ()):
        if value in values:
            return text, url_for(endpoint, **({value: values[value]} if pass_value else {}))
    return None


ERROR_TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, that action is not allowed here",
    409: "Sorry, you cannot do that",
    413: "That file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, this is not available at the moment",
}


def _wants_json():
    return request.path.startswith("/api/")


def _render(status, message=None, link=None):
    title = ERROR_TITLES[status]
    if _wants_json():
        return jsonify(error=message or title), status
    page = render_template(
        "errors/error.html", status=status, title=title, message=message, link=link
    )
    return page, status


def _method_not_allowed(error):
    """A 405 says which methods the address does take, in `Allow` (RFC 9110 requires it)."""
    response = make_response(_render(405))
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def register(app):
    for status in ERROR_TITLES:
        app.register_error_handler(status, lambda error, status=status: _render(status))
    app.register_error_handler(405, _method_not_allowed)

    @app.errorhandler(ActionRefused)
    def action_refused(error):
        return _render(409, error.message, _refusal_link(error))

    @app.errorhandler(NotFound)
    def not_found(error):
        return _render(404)

    @app.errorhandler(InvalidParameter)
    def invalid_parameter(error):
        return _render(400, error.message)

    @app.errorhandler(ServiceUnavailable)
    def service_unavailable(error):
        return _render(503, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, "The form had expired. Go back, refresh the page and try again.")
