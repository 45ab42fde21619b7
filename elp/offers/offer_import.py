"""Load offers from the Offers CSV: the expertise directory ELP keeps in a spreadsheet.

The format is PRODUCT.md section 5. Every row is checked before anything is written; a
file with a bad row loads nothing unless `skip_invalid` is set, and then only the good rows.
An offer is identified by its school's URN and its title, in any letter case, so loading
the same file twice changes nothing and a changed row updates its offer.
"""

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from elp.accounts.services import schools_by_urn
from elp.extensions import db
from elp.money import MoneyError
from elp.offers import services
from elp.offers.models import (
    ARCHIVED,
    DELIVERY_MODES,
    DESIGNATIONS,
    DRAFT,
    PUBLISHED,
    UNITS,
    Offer,
    title_key,
)

HEADER = (
    "urn", "title", "summary", "description", "category", "specialisms", "phases", "districts",
    "delivery_mode", "expert_name", "expert_role", "designation", "dbs_confirmed", "unit",
    "price", "capacity", "status",
)  # fmt: skip
LIST_SEPARATOR = ";"
ALL_DISTRICTS = "all"
IMPORT_STATUSES = (DRAFT, PUBLISHED)


class ImportRefused(Exception):
    """The whole file cannot be read (wrong encoding, wrong header, empty)."""


@dataclass
class CsvRow:
    line: int  # where the row starts in the file, counting the header as line 1
    cells: list[str]


@dataclass
class RowProblem:
    line: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    loaded: bool = False  # False when a bad row stopped the whole file

    @property
    def skipped(self):
        return len(self.problems) if self.loaded else 0


@dataclass
class _PlannedOffer:
    line: int
    school: object  # the row's school, found by its URN through accounts' services
    details: services.OfferDetails
    status: str
    offer: Offer | None  # the offer this row updates, if it exists already


def read_offer_rows(data):
    """Decode the file and check its header; return its rows with their line numbers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            "The file is not UTF-8 text. Save it from your spreadsheet as ‘CSV UTF-8’ and try again."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _rows_after_header(reader)
    except csv.Error as error:  # a cell over the csv module's limit of 128 KB, say
        raise ImportRefused(
            f"The file could not be read as CSV at line {reader.line_num}: {error}."
        ) from error


def _rows_after_header(reader):
    header = next(reader, None)
    if header is None:
        raise ImportRefused("The file is empty. The first line must be the header.")
    found = [name.strip() for name in header]
    if found != list(HEADER):
        raise ImportRefused(_header_problem(found))
    rows = []
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append(CsvRow(line, cells))
        line = reader.line_num + 1
    return rows


def _header_problem(found):
    missing = [name for name in HEADER if name not in found]
    unexpected = [name for name in found if name not in HEADER]
    detail = []
    if missing:
        detail.append("missing " + ", ".join(missing))
    if unexpected:
        detail.append("unexpected " + ", ".join(unexpected))
    if not detail:
        detail.append("the columns are in a different order")
    return f"The first line must be the header {','.join(HEADER)} ({'; '.join(detail)})."


def import_offers(rows, skip_invalid=False, actor=None, progress=None):
    """Check every row, then load the good ones in the session (the caller's unit of work
    commits them as one transaction); return the report.

    `progress(n)` is called as rows are checked (the command line shows a progress bar).
    """
    report = ImportReport(rows=len(rows))
    plans = _check_rows(rows, report, progress or (lambda n: None))
    if report.problems and not skip_invalid:
        return report
    for plan in plans:
        _load(plan, actor, report)
    report.loaded = True
    return report


def _check_rows(rows, report, progress):
    categories = {category.name: category.id for category in services.categories()}
    urns = {row.cells[0].strip() for row in rows if row.cells}
    schools = schools_by_urn(urns)
    # Titles match in any case, as the school's titles are unique (Offer.title_key).
    existing = {
        (offer.school_id, offer.title_key): offer
        for offer in db.session.scalars(
            select(Offer).where(Offer.school_id.in_([school.id for school in schools.values()]))
        )
    }
    seen = {}
    plans = []
    for row in rows:
        plan, reasons = _check_row(row, schools, categories, existing)
        if plan is not None:
            key = (plan.school.id, title_key(plan.details.title))
            if key in seen:
                reasons.append(f"repeats the offer on line {seen[key]} (same URN and title)")
            seen.setdefault(key, row.line)
        if reasons:
            report.problems.append(RowProblem(row.line, "; ".join(reasons)))
        else:
            plans.append(plan)
        progress(1)
    return plans


def _check_row(row, schools, categories, existing):
    """Return (plan, []) for a good row, or (plan or None, reasons) for a bad one."""
    if len(row.cells) != len(HEADER):
        return None, [f"has {len(row.cells)} values; every row needs {len(HEADER)}"]
    values = {name: cell.strip() for name, cell in zip(HEADER, row.cells)}
    problems = {}  # column: reason, so each column is reported once

    def token(column, allowed):
        if values[column] not in allowed:
            problems[column] = f"{column} ‘{values[column]}’ is not one of {', '.join(allowed)}"
        return values[column]

    school = schools.get(values["urn"])
    if school is None:
        problems["urn"] = f"no school has the URN ‘{values['urn']}’"
    category_id = categories.get(values["category"])
    if category_id is None:
        problems["category"] = f"there is no category called ‘{values['category']}’"
    serves_all = values["districts"].lower() == ALL_DISTRICTS
    # An empty designation is none: many experts have no formal designation.
    designation = next((d for d in DESIGNATIONS if d.lower() == values["designation"].lower()), "")
    if values["designation"] and not designation:
        problems["designation"] = (
            f"designation ‘{values['designation']}’ is not one of {', '.join(DESIGNATIONS)}, "
            "or empty for none"
        )
    dbs = values["dbs_confirmed"].lower()
    if dbs not in ("yes", "no"):
        problems["dbs_confirmed"] = f"dbs_confirmed ‘{values['dbs_confirmed']}’ must be yes or no"
    status = values["status"].lower() or PUBLISHED
    if status not in IMPORT_STATUSES:
        problems["status"] = f"status ‘{values['status']}’ must be draft or published"
    details = services.OfferDetails(
        title=values["title"],
        summary=values["summary"],
        description=values["description"],
        category_id=category_id,
        specialisms=_split(values["specialisms"]),
        phases=_split(values["phases"]),
        serves_all_districts=serves_all,
        districts=[] if serves_all else _split(values["districts"]),
        delivery_mode=token("delivery_mode", tuple(DELIVERY_MODES)),
        expert_name=values["expert_name"],
        expert_role=values["expert_role"],
        designation=designation,
        dbs_confirmed=dbs == "yes",
        unit=token("unit", tuple(UNITS)),
        price_pence=_price(values["price"], problems),
        capacity=_capacity(values["capacity"], problems),
    ).tidied()
    # The checks name problems by form field, which are the CSV's column names too.
    for column, message in services.check_offer_details(details).items():
        text = message[0].lower() + message[1:]
        if not text.startswith(column.replace("_", " ")):
            text = f"{column}: {text}"
        problems.setdefault(column, text)
    reasons = list(problems.values())
    if school is None:
        return None, reasons
    offer = existing.get((school.id, title_key(details.title)))
    if offer is not None:
        if details.dbs_confirmed and offer.dbs_confirmed:
            details.dbs_confirmed_on = offer.dbs_confirmed_on  # the CSV has no date to change
        if offer.status == ARCHIVED and services.changed_fields(offer, details):
            reasons.append("the offer with this title is archived, so it cannot be changed")
    return _PlannedOffer(row.line, school, details, status, offer), reasons


def _split(text):
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def _price(text, problems):
    try:
        return services.parse_price(text)  # None when blank: price on request
    except MoneyError:
        problems["price"] = f"price ‘{text}’ is not an amount in pounds, like 350 or 350.00"
        return None


def _capacity(text, problems):
    try:
        return services.parse_capacity(text)
    except ValueError:
        problems["capacity"] = f"capacity ‘{text}’ is not a whole number of units"
        return None


def _load(plan, actor, report):
    """Create or update one offer (no commit).

    A status the school has chosen since (paused, archived) is kept: the import only
    publishes a draft whose row says published.
    """
    offer = plan.offer
    publish = plan.status == PUBLISHED and (offer is None or offer.status == DRAFT)
    if offer is None:
        offer = services.create_offer(plan.school, plan.details, actor, source="import")
        report.created += 1
    elif publish or services.changed_fields(offer, plan.details):
        services.update_offer(offer, plan.details, actor, source="import")
        report.updated += 1
    else:
        report.unchanged += 1
    if publish:
        services.change_status(offer, "publish", actor, source="import")
