"""Command-line tools for the JSON API."""

import click

from elp.api import services
from elp.errors import ActionRefused
from elp.unit_of_work import unit_of_work


@click.command("issue-api-token")
@click.option("--name", required=True, help='Who or what will use the token, e.g. "ECC dashboard".')
@click.option("--description", default=None, help="Optional: what the token is for.")
def issue_api_token(name, description):
    """Issue a bearer token for the search API and print it once, on the last line."""
    try:
        with unit_of_work():
            token, secret = services.issue_token(name, description, via="command line")
    except ActionRefused as error:
        raise click.UsageError(error.message) from error
    click.echo(f"Issued API token {token.id} “{token.name}”. It is shown only this once:")
    click.echo("keep it secret, and revoke it on the admin page if it leaks.")
    click.echo(secret)


commands = [issue_api_token]
