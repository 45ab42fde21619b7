"""Command-line tools for outgoing email."""

import click

from elp.notifications.services import deliver_outbox


@click.command("deliver-mail")
def deliver_mail():
    """Send any queued emails that have not gone yet (run it from cron every few minutes)."""
    sent = deliver_outbox()
    click.echo(f"Sent {sent} queued email{'s' if sent != 1 else ''}.")


commands = [deliver_mail]
