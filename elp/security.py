"""Response headers and the user loader: the security baseline every page gets."""

import hmac

from flask import abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

from elp.extensions import db, login_manager

# No inline script or style anywhere: every script and stylesheet is served from static/.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@login_manager.user_loader
def load_user(session_user_id):
    """The signed-in user, unless their password has changed since this session began."""
    from elp.accounts.models import User

    user_id = session_user_id.partition(":")[0]
    user = db.session.get(User, int(user_id)) if user_id.isascii() and user_id.isdigit() else None
    if user is None or not hmac.compare_digest(session_user_id, user.get_id()):
        return None
    return user


def _set_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    return response


def _refuse_null_characters():
    """Refuse a request whose query or form holds a NUL character, with a 400.

    No one types one, PostgreSQL cannot store one in text, and refusing it here, once,
    keeps every form, search and API parameter from meeting it.
    """
    for values in (request.args, request.form):
        if any("\x00" in value for _, value in values.items(multi=True)):
            abort(400)


def register(app):
    app.before_request(_refuse_null_characters)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Client address (for rate limits) and https scheme come from the proxy's headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.after_request(_set_headers)
    if app.config["SESSION_COOKIE_SECURE"]:
        app.after_request(_set_hsts)


def _set_hsts(response):
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
