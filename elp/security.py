"""Response headers, the user loader and this browser's signed-in session: the security
baseline every page gets."""

import hmac

from flask import request, session
from flask_login import login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from elp.accounts import sessions
from elp.errors import InvalidParameter
from elp.extensions import login_manager
from elp.unit_of_work import unit_of_work

# Where the session cookie keeps the token of its `UserSession` (elp.accounts.sessions).
SESSION_TOKEN_KEY = "session_token"

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
        # "Pay by card" and "Pay by bank transfer" post here and are redirected on to
        # Stripe's Checkout or hosted invoice page; browsers check that redirect too.
        "form-action 'self' https://checkout.stripe.com https://invoice.stripe.com",
        "frame-ancestors 'none'",
    ]
)


@login_manager.user_loader
def load_user(session_user_id):
    """The signed-in user, while this browser's session has not ended and the password is
    the one it signed in with."""
    user_session = sessions.live_session(browser_session_token())
    if user_session is None or not hmac.compare_digest(session_user_id, user_session.user.get_id()):
        return None
    if sessions.activity_due(user_session):
        with unit_of_work():
            sessions.note_activity(user_session)
    return user_session.user


def begin_browser_session(user):
    """Sign the user in on this browser, as a new session the server can end."""
    with unit_of_work():
        token = sessions.begin_session(user, request.headers.get("User-Agent"))
    # Flask-WTF makes a new CSRF secret when there is none: one planted or seen before
    # signing in must not carry over into the signed-in session.
    session.pop("csrf_token", None)
    login_user(user)
    session[SESSION_TOKEN_KEY] = token


def renew_browser_session(user):
    """Keep this browser signed in after the user changed their password: the cookie names
    the password it signed in with, so name the new one; its session record goes on."""
    login_user(user)


def end_browser_session():
    """Sign this browser out and end its session, so a copy of the cookie stops working."""
    with unit_of_work():
        sessions.end_session_for_token(browser_session_token())
    logout_user()
    session.pop(SESSION_TOKEN_KEY, None)


def browser_session_token():
    """The token of this browser's `UserSession`, as its session cookie carries it."""
    return session.get(SESSION_TOKEN_KEY)


def user_of_ended_browser_session():
    """The user whose session this browser's cookie names, if that session has ended."""
    return sessions.ended_session_user(browser_session_token())


def _set_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    return response


NUL_REFUSED = (
    "The request held a NUL character, which no text may contain: remove it and try again."
)


def _refuse_null_characters():
    """Refuse a request whose query or form holds a NUL character, with a 400.

    No one types one, PostgreSQL cannot store one in text, and refusing it here, once,
    keeps every form, search and API parameter from meeting it.
    """
    for values in (request.args, request.form):
        if any("\x00" in value for _, value in values.items(multi=True)):
            raise InvalidParameter(NUL_REFUSED)


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
