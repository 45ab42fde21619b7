"""Command-line tools for schools and users."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from elp.accounts import school_import, services
from elp.errors import ActionRefused
from elp.timeutil import format_datetime
from elp.unit_of_work import unit_of_work


@click.command("create-admin")
@click.option("--email", prompt="Email address", help="The admin's email address.")
@click.option("--name", "full_name", prompt="Full name", help="The admin's full name.")
@click.option(
    "--password",
    help="The password, for scripts. Without it you are asked for it twice, hidden.",
)
@with_appcontext
def create_admin_command(email, full_name, password):
    """Create an ELP admin account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            admin = services.create_admin(email, full_name, password)
    except ActionRefused as refused:
        raise click.ClickException(f"{refused.message}. No admin was created.") from None
    click.echo(f"Created ELP admin {admin.full_name} <{admin.email}>.")


@click.command("issue-code")
@click.argument("urn")
@with_appcontext
def issue_code_command(urn):
    """Issue an access code for the school with this URN and print it on the last line."""
    school = services.find_school_by_urn(urn)
    if school is None:
        raise click.ClickException(
            f"No school has URN {urn}. Import it with `elp import-schools` or add it on the "
            "admin pages first."
        )
    try:
        with unit_of_work():
            access_code, code = services.issue_access_code(school)
    except ActionRefused as refused:
        raise click.ClickException(refused.message) from None
    click.echo(
        f"Access code for {school.name} (URN {school.urn}), valid until "
        f"{format_datetime(access_code.expires_at)} UK time."
    )
    click.echo("It is shown only this once: give it to the school's lead securely.")
    click.echo(code)


@click.command("import-schools")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--la", "la_code", default=school_import.ESSEX_LA_CODE, show_default=True,
    help="Import only this local authority (the GIAS 'LA (code)').",
)
def import_schools_command(csv_file, la_code):
    """Import or update schools from a GIAS establishments CSV."""
    size = csv_file.stat().st_size
    with csv_file.open("rb") as binary_file, click.progressbar(
        length=size, label=f"Reading {csv_file.name}"
    ) as bar:
        try:
            with unit_of_work():
                result = school_import.import_schools(
                    binary_file, la_code=la_code, on_progress=bar.update, file_name=csv_file.name
                )
        except school_import.SchoolFileRefused as refused:
            raise click.ClickException(f"{refused.message} No schools were changed.") from None
    click.echo(_school_import_summary(result))


def _school_import_summary(result, examples_shown=5):
    lines = [
        f"Schools in local authority {result.la_code}:",
        f"  created:   {result.created}",
        f"  updated:   {result.updated}",
        f"  unchanged: {result.unchanged}",
        f"  skipped:   {result.skipped_total}",
    ]
    for reason, count, examples in result.skipped_groups():
        lines.append(f"    {reason}: {count}")
        lines.extend(f"      {example}" for example in examples[:examples_shown])
        if count > examples_shown:
            lines.append(f"      … and {count - examples_shown} more")
    return "\n".join(lines)


commands = [create_admin_command, issue_code_command, import_schools_command]
