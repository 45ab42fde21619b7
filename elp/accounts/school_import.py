"""Import schools from the DfE "Get Information About Schools" (GIAS) establishments CSV.

The file is the all-establishments extract exactly as GIAS gives it: windows-1252, one row
per establishment in England, about 130 columns of which we read those in REQUIRED_COLUMNS.

Which rows become schools:

- only the chosen local authority (`LA (code)`, Essex 881 by default);
- only establishments that are open or about to open: "Open", "Proposed to open" and
  "Open, but proposed to close". A school that is proposed to close is still open and may
  well share expertise until it closes, so it is kept. "Closed" rows are skipped; a school
  already in ELP that GIAS now lists as closed is left as it is, because suspending a
  school and its users is an admin's decision, not an import's.

Each kept row is upserted on its URN. The file is read as a stream (the national extract
is tens of megabytes) and committed once at the end by the caller's unit of work: either
the whole file is imported or, if it is refused, nothing changes.
"""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from elp import audit
from elp.accounts.models import ESSEX_DISTRICTS, School
from elp.errors import ActionRefused
from elp.extensions import db
from elp.text import without_control_characters

ESSEX_LA_CODE = "881"
ENCODING = "windows-1252"

REQUIRED_COLUMNS = (
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "Street",
    "Town",
    "Postcode",
    "SchoolWebsite",
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "Easting",
    "Northing",
    "Trusts (name)",
)

KEPT_STATUSES = ("Open", "Open, but proposed to close", "Proposed to open")
CLOSED_STATUSES = ("Closed",)

# Why a row was skipped; the summary groups rows by these.
SKIPPED_OTHER_LA = "in another local authority"
SKIPPED_CLOSED = "closed"
SKIPPED_MALFORMED = "malformed"
SKIPPED_DUPLICATE = "URN repeated in the file"

EXAMPLES_KEPT = 10  # per reason: enough to show; the counts say how many in all
PROGRESS_EVERY_BYTES = 256 * 1024
# Bounds that keep memory flat whatever the file: a GIAS row is about 2 KB, and the largest
# local authority has well under a thousand establishments. A file past either is not a
# GIAS extract (a file without line breaks, or the same rows pasted over and over).
MAX_LINE_BYTES = 64 * 1024
MAX_SCHOOLS = 5_000

# School field ← GIAS column, for the plain text fields (length-checked against the model).
TEXT_FIELDS = {
    "name": "EstablishmentName",
    "la_code": "LA (code)",
    "la_name": "LA (name)",
    "phase": "PhaseOfEducation (name)",
    "establishment_type": "TypeOfEstablishment (name)",
    "establishment_status": "EstablishmentStatus (name)",
    "street": "Street",
    "town": "Town",
    "postcode": "Postcode",
    "website": "SchoolWebsite",
    "trust": "Trusts (name)",
    "district_code": "DistrictAdministrative (code)",
    "district": "DistrictAdministrative (name)",
}


class SchoolFileRefused(ActionRefused):
    """The file as a whole cannot be imported; nothing was changed."""


@dataclass
class SkippedRow:
    line: int
    urn: str
    name: str
    reason: str
    detail: str

    def __str__(self):
        school = " ".join(part for part in (self.urn, self.name) if part)
        return f"line {self.line}" + (f" ({school})" if school else "") + f": {self.detail}"


@dataclass
class SchoolImport:
    """What one import of a GIAS file did."""

    la_code: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)  # reason → the first few SkippedRow

    @property
    def skipped_total(self):
        return sum(self.skipped.values())

    def skip(self, line, row, reason, detail):
        self.skipped[reason] += 1
        examples = self.examples.setdefault(reason, [])
        if len(examples) < EXAMPLES_KEPT:
            urn, name = row.get("URN", ""), row.get("EstablishmentName", "")
            examples.append(SkippedRow(line, urn, name, reason, detail))

    def skipped_groups(self):
        """(reason, count, first examples), malformed rows first since they need fixing."""
        order = [SKIPPED_MALFORMED, SKIPPED_DUPLICATE, SKIPPED_CLOSED, SKIPPED_OTHER_LA]
        return [
            (reason, self.skipped[reason], self.examples.get(reason, []))
            for reason in order
            if self.skipped[reason]
        ]

    def counts(self):
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(self.skipped),
        }


def import_schools(binary_file, la_code=ESSEX_LA_CODE, actor=None, on_progress=None,
                   file_name=None):
    """Upsert the schools of one local authority from a GIAS CSV opened in binary mode.

    `on_progress(n)` is called now and then with the number of bytes read since the last
    call, so a caller can move a progress bar. Raise SchoolFileRefused, having changed
    nothing, if the file is empty, in the wrong encoding or missing GIAS columns.
    """
    la_code = str(la_code).strip()
    if not re.fullmatch(r"[0-9]{3}", la_code):
        raise SchoolFileRefused(
            f'The local authority code must be 3 digits, like 881, not "{la_code}".'
        )
    result = SchoolImport(la_code=la_code)
    lines = _decoded_lines(binary_file, on_progress)
    reader = csv.reader(lines, strict=True)  # a stray quote would swallow the rows after it
    try:
        columns = _check_header(next(reader, None))
        _import_rows(reader, columns, la_code, result)
    except SchoolFileRefused:
        db.session.rollback()
        raise
    except csv.Error as error:
        db.session.rollback()
        raise SchoolFileRefused(
            f"The file could not be read as CSV at line {reader.line_num}: {error}."
        ) from error
    audit.record(
        "schools.imported", result, actor=actor, file_name=file_name, la_code=la_code,
        **result.counts(),
    )
    db.session.flush()
    return result


def check_file_start(binary_file):
    """Refuse at once, before a long import, a file whose first line shows it is not a GIAS
    extract (wrong encoding, a spreadsheet, the wrong columns); then rewind it."""
    first_line = next(_decoded_lines(binary_file, None), None)
    _check_header(next(csv.reader([first_line]), None) if first_line else None)
    binary_file.seek(0)


def _lines(binary_file):
    """The file's lines, none read past MAX_LINE_BYTES, so no line can fill the memory."""
    while raw := binary_file.readline(MAX_LINE_BYTES + 1):
        yield raw


def _decoded_lines(binary_file, on_progress):
    """Yield the file's lines decoded from windows-1252, refusing other encodings."""
    unreported = 0
    for number, raw in enumerate(_lines(binary_file), start=1):
        if len(raw) > MAX_LINE_BYTES:
            raise SchoolFileRefused(
                f"Line {number} is longer than {MAX_LINE_BYTES // 1024} KB, so this is not a "
                "GIAS CSV. Use the CSV exactly as downloaded from GIAS."
            )
        if number == 1:
            _check_start(raw)
        if b"\x00" in raw:
            raise SchoolFileRefused(
                f"Line {number} contains NUL bytes, so this is not a plain CSV file "
                "(it may be UTF-16). Use the CSV exactly as downloaded from GIAS."
            )
        yield _decode(raw, number)
        unreported += len(raw)
        if on_progress and unreported >= PROGRESS_EVERY_BYTES:
            on_progress(unreported)
            unreported = 0
    if on_progress and unreported:
        on_progress(unreported)


def _check_start(first_line):
    if first_line.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SchoolFileRefused(
            "The file is UTF-16, but a GIAS extract is windows-1252. "
            "Use the CSV exactly as downloaded from GIAS, without re-saving it."
        )
    if first_line.startswith(b"\xef\xbb\xbf"):
        raise SchoolFileRefused(
            "The file is UTF-8 (it starts with a byte order mark), but a GIAS extract is "
            "windows-1252. Use the CSV exactly as downloaded from GIAS, without re-saving "
            "it in a spreadsheet."
        )
    if first_line.startswith(b"PK\x03\x04"):
        raise SchoolFileRefused(
            "The file is a spreadsheet or zip archive, not a CSV. Unzip the GIAS download "
            "and choose the edubasealldata CSV inside it."
        )


def _decode(raw, number):
    if raw.isascii():
        return raw.decode("ascii")
    # Text in windows-1252 with accents is almost never valid UTF-8, so a line that is
    # valid UTF-8 means the file was re-saved as UTF-8 and would import garbled names.
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        raise SchoolFileRefused(
            f"Line {number} is UTF-8, but a GIAS extract is windows-1252. Use the CSV "
            "exactly as downloaded from GIAS, without re-saving it in a spreadsheet."
        )
    try:
        return raw.decode(ENCODING)
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        raise SchoolFileRefused(
            f"Line {number} has a byte (0x{byte:02X}) that is not windows-1252 text, so this "
            "is not a GIAS CSV. Use the CSV exactly as downloaded from GIAS."
        ) from error


def _check_header(header):
    """Return the header's column names, refusing a file that is not a GIAS extract."""
    if header is None or not any(cell.strip() for cell in header):
        raise SchoolFileRefused("The file is empty.")
    columns = [cell.strip() for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if len(missing) == len(REQUIRED_COLUMNS):
        raise SchoolFileRefused(
            "This is not a GIAS establishments CSV: its first row has none of the GIAS "
            "columns (URN, EstablishmentName, LA (code) and so on)."
        )
    if missing:
        raise SchoolFileRefused(
            "The file is missing these GIAS columns: " + ", ".join(missing) + "."
        )
    return columns


def _import_rows(reader, columns, la_code, result):
    # Where each column we read sits: the other hundred-odd are never looked at.
    positions = {column: columns.index(column) for column in REQUIRED_COLUMNS}
    existing = {school.urn: school for school in db.session.scalars(select(School))}
    seen = {}  # URN → line, to catch a URN repeated in the file
    rows = 0
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # a blank line, usually the last one
        rows += 1
        if len(values) != len(columns):
            detail = f"the row has {len(values)} fields but the header has {len(columns)}"
            row = dict(zip(columns, values, strict=False))
            result.skip(reader.line_num, row, SKIPPED_MALFORMED, detail)
            continue
        row = {column: values[index].strip() for column, index in positions.items()}
        _import_row(row, reader.line_num, la_code, existing, seen, result)
    if not rows:
        raise SchoolFileRefused("The file has a header row but no schools in it.")


def _import_row(row, line, la_code, existing, seen, result):
    urn = row["URN"]
    if row["LA (code)"] != la_code:
        detail = f"in {row['LA (name)'] or 'LA'} ({row['LA (code)'] or 'no LA code'})"
        result.skip(line, row, SKIPPED_OTHER_LA, detail)
        return
    if row["EstablishmentStatus (name)"] in CLOSED_STATUSES:
        result.skip(line, row, SKIPPED_CLOSED, "closed")
        return
    try:
        fields = _school_fields(row)
    except ValueError as problem:
        result.skip(line, row, SKIPPED_MALFORMED, str(problem))
        return
    if urn in seen:
        result.skip(line, row, SKIPPED_DUPLICATE, f"URN {urn} is also on line {seen[urn]}")
        return
    seen[urn] = line
    if len(seen) > MAX_SCHOOLS:
        raise SchoolFileRefused(
            f"The file has more than {MAX_SCHOOLS:,} schools in local authority {la_code}, "
            "more than any local authority has, so it is not a GIAS extract."
        )
    school = existing.get(urn)
    if school is None:
        db.session.add(School(**fields))
        result.created += 1
        return
    changed = False
    for name, value in fields.items():
        if getattr(school, name) != value:
            setattr(school, name, value)
            changed = True
    if changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _school_fields(row):
    """Return the School fields a kept row describes; raise ValueError saying what is wrong."""
    urn = row["URN"]
    if not re.fullmatch(r"[0-9]{6}", urn):
        raise ValueError(f'URN "{urn}" is not 6 digits')
    status = row["EstablishmentStatus (name)"]
    if status not in KEPT_STATUSES:
        raise ValueError(f'EstablishmentStatus (name) "{status}" is not a GIAS status')
    if not row["EstablishmentName"]:
        raise ValueError("EstablishmentName is empty")
    fields = {"urn": urn}
    for name, column in TEXT_FIELDS.items():
        value = without_control_characters(row[column]) or None
        limit = School.__table__.c[name].type.length
        if value and len(value) > limit:
            raise ValueError(f"{column} is longer than {limit} characters")
        fields[name] = value
    fields["district"] = _district(fields)
    fields["easting"] = _metres(row, "Easting")
    fields["northing"] = _metres(row, "Northing")
    return fields


def _district(fields):
    """The district's name: in Essex by its ONS code, so names match the rest of the service
    exactly and a district the service does not know is refused; elsewhere as GIAS names it."""
    code, name = fields["district_code"], fields["district"]
    if fields["la_code"] != ESSEX_LA_CODE or not (code or name):
        return name
    if code not in ESSEX_DISTRICTS:
        raise ValueError(f'DistrictAdministrative "{name or ""}" ({code or "no code"}) '
                         "is not an Essex district")
    return ESSEX_DISTRICTS[code]


def _metres(row, column):
    value = row[column]
    if not value:
        return None  # GIAS leaves the grid reference empty for a few schools
    if not re.fullmatch(r"[0-9]{1,7}", value):
        raise ValueError(f'{column} "{value}" is not a whole number of metres')
    return int(value)
