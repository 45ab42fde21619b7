"""The email outbox: every email is a row first, queued in the transaction that causes it,
then attempted when it is due until it is sent, or failed for admins to send again.

An email's first attempt follows the commit that queued it (`deliver_soon`); after a
failure the next is due 1 minute later, then 2, 4, … up to an hour between attempts, for 48
hours (`deliver_due_emails`, run by `elp deliver-mail` or the worker). A mail server that
refuses the address for good (SMTP 5xx) fails the email at once.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from elp import audit
from elp.errors import ActionRefused, NotFound
from elp.extensions import db
from elp.jobs import queue
from elp.notifications import mailer
from elp.notifications.models import OutboxEmail
from elp.timeutil import utcnow

log = logging.getLogger(__name__)

CLAIM_TIME = timedelta(minutes=5)  # far longer than one send takes (the SMTP timeout is 20 s)
FIRST_WAIT = timedelta(minutes=1)  # after the first failure; doubling after each one
LONGEST_WAIT = timedelta(hours=1)
RETRY_FOR = timedelta(hours=48)  # from queuing (or "Send again") to giving up
FAILED_PER_PAGE = 50
_QUEUED = "outbox_emails_queued"


@dataclass(frozen=True)
class DeliveryCounts:
    """What one delivery did: emails sent, to be tried again later, and failed for good."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __add__(self, other):
        return DeliveryCounts(
            self.sent + other.sent, self.retrying + other.retrying, self.failed + other.failed
        )


def register_events():
    """Attempt each commit's new emails after it commits, never before."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session):
    queued = session.info.pop(_QUEUED, None)
    if queued:
        # The identity is kept on the expired objects: reading it emits no SQL, which a
        # session may not do here.
        ids = [inspect(email).identity[0] for email in queued if inspect(email).identity]
        if ids:
            deliver_soon(ids)


def _after_rollback(session):
    session.info.pop(_QUEUED, None)


def queue_email(to, subject, template, *, attachment=None, unsubscribe_url=None, **context):
    """Add an email to the outbox; it is sent only if the caller's transaction commits.

    `template` names a plain-text template under templates/emails/ (the HTML alternative is
    made from the same text when the email is sent); `attachment` names a document made
    when the email is sent (`attachments.reference("invoice", 12)`); `unsubscribe_url` is
    where an optional kind of email is turned off, sent as List-Unsubscribe.
    """
    body = render_template(f"emails/{template}.txt", subject=subject, **context)
    now = utcnow()
    email = OutboxEmail(
        to=to,
        subject=subject,
        body=body,
        attachment=attachment,
        unsubscribe_url=unsubscribe_url,
        message_id=_new_message_id(),
        created_at=now,
        next_attempt_at=now,
        retry_until=now + RETRY_FOR,
    )
    db.session.add(email)
    db.session.info.setdefault(_QUEUED, []).append(email)
    return email


def _new_message_id():
    """A Message-ID unique to this email, on the domain the emails come from."""
    config = current_app.config
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2]
    domain = domain or urlsplit(config["BASE_URL"]).hostname or "elp-exchange.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def deliver_soon(email_ids):
    """Make the first attempt at these newly committed emails without keeping the user
    waiting on the mail server.

    In a request (MAIL_DELIVERY "background") it queues the `deliver-email` job for the
    worker (decision 29). In a command, which has nobody waiting, it runs here, so the
    command never exits while it holds claimed emails. "inline" (tests) always runs here;
    "command" leaves every email to `deliver_due_emails` (`elp deliver-mail`, the worker's
    timer). Waiting in the request would also tell a stranger on the "forgot password" page
    which addresses have an account: only those would wait. An email not attempted here
    (the queue is down, the worker stopped) is still due, and the next `deliver_due_emails`
    sends it.
    """
    try:
        app = current_app._get_current_object()
    except RuntimeError:
        return  # no app: `elp deliver-mail` sends the emails later
    mode = app.config["MAIL_DELIVERY"]
    if mode == "command":
        return
    if mode == "background" and has_request_context():
        try:
            delivery_job(list(email_ids))
        except Exception:  # the queue is down: the emails stay due for the worker's next round
            log.exception("Could not queue the delivery of emails %s", email_ids)
        return
    _deliver_in_own_session(app, list(email_ids))


@queue.job("deliver-email", retry_if_lost=True)
def delivery_job(email_ids):
    """Make the first attempt at newly queued emails."""
    deliver_emails(email_ids)


def _deliver_in_own_session(app, email_ids):
    with app.app_context():
        try:
            deliver_emails(email_ids)
        except Exception:  # the emails stay due; a request must never see this
            log.exception("Could not deliver emails %s", email_ids)
        finally:
            db.session.remove()


def deliver_due_emails(now=None, limit=100):
    """Attempt every email that is due as of `now`, oldest first, and return the
    DeliveryCounts. The worker (or `elp deliver-mail`) calls it every minute or so."""
    now = now or utcnow()
    due = db.session.scalars(
        select(OutboxEmail.id)
        .where(
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.failed_at.is_(None),
            OutboxEmail.next_attempt_at <= now,
        )
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    ).all()
    return _deliver(due, now)


def deliver_emails(email_ids, now=None):
    """Attempt these emails, those of them still due (a job made by `deliver_soon` calls
    it); return the DeliveryCounts."""
    return _deliver(list(email_ids), now or utcnow())


def deliver_outbox(limit=100):
    """Attempt every email due now; return how many were sent."""
    return deliver_due_emails(limit=limit).sent


def _deliver(email_ids, now):
    """Claim, send and record each email, one transaction each, so two processes
    delivering at once (two app workers, the worker and `elp deliver-mail`) never send one
    twice, and a crash loses at most the claim (it runs out and the email is due again)."""
    counts = DeliveryCounts()
    for email_id in email_ids:
        if not _claim(email_id, now):
            continue  # sent, failed, not due yet, or another process has it
        email = db.session.get(OutboxEmail, email_id)
        try:
            mailer.send(email)
        except mailer.Refused as error:
            counts += _record_failure(email, now, str(error), permanent=True)
        except Exception as error:  # noqa: BLE001 — any other failure: try again later
            counts += _record_failure(email, now, _describe(error), permanent=False)
        else:
            email.sent_at = now
            email.last_error = None
            counts += DeliveryCounts(sent=1)
        email.claimed_until = None
        db.session.commit()
    return counts


def _describe(error):
    return str(error) or type(error).__name__


def _record_failure(email, now, error, permanent):
    email.last_error = error[:500]
    doublings = min(max(email.attempts - 1, 0), 20)  # 2**20 minutes is far past an hour
    wait = min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)
    if permanent or now + wait > email.retry_until:
        email.failed_at = now
        log.error("Email %s to %s failed: %s", email.id, email.to, error)
        return DeliveryCounts(failed=1)
    email.next_attempt_at = now + wait
    log.warning(
        "Could not send email %s to %s (attempt %s, next in %s): %s",
        email.id, email.to, email.attempts, wait, error,
    )
    return DeliveryCounts(retrying=1)


def _claim(email_id, now):
    """Claim one due email for this process; False if it is not due or another process
    holds it."""
    claimed = db.session.execute(
        db.update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.failed_at.is_(None),
            OutboxEmail.next_attempt_at <= now,
            db.or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM_TIME, attempts=OutboxEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


# --- Emails not sent (the admins' page) ----------------------------------------------------


def count_failed_emails():
    """How many emails failed for good and wait for an admin (the admin home shows it)."""
    return db.session.scalar(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.failed_at.is_not(None))
    )


def failed_emails(page=1):
    """One page of the failed emails, the latest failure first."""
    return db.paginate(
        select(OutboxEmail)
        .where(OutboxEmail.failed_at.is_not(None))
        .order_by(OutboxEmail.failed_at.desc(), OutboxEmail.id.desc()),
        page=page,
        per_page=FAILED_PER_PAGE,
        error_out=False,
    )


def send_again(email_id, admin):
    """An admin's "Send again" on a failed email: due at once, with another 48 hours of
    attempts, and the same Message-ID. Refused if it is no longer failed (another admin
    sent it again first); an email that is not in the outbox is a 404."""
    email = db.session.get(OutboxEmail, email_id)
    if email is None:
        raise NotFound()
    now = utcnow()
    # Compare-and-set: of two admins pressing "Send again" at once, one queues it.
    queued = db.session.execute(
        db.update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.failed_at.is_not(None))
        .values(
            failed_at=None,
            next_attempt_at=now,
            retry_until=now + RETRY_FOR,
            attempts=0,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    if queued.rowcount != 1:
        raise ActionRefused(f"The email to {email.to} is no longer waiting to be sent again")
    audit.record(
        "email.sent_again", email, actor=admin, to=email.to, email_subject=email.subject,
        last_error=email.last_error,
    )
    db.session.info.setdefault(_QUEUED, []).append(email)
    return email
