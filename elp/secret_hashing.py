"""The one way a long random secret is hashed for storage: access codes, invitation and
password-reset links, browser sessions and API tokens (decision 7)."""

import hashlib


def hash_secret(secret):
    """Hash a long random secret for storage. It has too much entropy to guess, so no salt is
    needed, and the hash can be looked up directly."""
    return hashlib.sha256(secret.encode()).hexdigest()
