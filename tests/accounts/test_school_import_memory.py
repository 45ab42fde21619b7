"""A GIAS upload of 200,000 rows, generated for the test, is imported in bounded memory: the
file is streamed to a temporary copy and read a line at a time, so the Python memory the
whole request allocates at its peak (measured with tracemalloc) stays under a fixed bound
far below the file's size."""

import csv
import tracemalloc

from sqlalchemy import func, select

from elp.accounts.models import School, SchoolImportRun
from elp.accounts.school_import import REQUIRED_COLUMNS, SKIPPED_OTHER_LA
from elp.extensions import db as _db
from tests.accounts.test_school_import import GOOD_ROW
from tests.factories import make_admin

ROWS = 200_000
ESSEX_EVERY = 400  # one row in 400 is an open Essex school: 500, about Essex's number
MEMORY_BOUND = 16 * 1024 * 1024  # bytes: a fixed bound, about half the file's size


def write_gias_file(path):
    """A GIAS-shaped file: every row in another local authority but one in ESSEX_EVERY.
    Written a row at a time, so the test itself holds no more of it than the import may."""
    with path.open("w", encoding="windows-1252", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(REQUIRED_COLUMNS)
        for number in range(ROWS):
            essex = number % ESSEX_EVERY == 0
            row = GOOD_ROW | {
                "URN": f"{300000 + number}",
                "EstablishmentName": f"Generated School {number}",
                "LA (code)": "881" if essex else "919",
                "LA (name)": "Essex" if essex else "Hertfordshire",
            }
            writer.writerow([row[column] for column in REQUIRED_COLUMNS])
    return ROWS // ESSEX_EVERY


def test_a_200000_row_upload_stays_under_a_fixed_memory_bound(client, db, login_as, tmp_path):
    login_as(make_admin())
    path = tmp_path / "edubasealldata.csv"
    essex_schools = write_gias_file(path)
    size = path.stat().st_size

    tracemalloc.start()
    try:
        with path.open("rb") as upload:
            response = client.post(
                "/admin/schools/import",
                data={"gias_file": (upload, "edubasealldata.csv"), "la_code": "881"},
                content_type="multipart/form-data",
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 302
    run = _db.session.scalars(select(SchoolImportRun)).one()
    assert run.refusal is None and run.failure is None
    assert run.summary["created"] == essex_schools
    assert run.summary["skipped"] == ROWS - essex_schools
    assert run.summary["skipped_groups"][0]["reason"] == SKIPPED_OTHER_LA
    assert _db.session.scalar(select(func.count()).select_from(School)) == essex_schools
    assert size > MEMORY_BOUND  # so the bound could not hold if the file were read whole
    assert peak < MEMORY_BOUND, f"peak {peak:,} bytes for a {size:,}-byte file"
