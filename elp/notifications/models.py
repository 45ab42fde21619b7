"""The email outbox: every email is a row first, sent after the transaction commits."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elp.extensions import db
from elp.timeutil import utcnow


class OutboxEmail(db.Model):
    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # A document to attach, named by kind and key ("invoice:12") and made when the email is
    # sent (`notifications.attachments`); None for most emails.
    attachment: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Set by the process sending it, so two processes never send the same email; a claim
    # left by a process that died runs out and the email is tried again.
    claimed_until: Mapped[datetime | None]


# The events that need the other school's attention: kind → how the preferences page names it.
NOTIFICATION_KINDS = {
    "new_request": "A school asks for support on one of your offers",
    "new_proposal": "A new proposal on a request",
    "message": "A new message on a request",
    "accepted": "A proposal is accepted and booked",
    "declined": "A request is declined",
    "withdrawn": "A request is withdrawn",
    "expiry_reminder": "A proposal will expire tomorrow",
    "expired": "A request expired unanswered",
    "delivered": "A booking is marked as delivered",
    "cancelled": "A booking is cancelled",
    "session_dates": "The session dates of a booking are set or changed",
    "disputed": "A problem is reported with a delivered booking",
    "resolved": "ELP settles a problem reported with a booking",
    "feedback": "Feedback is left on a booking",
}


class Notification(db.Model):
    """One in-app notification for one user; the header counts the unread ones."""

    __tablename__ = "notification"
    # The header counts a user's unread notifications on every page: one index answers it.
    __table_args__ = (Index("ix_notification_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(300))  # a path in the service
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]


class NotificationPreference(db.Model):
    """Whether a user also gets an email for one kind of notification. No row means yes:
    email is on until the user turns it off; the in-app notification is always made."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
