"""An ELP admin runs the partnership in real Chromium: imports schools from a GIAS file,
issues access codes for every school of a district that has not joined (the CSV file for the
mail merge, then the PDF of letters), and reads the unmet-demand report, with axe-core checks on each page."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from elp.accounts import tokens
from elp.accounts.models import AccessCode, School
from elp.search.models import SearchLog
from elp.timeutil import utcnow
from tests.factories import PASSWORD, make_admin

pytestmark = pytest.mark.browser

GIAS_FILE = Path(__file__).parent.parent / "data" / "gias_sample.csv"


def test_an_admin_imports_schools_issues_codes_for_a_district_and_reads_unmet_demand(
    db, page, live_server, assert_accessible, sign_in_with_browser, real_pdfs
):
    make_admin(email="pat@elp.example", full_name="Pat Admin")
    sign_in_with_browser(page, "pat@elp.example", PASSWORD)
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="ELP admin")).to_be_visible()
    assert_accessible(page)

    # Import the schools.
    page.get_by_role("link", name="Import schools from GIAS").click()
    page.get_by_label("GIAS establishments CSV").set_input_files(str(GIAS_FILE))
    page.get_by_label("Local authority code").fill("881")
    page.get_by_role("button", name="Import schools").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Schools imported for local authority 881"
    )
    assert_accessible(page)
    chelmsford = db.session.scalars(db.select(School).where(School.district == "Chelmsford")).all()
    assert [school.urn for school in chelmsford] == ["114990"]

    # Issue codes for every school in Chelmsford that has not joined, for the mail merge.
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="issue codes for every school in a district").click()
    expect(page.get_by_role("heading", name="Issue access codes for a district")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Issue codes and download the CSV file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the district to issue codes for"
    )
    assert_accessible(page)
    page.get_by_label("District").select_option("Chelmsford")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Issue codes and download the CSV file").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["urn", "school_name", "district", "postcode", "access_code"]
    assert [row[0] for row in rows[1:]] == ["114990"]
    db.session.expire_all()
    stored = db.session.scalars(db.select(AccessCode)).one()
    assert stored.code_hash == tokens.hash_access_code(rows[1][4])

    # Or as one PDF of letters for the head teachers: new codes in place of the file's.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Issue codes and download the letters as a PDF").click()
    assert download_info.value.suggested_filename == "elp-access-code-letters-chelmsford.pdf"
    (letter,) = PdfReader(download_info.value.path()).pages
    assert chelmsford[0].name in letter.extract_text()
    assert rows[1][4] not in letter.extract_text()

    page.goto(live_server.url + "/admin/access-codes?status=unused")
    expect(page.locator("#code-count")).to_have_text("1 access code.")
    expect(page.locator("table")).to_contain_text(chelmsford[0].name)
    assert_accessible(page)

    # Read which expertise schools looked for and did not find.
    for query, days_ago in (("autistic pupils", 3), ("Autism", 1), ("dyslexia", 2)):
        db.session.add(SearchLog(school_id=chelmsford[0].id, query=query, filters={},
                                 result_count=0, searched_at=utcnow() - timedelta(days=days_ago)))  # fmt: skip
    db.session.commit()
    page.goto(live_server.url + "/admin/reports")
    page.get_by_role("link", name="Unmet demand").first.click()
    table = page.locator("table").first
    expect(table).to_contain_text("autism")
    expect(table).to_contain_text("autistic pupils")
    expect(table).to_contain_text("dyslexia")
    expect(table).to_contain_text("Chelmsford")
    assert_accessible(page)
