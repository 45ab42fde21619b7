"""Documents attached to outbox emails, made when the email is sent.

An outbox row names its attachment ("invoice:12"), not its bytes: the document is made
from the database when the email leaves, by the feature that registered the kind (billing
registers "invoice"). So queuing an email stays cheap inside the transaction that causes
it, and the outbox never depends on a feature's internals. A document that cannot be made
raises, and the email stays queued for the next delivery, rather than going without it.
"""

from dataclasses import dataclass

_MAKERS = {}
REFERENCE_MAX = 100


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


def register(kind, maker):
    """Make attachments of this kind with `maker(key)`, which returns an Attachment."""
    _MAKERS[kind] = maker


def reference(kind, key):
    """What an outbox row keeps to name a document: "invoice:12"."""
    if kind not in _MAKERS:
        raise ValueError(f"no attachment maker registered for {kind!r}")
    named = f"{kind}:{key}"
    if len(named) > REFERENCE_MAX:
        raise ValueError(f"attachment reference over {REFERENCE_MAX} characters: {named!r}")
    return named


def make(named):
    """The attachment an outbox row names."""
    kind, _, key = named.partition(":")
    if kind not in _MAKERS:
        raise LookupError(f"no attachment maker registered for {kind!r}")
    return _MAKERS[kind](key)
