"""The worker's heartbeat: each node's `elp worker` records that it is alive every minute
(a periodic job calls `record_worker_heartbeat`), and `/healthz` asks `worker_last_seen`."""

import socket

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from elp.extensions import db
from elp.operations.models import WorkerHeartbeat
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work

MAX_NODE_NAME = 200


def node_name():
    """This machine's name, as the heartbeat records it."""
    return socket.gethostname()[:MAX_NODE_NAME] or "unknown"


def record_worker_heartbeat(now=None, node=None):
    """Note that this node's worker is alive at `now`, in a unit of work of its own (a
    heartbeat is a job, never part of a user's action). Two workers on one node touch the
    same row; if two first beats race to insert it, the loser touches the winner's row."""
    now = now or utcnow()
    node = (node or node_name())[:MAX_NODE_NAME]
    try:
        with unit_of_work():
            if not _touch(node, now):
                db.session.add(WorkerHeartbeat(node=node, last_seen_at=now))
    except IntegrityError:
        with unit_of_work():
            _touch(node, now)


def _touch(node, now):
    return db.session.execute(
        update(WorkerHeartbeat).where(WorkerHeartbeat.node == node).values(last_seen_at=now)
    ).rowcount


def worker_last_seen():
    """When any node's worker was last seen, or None if no worker has ever run."""
    return db.session.scalar(select(func.max(WorkerHeartbeat.last_seen_at)))


def workers_seen():
    """Every node's worker with when it was last seen, newest first."""
    return db.session.execute(
        select(WorkerHeartbeat.node, WorkerHeartbeat.last_seen_at).order_by(
            WorkerHeartbeat.last_seen_at.desc()
        )
    ).all()
