"""In-app notifications and the email outbox."""

from flask import has_request_context
from flask_login import current_user


def init_app(app):
    """Deliver queued email after each commit that queued some (session events, once), and
    give every page's header the signed-in user's count of unread notifications."""
    from elp.notifications import services

    services.register_events()
    app.context_processor(lambda: {"unread_notification_count": unread_notification_count})


def unread_notification_count():
    """The signed-in school user's unread notifications, or None for anyone else.

    Called by the header (once a page), so it costs one query on the pages that show it
    and none on the emails a request renders.
    """
    if not (has_request_context() and current_user.is_authenticated and current_user.school_id):
        return None
    from elp.notifications import in_app

    return in_app.unread_count(current_user)
