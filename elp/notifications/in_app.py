"""In-app notifications: what a school's users are told when the other school acts."""

from elp.accounts.services import colleagues
from elp.extensions import db
from elp.notifications.models import NOTIFICATION_KINDS, Notification
from elp.notifications.services import queue_email
from elp.urls import absolute_url, path_for


def notify(school_id, kind, text, endpoint, **values):
    """Tell every active user of a school about an event that needs its attention: an
    in-app notification each, and an email each through the outbox (sent after the commit).

    `text` is one sentence without its full stop ("Harlow Primary accepted your proposal
    for Phonics catch-up"); `endpoint` and `values` name the page it links to.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    path = path_for(endpoint, **values)
    link = absolute_url(endpoint, **values)
    for user in colleagues(school_id):
        db.session.add(Notification(user_id=user.id, kind=kind, text=text, link=path))
        queue_email(user.email, text, "notification", text=text, link=link)
