"""An ELP admin uploads a GIAS file in the browser: it is copied to a temporary file and
imported by the same importer as `elp import-schools`, by the worker, while a page
shows how far it has got and then what it did. A file whose first line shows it is not a GIAS
extract is refused on the form at once; a problem found further in is shown on the import's
page in the GOV.UK error pattern, with nothing changed."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elp.accounts import school_import_runs
from elp.accounts.models import School, SchoolImportRun
from elp.accounts.school_import import MAX_LINE_BYTES, MAX_SCHOOLS
from elp.extensions import db as _db
from elp.timeutil import utcnow
from tests.accounts.test_school_import import SAMPLE, gias_file, sample_bytes
from tests.factories import make_admin


@pytest.fixture
def admin(db, login_as):
    return login_as(make_admin())


def post(client, data, **options):
    return client.post(
        "/admin/schools/import",
        data={"gias_file": (io.BytesIO(data), "edubasealldata.csv"), "la_code": "881"},
        content_type="multipart/form-data",
        **options,
    )


def the_run():
    return _db.session.scalars(select(SchoolImportRun)).one()


def school_count():
    return _db.session.scalar(select(func.count()).select_from(School))


def waiting_files(app):
    return list((Path(app.instance_path) / "school-imports").glob("*"))


def test_an_upload_goes_to_its_import_page_which_shows_what_it_did(app, admin):
    response = post(admin, sample_bytes())

    run = the_run()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/schools/import/{run.id}"
    assert (run.file_name, run.la_code, run.bytes_total) == (
        "edubasealldata.csv", "881", SAMPLE.stat().st_size,
    )  # fmt: skip
    assert run.summary["created"] == 7 and run.summary["skipped"] == 5
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Schools imported for local authority 881" in page
    assert "What the import of edubasealldata.csv did" in page
    assert "Skipped, malformed: 2" in page
    assert school_count() == 7
    assert waiting_files(app) == []  # the temporary copy is removed once imported


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Name,Place\r\nA school,Harlow\r\n", "This is not a GIAS establishments CSV"),
        ("URN,EstablishmentName\r\n".encode("utf-16"), "The file is UTF-16"),
        (b"\xef\xbb\xbf" + sample_bytes(), "The file is UTF-8"),
        (b"", "The file is empty."),
    ],
)
def test_wrong_columns_or_encoding_are_refused_on_the_form_at_once(app, admin, data, message):
    response = post(admin, data)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page and "There is a problem" in page
    assert message in page and "No schools were changed." in page
    assert _db.session.scalar(select(func.count()).select_from(SchoolImportRun)) == 0
    assert waiting_files(app) == []


def refused_on_its_page(client, data):
    page = post(client, data, follow_redirects=True).get_data(as_text=True)
    assert the_run().refusal
    assert "<title>Error: " in page and "There is a problem" in page
    assert "Import a corrected file" in page and 'type="file"' in page
    assert school_count() == 0
    return page


def test_a_problem_found_further_in_is_shown_on_the_import_page(admin):
    data = sample_bytes() + "114000,881,Essex,Caf\u00e9\r\n".encode("utf-8")

    page = refused_on_its_page(admin, data)

    assert "Line 14 is UTF-8, but a GIAS extract is windows-1252" in page
    assert "No schools were changed." in page


def test_a_file_without_line_breaks_is_refused_without_reading_it_whole(admin):
    data = sample_bytes() + b"x" * (MAX_LINE_BYTES * 3)

    page = refused_on_its_page(admin, data)

    assert f"Line 14 is longer than {MAX_LINE_BYTES // 1024} KB, so this is not a GIAS CSV" in page


def test_a_file_with_more_schools_than_any_local_authority_is_refused(admin):
    rows = [{"URN": f"{200000 + n}"} for n in range(MAX_SCHOOLS + 1)]

    page = refused_on_its_page(admin, gias_file(*rows).getvalue())

    assert f"more than {MAX_SCHOOLS:,} schools in local authority 881" in page


def a_run(**fields):
    run = SchoolImportRun(file_name="big.csv", la_code="881", bytes_total=40_000_000, **fields)
    _db.session.add(run)
    _db.session.commit()
    return run


def test_the_page_shows_how_far_a_running_import_has_got(admin):
    run = a_run(started_at=utcnow(), heartbeat_at=utcnow(), bytes_done=10_000_000)

    page = admin.get(f"/admin/schools/import/{run.id}").get_data(as_text=True)

    assert "Importing" in page
    assert "big.csv: 10,000,000 of 40,000,000 bytes read (25%)" in page
    assert '<progress aria-label="School import" max="100" value="25">' in page
    assert f'href="/admin/schools/import/{run.id}">Refresh to see how far it has got' in page
    assert 'type="file"' not in page  # no second upload while this one runs


def test_an_import_whose_process_died_is_shown_as_stopped(admin):
    long_ago = utcnow() - school_import_runs.STALE_AFTER - timedelta(seconds=1)
    run = a_run(requested_at=long_ago, started_at=long_ago, heartbeat_at=long_ago)

    page = admin.get(f"/admin/schools/import/{run.id}").get_data(as_text=True)

    assert "stopped without finishing" in page and "no schools were changed" in page
    assert 'type="file"' in page


def test_an_unknown_import_is_not_found(admin):
    assert admin.get("/admin/schools/import/999999").status_code == 404


def test_a_run_is_imported_once(app, admin):
    post(admin, sample_bytes())
    run = the_run()
    copy = Path(app.instance_path) / "again.csv"
    copy.write_bytes(sample_bytes())

    school_import_runs.run_import(run.id, copy)  # as a second thread given the same run would

    assert _db.session.scalar(select(func.count()).select_from(School)) == 7
    assert not copy.exists()


def test_the_import_is_a_job_for_the_worker(app, admin, held_jobs):
    response = post(admin, sample_bytes())

    run_page = response.headers["Location"]
    assert "Waiting to start" in admin.get(run_page).get_data(as_text=True)
    assert held_jobs.names() == ["import-schools"] and school_count() == 0
    assert held_jobs.run() == 1
    page = admin.get(run_page).get_data(as_text=True)
    assert "Schools imported for local authority 881" in page
    assert re.search(r"Created\s*</dt>\s*<dd[^>]*>\s*7\s*</dd>", page)
    _db.session.expire_all()
    assert school_count() == 7
    assert the_run().bytes_done == SAMPLE.stat().st_size


def test_a_skipped_rows_long_values_are_kept_short_in_the_summary(admin):
    status = "Open" + "!" * 2000
    post(admin, gias_file({}, {"URN": "115998", "EstablishmentStatus (name)": status}).getvalue())

    (group,) = the_run().summary["skipped_groups"]
    (example,) = group["examples"]
    assert example["detail"].startswith('EstablishmentStatus (name) "Open!!!')
    assert len(example["detail"]) == school_import_runs.SHOWN_CHARACTERS + 1
    assert example["detail"].endswith("…")
