"""Queue emails in the outbox and deliver them after the transaction commits."""

import logging

from flask import render_template

from elp.extensions import db
from elp.notifications import mailer
from elp.notifications.models import OutboxEmail
from elp.timeutil import utcnow

log = logging.getLogger(__name__)


def queue_email(to, subject, template, **context):
    """Add an email to the outbox; it is sent only if the caller's transaction commits.

    `template` names a plain-text template under templates/emails/.
    """
    body = render_template(f"emails/{template}.txt", subject=subject, **context)
    email = OutboxEmail(to=to, subject=subject, body=body)
    db.session.add(email)
    return email


def deliver_outbox(limit=100):
    """Send unsent emails, oldest first; a failure is kept for the next attempt."""
    pending = db.session.scalars(
        db.select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < 10)
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for email in pending:
        email.attempts += 1
        try:
            mailer.send(email)
        except Exception as error:  # any transport failure: keep the row for a retry
            email.last_error = str(error)[:500]
            log.warning("Could not send email %s to %s: %s", email.id, email.to, error)
        else:
            email.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent
