"""Importing the Offers CSV: from the command line and as an ELP admin upload."""

import csv
import io

import pytest
from sqlalchemy import func, select

from elp.audit import AuditEvent
from elp.offers.models import Offer
from tests.factories import make_admin, make_lead, make_offer, make_school

# The header exactly as PRODUCT.md section 5 gives it.
HEADER_LINE = (
    "urn,title,summary,description,category,specialisms,phases,districts,delivery_mode,"
    "expert_name,expert_role,designation,dbs_confirmed,unit,price,capacity,status"
)
HEADER = HEADER_LINE.split(",")


def row(urn="999101", title="Phonics leadership support", **values):
    fields = {
        "urn": urn,
        "title": title,
        "summary": "An SLE helps your phonics lead get every child reading.",
        "description": "We audit, coach and model.\n\n- learning walk\n- coaching",
        "category": "Pupil achievement",
        "specialisms": "Phonics; early reading",
        "phases": "Early years;KS1",
        "districts": "Harlow;Epping Forest",
        "delivery_mode": "at_your_school",
        "expert_name": "Ruth Adeyemi",
        "expert_role": "Early reading lead",
        "designation": "SLE",
        "dbs_confirmed": "yes",
        "unit": "day",
        "price": "350",
        "capacity": "12",
        "status": "",
    }
    fields.update(values)
    return fields


def csv_bytes(*rows, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def schools(db):
    return {
        urn: make_school(urn=urn, name=name)
        for urn, name in [
            ("999101", "Netteswell Mead Primary School"),
            ("999102", "Gibberd Academy"),
        ]
    }


@pytest.fixture
def import_file(tmp_path, runner):
    """Write the CSV to a file and run `elp import-offers` on it."""

    def run(data, *options):
        path = tmp_path / "offers.csv"
        path.write_bytes(data)
        return runner.invoke(args=["import-offers", str(path), *options])

    return run


def offers(db):
    return {offer.title: offer for offer in db.session.scalars(select(Offer))}


GOOD_FILE = (
    row(),
    row("999101", "Autism outreach", category="Special school outreach", districts="all",
        delivery_mode="mixed", designation="outreach teacher", unit="half_day", price="",
        capacity="", dbs_confirmed="no", status="draft", phases="KS1;KS2;Special/alternative provision"),
    row("999102", "Maths mastery for KS3", phases="KS3", districts="Harlow", price="£1,250.50",
        unit="session", status="published"),
)  # fmt: skip


def test_a_good_file_creates_every_offer(db, schools, import_file):
    result = import_file(csv_bytes(*GOOD_FILE))

    assert result.exit_code == 0, result.output
    assert "Read 3 rows: 3 offers created, 0 updated, 0 unchanged, 0 skipped." in result.output
    loaded = offers(db)
    phonics = loaded["Phonics leadership support"]
    assert phonics.school.urn == "999101"
    assert phonics.status == "published" and phonics.published_at is not None
    assert phonics.phases == ["Early years", "KS1"]
    assert phonics.districts == ["Epping Forest", "Harlow"]
    assert [tag.name for tag in phonics.specialisms] == ["early reading", "Phonics"]
    assert (phonics.price_pence, phonics.unit, phonics.capacity) == (35000, "day", 12)
    assert phonics.dbs_confirmed and phonics.dbs_confirmed_on is None  # the CSV has no date
    assert phonics.description == "We audit, coach and model.\n\n- learning walk\n- coaching"
    outreach = loaded["Autism outreach"]
    assert outreach.status == "draft"
    assert outreach.serves_all_districts and outreach.districts == []
    assert outreach.price_pence is None and outreach.capacity is None
    assert outreach.designation == "Outreach teacher"
    assert outreach.phases == ["KS1", "KS2", "Special/alternative provision"]
    maths = loaded["Maths mastery for KS3"]
    assert (maths.price_pence, maths.unit) == (125050, "session")
    sources = db.session.scalars(select(AuditEvent.details)).all()
    assert all(details["source"] == "import" for details in sources)


BAD_ROWS = [
    (row(urn="123456", title="Unknown school"), "no school has the URN ‘123456’"),
    (row(title="Bad category", category="Maths"), "there is no category called ‘Maths’"),
    (row(title="Bad phase", phases="KS1;KS5"), "there is no phase called ‘KS5’"),
    (row(title="Bad district", districts="Harlow;Southend-on-Sea"),
     "there is no Essex district called ‘Southend-on-Sea’"),
    (row(title="Bad mode", delivery_mode="onsite"), "delivery_mode ‘onsite’ is not one of"),
    (row(title="Bad unit", unit="week"), "unit ‘week’ is not one of hour, half_day, day, session"),
    (row(title="Bad price", price="three hundred"), "price ‘three hundred’ is not an amount"),
    (row(title="Negative price", price="-5"), "price ‘-5’ is not an amount"),
    (row(title="Absurd price", price="25000"), "the price must be £10,000 a unit or less"),
    (row(title="Bad capacity", capacity="ten"), "capacity ‘ten’ is not a whole number"),
    (row(title="Odd capacity", capacity="²"), "capacity ‘²’ is not a whole number"),
    (row(title="Bad DBS", dbs_confirmed="maybe"), "dbs_confirmed ‘maybe’ must be yes or no"),
    (row(title="Bad status", status="live"), "status ‘live’ must be draft or published"),
    (row(title="Bad designation", designation="Guru"), "designation ‘Guru’ is not one of"),
    (row(title=""), "title: enter a title"),
    (row(title="T" * 121), "title must be 120 characters or fewer"),
    (row(title="No phases", phases=""), "phases: choose at least one phase"),
    (row(title="Phonics leadership support", summary="Again"),
     "repeats the offer on line 2 (same URN and title)"),
]  # fmt: skip


def test_a_file_with_bad_rows_loads_nothing_and_reports_every_reason(db, schools, import_file):
    result = import_file(csv_bytes(row(), *(bad for bad, _ in BAD_ROWS)))

    assert result.exit_code == 1
    assert (
        f"Nothing was imported: {len(BAD_ROWS)} of {len(BAD_ROWS) + 1} rows have problems"
        in result.output
    )
    reported = {
        int(text.split(":")[0].removeprefix("Line ")): text
        for text in result.output.splitlines()
        if text.startswith("Line ")
    }
    # Each row's description spans four lines of the file; a row is named by its first line.
    assert sorted(reported) == [6 + 4 * number for number in range(len(BAD_ROWS))]
    for number, (_, reason) in enumerate(BAD_ROWS):
        assert reason in reported[6 + 4 * number], (reported[6 + 4 * number], reason)
    assert offers(db) == {}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_row_with_too_few_values_is_reported(db, schools, import_file):
    data = csv_bytes(row()) + b"999101,Short row,summary\n"

    result = import_file(data)

    assert "Line 6: has 3 values; every row needs 17" in result.output
    assert offers(db) == {}


def test_skip_invalid_loads_the_good_rows_and_reports_the_bad(db, schools, import_file):
    result = import_file(
        csv_bytes(row(), row(title="Bad unit", unit="week"), row("999102", "Science")),
        "--skip-invalid",
    )

    assert result.exit_code == 0, result.output
    assert "Line 6: unit ‘week’" in result.output
    assert "Read 3 rows: 2 offers created, 0 updated, 0 unchanged, 1 skipped." in result.output
    assert sorted(offers(db)) == ["Phonics leadership support", "Science"]


def test_the_same_file_twice_changes_nothing(db, schools, import_file):
    data = csv_bytes(*GOOD_FILE)
    import_file(data)
    before = {title: offer.updated_at for title, offer in offers(db).items()}
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    db.session.expire_all()

    result = import_file(data)

    assert "Read 3 rows: 0 offers created, 0 updated, 3 unchanged, 0 skipped." in result.output
    assert {title: offer.updated_at for title, offer in offers(db).items()} == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_a_changed_row_updates_its_offer(db, schools, import_file):
    import_file(csv_bytes(*GOOD_FILE))
    changed = [dict(GOOD_FILE[0], price="375", capacity="10"), *GOOD_FILE[1:]]

    result = import_file(csv_bytes(*changed))

    assert "0 offers created, 1 updated, 2 unchanged" in result.output
    db.session.expire_all()
    phonics = offers(db)["Phonics leadership support"]
    assert (phonics.price_pence, phonics.capacity) == (37500, 10)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.edited"))
    assert set(event.details["changed"]) == {"price_pence", "capacity"}


def test_a_title_in_another_letter_case_updates_the_same_offer(db, schools, import_file):
    make_offer(schools["999101"], "PHONICS Leadership Support", status="draft")

    result = import_file(csv_bytes(GOOD_FILE[0]))

    assert "0 offers created, 1 updated" in result.output
    db.session.expire_all()
    assert list(offers(db)) == ["Phonics leadership support"]


def test_two_rows_whose_titles_differ_only_in_case_are_one_offer_repeated(db, schools, import_file):
    result = import_file(
        csv_bytes(GOOD_FILE[0], dict(GOOD_FILE[0], title="phonics  leadership SUPPORT"))
    )

    assert "repeats the offer on line 2 (same URN and title)" in result.output
    assert offers(db) == {}


def test_an_import_never_overrides_a_school_that_paused_its_offer(db, schools, import_file):
    make_offer(schools["999101"], "Phonics leadership support", status="paused")
    make_offer(schools["999102"], "Maths mastery for KS3", status="draft")

    import_file(csv_bytes(GOOD_FILE[0], GOOD_FILE[2]))

    db.session.expire_all()
    assert offers(db)["Phonics leadership support"].status == "paused"
    assert offers(db)["Maths mastery for KS3"].status == "published"


def test_a_file_that_is_not_utf8_is_refused_clearly(db, schools, import_file):
    data = csv_bytes(row(summary="Café-style drop-in sessions for £50"), encoding="windows-1252")

    result = import_file(data)

    assert result.exit_code == 1
    assert "The file is not UTF-8 text" in result.output
    assert "CSV UTF-8" in result.output
    assert offers(db) == {}


def test_a_utf8_file_with_a_byte_order_mark_is_read(db, schools, import_file):
    result = import_file(b"\xef\xbb\xbf" + csv_bytes(row()))

    assert result.exit_code == 0, result.output
    assert list(offers(db)) == ["Phonics leadership support"]


def test_a_wrong_header_is_refused_clearly(db, schools, import_file):
    data = csv_bytes(row()).replace(b"expert_name", b"expert", 1)

    result = import_file(data)

    assert result.exit_code == 1
    assert "The first line must be the header urn,title," in result.output
    assert "missing expert_name; unexpected expert" in result.output


def test_a_cell_too_large_for_csv_is_refused_with_its_line(db, schools, import_file):
    data = csv_bytes(row(), row(title="Huge", description="x" * 200_000))

    result = import_file(data)

    assert result.exit_code == 1
    # The first row's description runs over lines 2 to 5, so the huge cell is on line 6.
    assert "The file could not be read as CSV at line 6: field larger than field limit" in (
        result.output
    )
    assert offers(db) == {}


def test_an_admin_upload_with_a_cell_too_large_is_refused_on_the_form(db, schools, login_as):
    data = csv_bytes(row(description="x" * 200_000))

    response = login_as(make_admin()).post(
        "/admin/offers/import",
        data={"file": (io.BytesIO(data), "offers.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert "The file could not be read as CSV at line 2" in response.get_data(as_text=True)
    assert offers(db) == {}


def test_an_admin_uploads_the_file_and_sees_the_report(db, schools, login_as):
    admin = make_admin()
    client = login_as(admin)

    response = client.post(
        "/admin/offers/import",
        data={"file": (io.BytesIO(csv_bytes(*GOOD_FILE)), "offers.csv")},
        content_type="multipart/form-data",
    )

    page = response.get_data(as_text=True)
    assert "Offers imported" in page
    assert "3 created, 0 updated, 0 unchanged, 0 skipped" in page
    assert len(offers(db)) == 3
    assert {event.actor_id for event in db.session.scalars(select(AuditEvent))} == {admin.id}


def test_an_admin_upload_with_bad_rows_shows_each_line_and_loads_nothing(db, schools, login_as):
    data = csv_bytes(
        row(), row(title="Bad unit", unit="week"), row(title="Bad DBS", dbs_confirmed="?")
    )

    page = (
        login_as(make_admin())
        .post(
            "/admin/offers/import",
            data={"file": (io.BytesIO(data), "offers.csv")},
            content_type="multipart/form-data",
        )
        .get_data(as_text=True)
    )

    assert "Nothing was imported: 2 of 3 rows have problems" in page
    assert "unit ‘week’ is not one of" in page
    assert "dbs_confirmed ‘?’ must be yes or no" in page
    assert offers(db) == {}


def test_an_admin_upload_in_the_wrong_encoding_is_refused_on_the_form(db, schools, login_as):
    data = csv_bytes(row(summary="Café drop-in"), encoding="windows-1252")

    page = (
        login_as(make_admin())
        .post(
            "/admin/offers/import",
            data={"file": (io.BytesIO(data), "offers.csv")},
            content_type="multipart/form-data",
        )
        .get_data(as_text=True)
    )

    assert "There is a problem" in page
    assert "The file is not UTF-8 text" in page
    assert offers(db) == {}


def test_an_upload_needs_a_file(db, login_as):
    page = login_as(make_admin()).post("/admin/offers/import", data={}).get_data(as_text=True)

    assert "Choose a CSV file to upload" in page


def test_only_admins_may_upload(db, schools, login_as):
    response = login_as(make_lead()).post(
        "/admin/offers/import",
        data={"file": (io.BytesIO(csv_bytes(row())), "offers.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 403
    assert offers(db) == {}


def test_the_import_reads_a_capacity_as_the_offer_form_does(db, schools, import_file):
    """One reading of capacity for the form and the import: thousands separators are fine,
    and a number out of range is refused with the range, as the form says it."""
    result = import_file(
        csv_bytes(row(capacity="1,000"), row("999102", "Science", capacity="-4")),
        "--skip-invalid",
    )

    assert offers(db)["Phonics leadership support"].capacity == 1000
    assert "capacity must be a whole number from 1 to 1,000" in result.output
    assert "Science" not in offers(db)
