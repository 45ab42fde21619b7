"""What /healthz checks: the database answers, this node's search index is there and not far
behind, email is going out, and a worker has been seen lately. Each check says "ok" or
"fail" with its figures; any failing check makes the answer a 503 naming it.

The thresholds are settings (HEALTH_*), chosen so a check fails only when someone should be
woken: an index a minute behind, an email unsent for a quarter of an hour (a mail-server
outage), no worker heartbeat for three minutes (it beats every minute).
"""

import logging

from flask import current_app
from sqlalchemy import func, select, text

from elp.extensions import db
from elp.notifications.models import OutboxEmail
from elp.notifications.services import MAX_ATTEMPTS
from elp.operations.heartbeat import worker_last_seen
from elp.search import sync
from elp.timeutil import utcnow

log = logging.getLogger(__name__)

OK, FAIL = "ok", "fail"


def seconds_since(moment):
    return round((utcnow() - moment).total_seconds(), 1) if moment is not None else None


def check_database():
    db.session.execute(text("SELECT 1"))
    return {"status": OK}


def check_index():
    status = sync.index_status(current_app._get_current_object())
    if not status["present"]:
        return {"status": FAIL, "message": "the search index is missing: run elp reindex"}
    limit = current_app.config["HEALTH_INDEX_LAG_SECONDS"]
    result = {"status": OK, **status}
    if status["oldest_behind_seconds"] > limit:
        result.update(status=FAIL, message=f"the index is more than {limit} seconds behind")
    return result


def email_backlog():
    """(emails waiting to be sent, when the oldest was queued or None, emails not sent after
    every attempt)."""
    waiting = (OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS)
    backlog, oldest = db.session.execute(
        select(func.count(), func.min(OutboxEmail.created_at)).where(*waiting)
    ).one()
    not_sent = db.session.scalar(
        select(func.count()).where(
            OutboxEmail.sent_at.is_(None), OutboxEmail.attempts >= MAX_ATTEMPTS
        )
    )
    return backlog, oldest, not_sent


def check_outbox():
    backlog, oldest, not_sent = email_backlog()
    age = seconds_since(oldest)
    limit = current_app.config["HEALTH_OUTBOX_AGE_SECONDS"]
    result = {"status": OK, "backlog": backlog, "oldest_unsent_seconds": age, "not_sent": not_sent}
    if age is not None and age > limit:
        result.update(status=FAIL, message=f"an email has waited more than {limit} seconds")
    return result


def check_worker():
    age = seconds_since(worker_last_seen())
    limit = current_app.config["HEALTH_WORKER_SECONDS"]
    result = {"status": OK, "last_seen_seconds": age}
    if age is None:
        result.update(status=FAIL, message="no worker has been seen: start elp worker")
    elif age > limit:
        result.update(status=FAIL, message=f"no worker has been seen for {limit} seconds")
    return result


CHECKS = {
    "database": check_database,
    "index": check_index,
    "outbox": check_outbox,
    "worker": check_worker,
}


def run_checks():
    """{status, checks: {name: {status, …}}, failing: [names]}: status "ok" when every check
    passes. A check that raises fails with the kind of error (its details go to the log, not
    to whoever asked)."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except Exception as error:
            log.exception("Health check %s failed", name)
            db.session.rollback()
            checks[name] = {"status": FAIL, "message": f"{type(error).__name__} while checking"}
    failing = [name for name, result in checks.items() if result["status"] != OK]
    return {"status": FAIL if failing else OK, "checks": checks, "failing": failing}
