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


def read_where_read():
    """Mark the signed-in user's unread notifications about the page being opened (a
    request, a booking, a charge: each notification links to its page) read.

    Called by those pages before they render, so the header's count already leaves them
    out. It writes, and commits, only when there is something to mark: opening a page with
    nothing unread about it costs one small read on the user's unread notifications.
    """
    from flask import request

    from elp.notifications import in_app
    from elp.unit_of_work import unit_of_work

    unread = in_app.unread_about(current_user, request.path)
    if unread:
        with unit_of_work():
            in_app.mark_these_read(current_user, unread)
