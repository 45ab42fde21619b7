"""Demo offers: realistic expertise from the demo schools, loaded through the Offers CSV import.

demo_offers.csv is written the way Essex schools describe SLE support, outreach and
specialist teaching. Its schools are the demo schools of elp/demo.py (URNs 999001–999044),
so load them first. Loading goes through the same import as ELP's own spreadsheet, which
makes it idempotent: offers are matched by URN and title.
"""

from pathlib import Path

from elp.offers import offer_import

DEMO_OFFERS_CSV = Path(__file__).with_name("demo_offers.csv")


def load_demo_offers():
    """Load the demo offers that are not there yet; return the import report."""
    rows = offer_import.read_offer_rows(DEMO_OFFERS_CSV.read_bytes())
    report = offer_import.import_offers(rows)
    if not report.loaded:
        problems = "; ".join(
            f"line {problem.line}: {problem.reason}" for problem in report.problems
        )
        raise RuntimeError(f"The demo offers file has problems: {problems}")
    return report
