"""Signed-in sessions: one record per sign-in, so the server can end a session.

The session cookie is signed but lives in the browser, so on its own it cannot be taken back:
a copy made before signing out would go on working. The cookie therefore also carries a
random token naming a `UserSession`, and only a session whose record has not ended signs
anyone in. A record ends when its browser signs out, when the user ends it from another
browser, when the password changes, and when the user loses access (removed, or their school
suspended). Only the token's hash is stored, like every other secret (decision 7).

These functions flush; the request that calls them commits.
"""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from elp.accounts.models import User, UserSession
from elp.accounts.tokens import new_link_token
from elp.extensions import db
from elp.secret_hashing import hash_secret
from elp.timeutil import utcnow

# "Last active" is news to the user at this grain, and a write on every page would not be.
LAST_SEEN_EVERY = timedelta(minutes=5)

# Tried in order: Edge and Opera also say "Chrome", Chrome also says "Safari", Android "Linux".
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)
# A real User-Agent names its browser and system well within this; the rest is not read.
_USER_AGENT_READ = 512


def describe_browser(user_agent):
    """Name a browser the way its owner would ("Firefox on Windows") from its User-Agent.

    Only this summary is kept: enough to tell one's own sessions apart, and less to hold
    about a person than the full header.
    """
    text = (user_agent or "")[:_USER_AGENT_READ]
    browser = next((name for marker, name in _BROWSERS if marker in text), None)
    system = next((name for marker, name in _SYSTEMS if marker in text), None)
    if browser and system:
        return f"{browser} on {system}"
    if system:
        return f"A browser on {system}"
    return browser or "An unknown browser"


def begin_session(user, user_agent):
    """Record a sign-in and return the token for the cookie (shown only this once)."""
    token = new_link_token()
    db.session.add(
        UserSession(user=user, token_hash=hash_secret(token), browser=describe_browser(user_agent))
    )
    db.session.flush()
    return token


def _session_named(token, *criteria):
    """The session a cookie's token names, with its user, if it meets the criteria."""
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(
        select(UserSession)
        .where(UserSession.token_hash == hash_secret(token), *criteria)
        .options(joinedload(UserSession.user))
    )


def live_session(token):
    """The session a cookie's token names, with its user, if that session has not ended."""
    return _session_named(token, UserSession.ended_at.is_(None))


def activity_due(user_session):
    return utcnow() - user_session.last_seen_at >= LAST_SEEN_EVERY


def note_activity(user_session):
    user_session.last_seen_at = utcnow()
    db.session.flush()


def signed_in_sessions(user):
    """The user's sessions that have not ended, most recently active first."""
    return db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()


def find_other_session(user, session_id, current_token):
    """One of the user's live sessions other than this browser's; None for anyone else's."""
    return db.session.scalar(
        select(UserSession).where(
            UserSession.id == session_id,
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.token_hash != hash_secret(current_token or ""),
        )
    )


def end_session(user_session):
    user_session.ended_at = utcnow()
    db.session.flush()


def end_session_for_token(token):
    """End the session this browser's cookie names (signing out)."""
    user_session = live_session(token)
    if user_session is not None:
        end_session(user_session)


def _end_live(*criteria):
    db.session.execute(
        update(UserSession)
        .where(UserSession.ended_at.is_(None), *criteria)
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def end_other_sessions(user, current_token):
    """Sign the user out of every browser but this one."""
    _end_live(UserSession.user_id == user.id, UserSession.token_hash != hash_secret(current_token))


def end_every_session(user):
    """Sign the user out everywhere (a new password, or an account closed)."""
    _end_live(UserSession.user_id == user.id)


def end_school_sessions(school):
    """Sign every user of the school out everywhere (the school is suspended)."""
    _end_live(UserSession.user_id.in_(select(User.id).where(User.school_id == school.id)))


def ended_session_user(token):
    """The user whose ended session a cookie still names, so they can be told why it ended."""
    user_session = _session_named(token, UserSession.ended_at.is_not(None))
    return user_session.user if user_session else None
