"""The mail gateway: where emails leave the service. Chosen by MAIL_BACKEND."""

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from elp.notifications import attachments

log = logging.getLogger(__name__)

# Emails "sent" by the memory backend, for tests to read.
sent_messages = []


def _message(email):
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    if email.attachment:
        document = attachments.make(email.attachment)
        maintype, _, subtype = document.content_type.partition("/")
        message.add_attachment(
            document.data, maintype=maintype, subtype=subtype, filename=document.filename
        )
    return message


def _send_memory(email):
    sent_messages.append(_message(email))


def _send_file(email):
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(exist_ok=True)
    path = folder / f"{email.id:06d}.eml"
    path.write_bytes(bytes(_message(email)))
    log.info("Email to %s, %r, written to %s", email.to, email.subject, path)


def _send_smtp(email):
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(_message(email))


BACKENDS = {"memory": _send_memory, "file": _send_file, "smtp": _send_smtp}


def send(email):
    """Send one outbox email through the configured backend."""
    BACKENDS[current_app.config["MAIL_BACKEND"]](email)
