"""Command-line tools for offers."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from elp.offers import offer_import
from elp.unit_of_work import unit_of_work


@click.command("import-offers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Load the good rows even if some are bad.")
@with_appcontext
def import_offers_command(path, skip_invalid):
    """Import offers from an Offers CSV file (PRODUCT.md section 5)."""
    try:
        rows = offer_import.read_offer_rows(path.read_bytes())
    except offer_import.ImportRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    with click.progressbar(length=len(rows), label="Checking rows") as bar, unit_of_work():
        report = offer_import.import_offers(rows, skip_invalid=skip_invalid, progress=bar.update)
    for problem in report.problems:
        click.echo(f"Line {problem.line}: {problem.reason}", err=True)
    if not report.loaded:
        raise click.ClickException(
            f"Nothing was imported: {len(report.problems)} of {report.rows} rows have problems. "
            "Fix them, or use --skip-invalid to import the other rows."
        )
    click.echo(
        f"Read {report.rows} rows: {report.created} offers created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.skipped} skipped."
    )


commands = [import_offers_command]
