"""Command-line tools for service charges."""

import click
from flask.cli import with_appcontext

from elp.billing import stripe_events
from elp.billing import stripe_gateway as gateway


@click.command("sync-payments")
@with_appcontext
def sync_payments_command():
    """Apply the Stripe events the webhook missed (run it from cron)."""
    if not gateway.is_configured():
        click.echo("Stripe is not configured (ELP_STRIPE_SECRET_KEY): nothing to sync.")
        return
    applied = stripe_events.sync_payments()
    click.echo(f"Payments up to date ({applied} Stripe events applied).")


commands = [sync_payments_command]
