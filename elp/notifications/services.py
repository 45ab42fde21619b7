"""Queue emails in the outbox and deliver them after the transaction commits."""

import logging
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

from elp.extensions import db
from elp.jobs import queue
from elp.notifications import mailer
from elp.notifications.models import OutboxEmail
from elp.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
CLAIM_TIME = timedelta(minutes=5)  # far longer than one send takes (the SMTP timeout is 20 s)
_QUEUED = "outbox_email_queued"


def register_events():
    """Deliver the outbox after any commit that queued an email, never before."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session):
    if session.info.pop(_QUEUED, False):
        deliver_soon()


def _after_rollback(session):
    session.info.pop(_QUEUED, None)


def queue_email(to, subject, template, *, attachment=None, **context):
    """Add an email to the outbox; it is sent only if the caller's transaction commits.

    `template` names a plain-text template under templates/emails/; `attachment` names a
    document made when the email is sent (`attachments.reference("invoice", 12)`).
    """
    body = render_template(f"emails/{template}.txt", subject=subject, **context)
    email = OutboxEmail(to=to, subject=subject, body=body, attachment=attachment)
    db.session.add(email)
    db.session.info[_QUEUED] = True
    return email


def deliver_soon():
    """Send the outbox without keeping the user waiting on the mail server: by queuing the
    `deliver-email` job for the worker (decision 29), or at once where MAIL_DELIVERY is
    "inline" (tests); where it is "command", only `elp deliver-mail` sends. Called after each
    commit that queued an email; each delivery works in a session of its own.

    Waiting would also tell a stranger on the "forgot password" page which emails have an
    account: only those would wait for a send. An email the job never sends (the worker
    stopped) stays queued for the worker's next delivery or `elp deliver-mail`.
    """
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return  # no app: `elp deliver-mail` sends the emails later
    if app.config["MAIL_DELIVERY"] == "command":
        return
    if app.config["MAIL_DELIVERY"] == "inline":
        _deliver_in_own_session(app)
        return
    try:
        delivery_job()
    except Exception:  # the queue is down: the emails stay queued for the worker's next round
        log.exception("Could not queue the outbox's delivery")


# Seam: when the rewritten outbox lands, this job calls its `deliver_due_emails()`.
@queue.job("deliver-email", retry_if_lost=True)
def delivery_job():
    """Send the outbox's unsent emails."""
    deliver_outbox()


def _deliver_in_own_session(app):
    with app.app_context():
        try:
            deliver_outbox()
        except Exception:  # the emails stay queued; a request must never see this
            log.exception("Could not deliver the outbox")
        finally:
            db.session.remove()


def deliver_outbox(limit=100):
    """Send unsent emails, oldest first; a failure is kept for the next attempt.

    Each email is claimed before it is sent, so two processes delivering at once (two app
    workers, or a worker and `elp deliver-mail`) never send the same one.
    """
    pending = db.session.scalars(
        db.select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for email_id in pending:
        if not _claim(email_id):
            continue  # another process has it
        email = db.session.get(OutboxEmail, email_id)
        try:
            mailer.send(email)
        except Exception as error:  # any transport failure: keep the row for a retry
            email.last_error = str(error)[:500]
            email.claimed_until = None
            log.warning("Could not send email %s to %s: %s", email.id, email.to, error)
        else:
            email.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent


def _claim(email_id):
    """Claim one unsent email for this process; False if another process holds it."""
    now = utcnow()
    claimed = db.session.execute(
        db.update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.sent_at.is_(None),
            db.or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM_TIME, attempts=OutboxEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def count_failed_emails():
    """Emails the outbox gave up on: never sent, and out of attempts (admins' "Emails not
    sent")."""
    return db.session.scalar(
        db.select(db.func.count(OutboxEmail.id)).where(
            OutboxEmail.sent_at.is_(None), OutboxEmail.attempts >= MAX_ATTEMPTS
        )
    )
