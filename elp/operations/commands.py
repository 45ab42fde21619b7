"""The operations commands: checking a deployment's configuration, backups and restores."""

import sys

import click


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
