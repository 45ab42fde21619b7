"""Command-line tools for the search index."""

import click
from flask import current_app
from flask.cli import with_appcontext

from elp.offers.services import count_visible_offers
from elp.search import saved_searches, sync, synonym_table
from elp.unit_of_work import unit_of_work


@click.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index from the database, with the admins' synonym table, and swap it in."""
    total = count_visible_offers()
    with click.progressbar(length=total, label="Indexing offers") as bar:
        written = sync.reindex(
            current_app._get_current_object(),
            progress=bar.update,
            synonyms=synonym_table.stored_text(),
        )
    click.echo(f"Indexed {written} offers.")


@click.command("sync-index")
@click.option("--prune-days", default=7, show_default=True,
              help="Also delete index outbox entries older than this many days.")
@with_appcontext
def sync_index_command(prune_days):
    """Apply offer changes the search index has not seen yet."""
    written = sync.apply_pending(current_app._get_current_object())
    with unit_of_work():
        pruned = sync.prune_outbox(prune_days)
    click.echo(f"Search index up to date ({written} offers written, {pruned} old entries pruned).")


@click.command("send-alerts")
@with_appcontext
def send_alerts_command():
    """Email the owners of saved searches the new offers that match them (run it daily)."""
    with click.progressbar(length=saved_searches.count_due(), label="Checking saved searches") as bar:
        sent = saved_searches.send_alerts(progress=bar.update)
    click.echo(f"Sent {sent} saved-search {'email' if sent == 1 else 'emails'}.")


commands = [reindex_command, sync_index_command, send_alerts_command]
