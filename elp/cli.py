"""The `elp` command: Flask's command group with the service's own commands."""

from flask.cli import FlaskGroup


def main():
    from elp import create_app
    from elp.operations.commands import group_commands

    group = FlaskGroup(create_app=create_app, help="ELP Exchange: run the site and manage its data.")
    for command in group_commands:
        # On the group, not the app: `elp check-deploy` must run, and name every problem,
        # when the app itself would refuse to start.
        group.add_command(command)
    group()


def register_commands(app):
    """Register each feature's commands on the app, so `elp <command>` finds them."""
    from elp.accounts.commands import commands as accounts_commands
    from elp.api.commands import commands as api_commands
    from elp.billing.commands import commands as billing_commands
    from elp.demo import demo_command
    from elp.notifications.commands import commands as notifications_commands
    from elp.offers.commands import commands as offers_commands
    from elp.operations.commands import commands as operations_commands
    from elp.search.commands import commands as search_commands
    from elp.timers import commands as timer_commands

    for command in [*accounts_commands, *api_commands, *billing_commands, *notifications_commands,
                    *offers_commands, *operations_commands,
                    *search_commands, *timer_commands]:
        app.cli.add_command(command)
    app.cli.add_command(demo_command)
