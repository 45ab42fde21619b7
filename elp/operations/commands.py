"""The operations commands: checking a deployment's configuration, backups and restores."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("check-deploy")
def check_deploy_command():
    """Check the configuration in the environment is fit for production; exit 1 naming each
    problem if not."""
    from elp.operations.deploy_check import all_problems

    problems = all_problems()
    if problems:
        click.echo("This configuration is not fit for production:", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo("The configuration is fit for production.")


# Commands that must work before (or without) an app that starts: `elp` adds them to its
# group itself rather than to the app.
group_commands = [check_deploy_command]


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(directory):
    """Write a consistent copy of the SQLite database, with a manifest, while the site runs."""
    from elp.operations import backup

    try:
        manifest = backup.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], directory)
    except backup.BackupRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    rows = sum(manifest["tables"].values())
    click.echo(
        f"Backed up {rows} rows in {len(manifest['tables'])} tables "
        f"({manifest['bytes']} bytes) to {directory}."
    )


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True,
              help="Restore even though another process has the database open.")  # fmt: skip
@with_appcontext
def restore_command(directory, force):
    """Put a backup made by `elp backup` back as the SQLite database, and rebuild the index."""
    from elp.extensions import db
    from elp.operations import backup
    from elp.search import sync

    db.engine.dispose()  # this command's own connections are not "another process"
    try:
        manifest = backup.restore(
            current_app.config["SQLALCHEMY_DATABASE_URI"], directory, force=force
        )
    except backup.BackupRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"Restored the backup taken at {manifest['started_at']}.")
    # The index is derived from the database: rebuilt from the restored rows.
    sync.reindex(current_app._get_current_object())
    click.echo("Rebuilt this node's search index; run elp reindex on every other node.")


commands = [backup_command, restore_command]
