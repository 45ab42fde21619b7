"""The operations feature's own table: when each node's worker was last seen."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from elp.extensions import db


class WorkerHeartbeat(db.Model):
    """One row per node running `elp worker`, touched by its periodic heartbeat job; the
    health check reads the newest (see elp.operations.heartbeat)."""

    __tablename__ = "worker_heartbeat"

    node: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_seen_at: Mapped[datetime]
