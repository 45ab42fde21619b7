"""In-app notifications: what a school's users are told when the other school acts, which
of them they also want by email, and reading them."""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from elp.accounts.services import active_admins, colleagues
from elp.errors import NotFound
from elp.extensions import db
from elp.notifications.models import NOTIFICATION_KINDS, Notification, NotificationPreference
from elp.notifications.services import queue_email
from elp.timeutil import utcnow
from elp.urls import absolute_url, path_for

NOTIFICATIONS_PER_PAGE = 25


def notify(school_id, kind, text, endpoint, **values):
    """Tell every active user of a school about an event that needs its attention: an
    in-app notification each, and an email each through the outbox (sent after the commit)
    unless the user turned email off for this kind.

    `text` is one sentence without its full stop ("Harlow Primary accepted your proposal
    for Phonics catch-up"); `endpoint` and `values` name the page it links to.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    _notify_users(colleagues(school_id), kind, text, endpoint, **values)


def notify_admins(kind, text, endpoint, **values):
    """Tell every active ELP admin, as `notify` tells a school's users, of something that
    waits on ELP (a problem reported with a booking, say)."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    _notify_users(active_admins(), kind, text, endpoint, **values)


def _notify_users(users, kind, text, endpoint, **values):
    path = path_for(endpoint, **values)
    link = absolute_url(endpoint, **values)
    no_email = _email_turned_off(kind, [user.id for user in users])
    for user in users:
        db.session.add(Notification(user_id=user.id, kind=kind, text=text, link=path))
        if user.id not in no_email:
            queue_email(user.email, text, "notification", text=text, link=link)


def _email_turned_off(kind, user_ids):
    """The users, of these, who do not want this kind by email."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(NotificationPreference.user_id).where(
                NotificationPreference.user_id.in_(user_ids),
                NotificationPreference.kind == kind,
                NotificationPreference.email.is_(False),
            )
        )
    )


# --- Reading them -------------------------------------------------------------------------


def unread_count(user):
    """How many of the user's notifications are unread (the header shows it on every page)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notifications_for(user, page=1):
    """One page of the user's notifications, newest first."""
    return db.paginate(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page,
        per_page=NOTIFICATIONS_PER_PAGE,
        error_out=False,
    )


def mark_read(user, notification_id):
    """Mark one of the user's notifications read and return it; anyone else's is a 404."""
    notification = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user):
    """Mark every unread notification of the user read; return how many there were."""
    marked = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return marked.rowcount


# --- Email preferences --------------------------------------------------------------------


@dataclass(frozen=True)
class EmailChoice:
    kind: str
    description: str  # "A new message on a request"
    email: bool


def email_choices(user):
    """Each kind of notification, in NOTIFICATION_KINDS' order, and whether the user also
    gets it by email (yes unless turned off)."""
    turned_off = set(
        db.session.scalars(
            select(NotificationPreference.kind).where(
                NotificationPreference.user_id == user.id,
                NotificationPreference.email.is_(False),
            )
        )
    )
    return [
        EmailChoice(kind, description, kind not in turned_off)
        for kind, description in NOTIFICATION_KINDS.items()
    ]


def set_email_choices(user, kinds_to_email):
    """Email the user these kinds of notification and no others (in-app ones always come).

    Writing every kind's row each time makes a repeated submission of the same form a
    no-op rather than a second change.
    """
    wanted = set(kinds_to_email)
    unknown = wanted - NOTIFICATION_KINDS.keys()
    if unknown:
        raise ValueError(f"unknown notification kinds {sorted(unknown)}")
    existing = {
        preference.kind: preference
        for preference in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for kind in NOTIFICATION_KINDS:
        preference = existing.get(kind)
        if preference is None:
            preference = NotificationPreference(user_id=user.id, kind=kind)
            db.session.add(preference)
        preference.email = kind in wanted
    db.session.flush()
