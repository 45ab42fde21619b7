"""The mail gateway: where emails leave the service. Chosen by MAIL_BACKEND.

Every email is plain text with an HTML alternative made from the same text, and carries
the headers receiving servers judge it by: `Date` and `Message-ID` fixed when it was
queued (a resend is the same message), `Auto-Submitted: auto-generated` (no out-of-office
replies), and `List-Unsubscribe` for the kinds a user can turn off.
"""

import html
import logging
import re
import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app

from elp.notifications import attachments

log = logging.getLogger(__name__)

# Emails "sent" by the memory backend, for tests to read.
sent_messages = []

_LINK = re.compile(r"https?://[^\s<>\"]+")


class Refused(Exception):
    """The mail server refused this email for good (an SMTP 5xx for its recipient or its
    content): trying again would not help, so the email fails at once."""


def message_for(email):
    """The email as it leaves the service."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = email.message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    if email.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
    message.set_content(email.body)
    message.add_alternative(html_alternative(email.body, email.subject), subtype="html")
    if email.attachment:
        document = attachments.make(email.attachment)
        maintype, _, subtype = document.content_type.partition("/")
        message.add_attachment(
            document.data, maintype=maintype, subtype=subtype, filename=document.filename
        )
    return message


def html_alternative(text, title):
    """The HTML part: the plain text's paragraphs and lines, escaped, with its links made
    links, so both parts say the same thing."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", text) if part.strip()]
    body = "\n".join(f"<p>{_lines(paragraph)}</p>" for paragraph in paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n"
        '<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; '
        'color: #0b0c0c;">\n'
        f"{body}\n</body>\n</html>\n"
    )


def _lines(paragraph):
    return "<br>\n".join(_linked(line) for line in paragraph.split("\n"))


def _linked(line):
    out, end = [], 0
    for match in _LINK.finditer(line):
        url = match.group(0).rstrip(".,;:)")
        out.append(html.escape(line[end : match.start()]))
        out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        end = match.start() + len(url)
    out.append(html.escape(line[end:]))
    return "".join(out)


class KeptMessage(EmailMessage):
    """An email the memory backend kept, read back from the bytes that would have gone.

    `get_content()` gives its plain-text part, as it gave the whole body before emails had
    an HTML alternative; `get_body(("html",))` and the rest read the real structure."""

    def get_content(self, *args, **kwargs):
        if self.get_content_maintype() == "multipart":
            return self.get_body(("plain",)).get_content(*args, **kwargs)
        return super().get_content(*args, **kwargs)


def _send_memory(email):
    sent_messages.append(
        message_from_bytes(bytes(message_for(email)), _class=KeptMessage, policy=policy.default)
    )


def _send_file(email):
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(exist_ok=True)
    path = folder / f"{email.id:06d}.eml"
    path.write_bytes(bytes(message_for(email)))
    log.info("Email to %s, %r, written to %s", email.to, email.subject, path)


def _send_smtp(email):
    config = current_app.config
    message = message_for(email)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        answers = list(error.recipients.values())
        described = "; ".join(f"{code} {_text(reply)}" for code, reply in answers)
        if answers and all(code >= 500 for code, _ in answers):
            raise Refused(f"The mail server refused the address: {described}") from None
        raise ConnectionError(f"The mail server did not take the address: {described}") from None
    except smtplib.SMTPDataError as error:
        described = f"{error.smtp_code} {_text(error.smtp_error)}"
        if error.smtp_code >= 500:
            raise Refused(f"The mail server refused the email: {described}") from None
        raise


def _text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


BACKENDS = {"memory": _send_memory, "file": _send_file, "smtp": _send_smtp}


def send(email):
    """Send one outbox email through the configured backend; `Refused` if the mail server
    refused it for good, any other exception for a failure worth trying again."""
    BACKENDS[current_app.config["MAIL_BACKEND"]](email)
