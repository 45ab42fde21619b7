"""The settings admins have set: one row per setting, its value as text."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elp.extensions import db
from elp.timeutil import utcnow


class Setting(db.Model):
    """A value an admin set; a setting without a row has its configured default."""

    __tablename__ = "setting"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
