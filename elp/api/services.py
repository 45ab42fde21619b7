"""API tokens (issue, revoke, authenticate) and the search API's answers."""

import secrets
from datetime import timedelta

from sqlalchemy import select

from elp import audit
from elp.api.models import ApiToken
from elp.errors import ActionRefused, NotFound
from elp.extensions import db
from elp.secret_hashing import hash_secret
from elp.timeutil import utcnow

# A recognisable prefix lets people (and secret scanners) tell an ELP token when they see one.
TOKEN_PREFIX = "elp_"
HINT_LENGTH = 4
# Stamping last use on every call would write to the database on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def issue_token(name, description=None, actor=None, via="admin page"):
    """Create a token and return (token, secret); the secret is never stored, only its hash."""
    name = (name or "").strip()
    if not name:
        raise ActionRefused("Enter a name for the token, so you can tell it apart later.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:100],
        description=(description or "").strip()[:500] or None,
        token_hash=hash_secret(secret),
        hint=secret[-HINT_LENGTH:],
        created_by=actor,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.issued", token, actor=actor, name=token.name, via=via)
    return token, secret


def revoke_token(token_id, actor, reason=None):
    """Revoke a token at once; requests that carry it are refused from now on."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound
    if token.is_revoked:
        raise ActionRefused(f"The token “{token.name}” was already revoked.")
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", token, actor=actor, reason=reason, name=token.name)
    db.session.flush()
    return token


def list_tokens():
    """Every token, newest first, with who issued it."""
    return db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()


def token_for_secret(secret):
    """Return the live token for a bearer secret, or None if it is unknown or revoked."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.is_revoked:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.flush()
    return token
