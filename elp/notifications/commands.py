"""Command-line tools for outgoing email."""

import click

from elp.notifications.services import deliver_due_emails


def _emails(number):
    return f"{number} email{'' if number == 1 else 's'}"


@click.command("deliver-mail")
def deliver_mail():
    """Attempt the queued emails that are due (run it from cron every minute)."""
    counts = deliver_due_emails()
    click.echo(
        f"Sent {_emails(counts.sent)}; {_emails(counts.retrying)} to try again later; "
        f"{_emails(counts.failed)} not sent."
    )


commands = [deliver_mail]
