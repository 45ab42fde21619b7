"""The append-only audit log: admin actions, money changes and state transitions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from elp.extensions import db
from elp.timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(1000))
    details: Mapped[dict] = mapped_column(JSON, default=dict)


def record(action, subject, actor=None, reason=None, **details):
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        reason=reason,
        details=details,
    )
    db.session.add(event)
    return event
