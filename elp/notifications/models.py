"""The email outbox: every email is a row first, sent after the transaction commits."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elp.extensions import db
from elp.timeutil import utcnow


class OutboxEmail(db.Model):
    """One email: queued in the transaction that causes it, then sent, or failed for admins
    to see under "Emails not sent". Its Message-ID and Date are fixed when it is queued, so
    a resend (after a crash, or by an admin) is the same message to the receiving server."""

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # A document to attach, named by kind and key ("invoice:12") and made when the email is
    # sent (`notifications.attachments`); None for most emails.
    attachment: Mapped[str | None] = mapped_column(String(100))
    message_id: Mapped[str] = mapped_column(String(250), unique=True)  # "<…@elp-exchange…>"
    # Where an optional kind of email is turned off (List-Unsubscribe); None for the rest.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    # When the next attempt is due (backoff after a failure), and after when a failure is
    # final: 48 hours from queuing, or from an admin's "Send again".
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    retry_until: Mapped[datetime]
    failed_at: Mapped[datetime | None] = mapped_column(index=True)
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
    # Reminders `elp tick` sends, each once (see ReminderSent).
    "delivery_reminder": "A booking’s last session has passed: mark it as delivered",
    "completion_reminder": "A delivered booking completes by itself in 3 days",
    "feedback_reminder": "Feedback is still to write on a completed booking",
    "charge_due_reminder": "A service charge is due in 7 days (school leads)",
    "charge_overdue_reminder": "A service charge is overdue (school leads)",
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


class ReminderSent(db.Model):
    """A reminder `elp tick` has sent: its kind and what it is about ("booking:12",
    "booking:12:school:3"). Inserting the row claims the reminder, so of two ticks at once,
    on one node or several, exactly one sends it, and no later tick sends it again."""

    __tablename__ = "reminder_sent"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(60), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
