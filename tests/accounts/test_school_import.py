"""An ELP admin imports schools from the DfE GIAS establishments CSV (command line and upload).

tests/data/gias_sample.csv is a small extract in GIAS's own layout and windows-1252 encoding,
committed as a file: seven open Essex schools in seven districts (one "Open, but proposed to
close", one "Proposed to open" without a grid reference), one closed Essex school, one school
each in Thurrock and Southend, and two malformed Essex rows (line 11: a URN that is not six
digits; line 13: an Easting with a letter O in it).
"""

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elp.accounts.models import School
from elp.accounts.school_import import (
    REQUIRED_COLUMNS,
    SKIPPED_CLOSED,
    SKIPPED_DUPLICATE,
    SKIPPED_MALFORMED,
    SKIPPED_OTHER_LA,
    SchoolFileRefused,
    import_schools,
)
from elp.audit import AuditEvent
from tests.factories import committed, make_admin, make_lead, make_member, make_school

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "gias_sample.csv"
SAMPLE_ESSEX_URNS = {"114990", "136512", "115204", "114612", "151990", "115480", "131877"}

GOOD_ROW = {
    "URN": "115999",
    "LA (code)": "881",
    "LA (name)": "Essex",
    "EstablishmentName": "Roding Valley Primary School",
    "TypeOfEstablishment (name)": "Community school",
    "EstablishmentStatus (name)": "Open",
    "PhaseOfEducation (name)": "Primary",
    "Street": "Alderton Hill",
    "Town": "Loughton",
    "Postcode": "IG10 3JA",
    "SchoolWebsite": "",
    "DistrictAdministrative (code)": "E07000072",
    "DistrictAdministrative (name)": "Epping Forest",
    "Easting": "542100",
    "Northing": "196300",
    "Trusts (name)": "",
}


def gias_file(*rows, columns=REQUIRED_COLUMNS, encoding="windows-1252"):
    """A GIAS-shaped CSV in memory: each row is GOOD_ROW with the given changes."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    for changes in rows:
        row = {**GOOD_ROW, **changes}
        writer.writerow([row.get(column, "") for column in columns])
    return io.BytesIO(text.getvalue().encode(encoding))


def sample_bytes():
    return SAMPLE.read_bytes()


def school(urn):
    return School.query.filter_by(urn=urn).one()


def school_count():
    return School.query.count()


# Importing a good file


def test_importing_the_sample_creates_its_open_essex_schools(db):
    result = committed(import_schools, SAMPLE.open("rb"))

    assert (result.created, result.updated, result.unchanged) == (7, 0, 0)
    assert {s.urn for s in School.query} == SAMPLE_ESSEX_URNS


def test_windows_1252_characters_in_names_are_read_correctly(db):
    committed(import_schools, SAMPLE.open("rb"))

    assert school("114990").name == "St Mary’s Church of England Primary School"
    assert school("115204").name == "St Thérèse Catholic Primary School"


def test_an_imported_school_has_its_district_grid_reference_and_details(db):
    committed(import_schools, SAMPLE.open("rb"))

    st_marys = school("114990")
    assert st_marys.district == "Chelmsford"
    assert st_marys.district_code == "E07000070"
    assert (st_marys.easting, st_marys.northing) == (571650, 208420)
    assert st_marys.la_code == "881"
    assert st_marys.la_name == "Essex"
    assert st_marys.phase == "Primary"
    assert st_marys.establishment_type == "Voluntary aided school"
    assert st_marys.establishment_status == "Open"
    assert (st_marys.street, st_marys.town, st_marys.postcode) == (
        "Rectory Lane", "Chelmsford", "CM1 6RS"
    )
    assert st_marys.website == "www.stmarys-springfield.essex.sch.uk"
    assert school("136512").trust == "Colne Valley Learning Trust"
    assert st_marys.trust is None
    assert {s.district for s in School.query} == {
        "Chelmsford", "Colchester", "Basildon", "Harlow", "Tendring", "Braintree", "Uttlesford"
    }


def test_schools_proposed_to_open_or_proposed_to_close_are_kept(db):
    committed(import_schools, SAMPLE.open("rb"))

    assert school("114612").establishment_status == "Open, but proposed to close"
    proposed = school("151990")
    assert proposed.establishment_status == "Proposed to open"
    assert (proposed.easting, proposed.northing) == (None, None)


def test_essex_district_names_come_from_their_ons_codes(db):
    changes = {"DistrictAdministrative (name)": "Castle Pt",
               "DistrictAdministrative (code)": "E07000069"}

    committed(import_schools, gias_file(changes))

    assert school("115999").district == "Castle Point"


# Importing again


def test_importing_the_same_file_again_changes_nothing(db):
    committed(import_schools, SAMPLE.open("rb"))
    first = {s.urn: s.updated_at for s in School.query}

    result = committed(import_schools, SAMPLE.open("rb"))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 7)
    assert school_count() == 7
    assert {s.urn: s.updated_at for s in School.query} == first


def test_importing_a_newer_file_updates_the_schools_that_changed(db):
    committed(import_schools, gias_file(GOOD_ROW, {"URN": "115998", "EstablishmentName": "Hill Top School"}))

    result = committed(import_schools, 
        gias_file(
            {"EstablishmentName": "Roding Valley Primary Academy", "Trusts (name)": "Forest Trust"},
            {"URN": "115998", "EstablishmentName": "Hill Top School"},
        )
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert school_count() == 2
    assert school("115999").name == "Roding Valley Primary Academy"
    assert school("115999").trust == "Forest Trust"


def test_an_import_keeps_the_schools_users_and_suspension(db):
    existing = make_school(urn="115999", name="Old name", status="suspended")
    lead = make_lead(existing)

    committed(import_schools, gias_file(GOOD_ROW))

    db.session.refresh(existing)
    assert existing.name == "Roding Valley Primary School"
    assert existing.status == "suspended"
    assert lead.school_id == existing.id


def test_a_school_that_has_closed_is_skipped_and_left_as_it_is(db):
    make_school(urn="115999", name="Roding Valley Primary School", establishment_status="Open")

    result = committed(import_schools, gias_file({"EstablishmentStatus (name)": "Closed"}))

    assert result.skipped == {SKIPPED_CLOSED: 1}
    assert school("115999").establishment_status == "Open"


# Choosing the local authority


def test_only_the_chosen_local_authority_is_imported(db):
    result = committed(import_schools, SAMPLE.open("rb"), la_code="883")

    assert result.created == 1
    assert [s.name for s in School.query] == ["Grays Riverside Primary School"]
    assert school("145230").district == "Thurrock"
    assert result.skipped[SKIPPED_OTHER_LA] == 11


def test_the_local_authority_code_must_be_three_digits(db):
    with pytest.raises(SchoolFileRefused, match="must be 3 digits, like 881"):
        committed(import_schools, SAMPLE.open("rb"), la_code="Essex")
    assert school_count() == 0


# What is skipped and why


def test_the_summary_says_which_rows_were_skipped_and_why(db):
    result = committed(import_schools, SAMPLE.open("rb"))

    assert result.skipped == {SKIPPED_MALFORMED: 2, SKIPPED_CLOSED: 1, SKIPPED_OTHER_LA: 2}
    assert result.skipped_total == 5
    groups = {reason: examples for reason, _count, examples in result.skipped_groups()}
    assert [str(e) for e in groups[SKIPPED_MALFORMED]] == [
        'line 11 (114990X Hockley Brook Primary School): URN "114990X" is not 6 digits',
        'line 13 (115377 Rayleigh Downs Primary School): '
        'Easting "57O900" is not a whole number of metres',
    ]
    assert [str(e) for e in groups[SKIPPED_CLOSED]] == [
        "line 9 (114871 Old Rectory Junior School): closed"
    ]
    assert [str(e) for e in groups[SKIPPED_OTHER_LA]] == [
        "line 10 (145230 Grays Riverside Primary School): in Thurrock (883)",
        "line 12 (137004 Prittle Bay Academy): in Southend-on-Sea (882)",
    ]


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"URN": "11599"}, 'URN "11599" is not 6 digits'),
        ({"URN": ""}, 'URN "" is not 6 digits'),
        ({"Easting": "54210O"}, 'Easting "54210O" is not a whole number of metres'),
        ({"Northing": "196300.5"}, 'Northing "196300.5" is not a whole number of metres'),
        ({"EstablishmentName": " "}, "EstablishmentName is empty"),
        ({"EstablishmentStatus (name)": "Opened"}, 'EstablishmentStatus (name) "Opened" is not'),
        ({"Postcode": "IG10 3JA IG10 3JA"}, "Postcode is longer than 10 characters"),
        ({"DistrictAdministrative (code)": "E07000099", "DistrictAdministrative (name)": "Narnia"},
         'DistrictAdministrative "Narnia" (E07000099) is not an Essex district'),
        ({"DistrictAdministrative (code)": "", "DistrictAdministrative (name)": "Harlow Town"},
         'DistrictAdministrative "Harlow Town" (no code) is not an Essex district'),
    ],
)  # fmt: skip
def test_a_malformed_row_is_skipped_with_its_line_and_reason(db, changes, problem):
    result = committed(import_schools, gias_file({"URN": "115998"}, changes))

    assert result.created == 1
    assert result.skipped == {SKIPPED_MALFORMED: 1}
    [example] = result.examples[SKIPPED_MALFORMED]
    assert example.line == 3
    assert example.detail.startswith(problem)
    assert [s.urn for s in School.query] == ["115998"]


def test_a_row_with_the_wrong_number_of_fields_is_malformed(db):
    data = gias_file(GOOD_ROW).getvalue() + b"115998,881,Essex\r\n"

    result = committed(import_schools, io.BytesIO(data))

    assert result.created == 1
    [example] = result.examples[SKIPPED_MALFORMED]
    assert str(example) == "line 3 (115998): the row has 3 fields but the header has 16"


def test_a_urn_repeated_in_the_file_is_imported_once(db):
    result = committed(import_schools, gias_file(GOOD_ROW, {"EstablishmentName": "Another name"}))

    assert result.created == 1
    assert school("115999").name == "Roding Valley Primary School"
    [example] = result.examples[SKIPPED_DUPLICATE]
    assert (example.line, example.detail) == (3, "URN 115999 is also on line 2")


def test_blank_lines_are_ignored(db):
    data = gias_file(GOOD_ROW).getvalue() + b"\r\n\r\n"

    result = committed(import_schools, io.BytesIO(data))

    assert (result.created, result.skipped_total) == (1, 0)


def test_columns_are_found_by_name_whatever_their_order(db):
    result = committed(import_schools, gias_file(GOOD_ROW, columns=("Extra", *reversed(REQUIRED_COLUMNS))))

    assert result.created == 1
    assert school("115999").postcode == "IG10 3JA"


# Files that are refused change nothing


def utf16():
    return sample_bytes().decode("windows-1252").encode("utf-16")


def utf8_with_bom():
    return sample_bytes().decode("windows-1252").encode("utf-8-sig")


def utf8_without_bom():
    return sample_bytes().decode("windows-1252").encode("utf-8")


def not_windows_1252():
    return gias_file(GOOD_ROW).getvalue() + b"115998,881,Essex,Caf\x81\r\n"


REFUSED_FILES = [
    pytest.param(utf16, "The file is UTF-16", id="utf-16"),
    pytest.param(utf8_with_bom, r"The file is UTF-8 \(it starts with a byte order mark\)",
                 id="utf-8 with bom"),
    pytest.param(utf8_without_bom, "Line 2 is UTF-8, but a GIAS extract is windows-1252",
                 id="utf-8"),
    pytest.param(not_windows_1252, r"Line 3 has a byte \(0x81\) that is not windows-1252",
                 id="not windows-1252"),
    pytest.param(lambda: b"PK\x03\x04\x14\x00\x06\x00", "is a spreadsheet or zip archive",
                 id="excel workbook"),
    pytest.param(lambda: b"", "The file is empty", id="empty"),
    pytest.param(lambda: b"\r\n", "The file is empty", id="blank"),
    pytest.param(lambda: gias_file().getvalue(), "has a header row but no schools",
                 id="header only"),
    pytest.param(lambda: b"name,email\r\nAda,ada@example.com\r\n",
                 "This is not a GIAS establishments CSV", id="another csv"),
    pytest.param(
        lambda: gias_file(GOOD_ROW, columns=[c for c in REQUIRED_COLUMNS if c != "Easting"])
        .getvalue(),
        r"The file is missing these GIAS columns: Easting\.$", id="missing a column",
    ),
    pytest.param(
        lambda: gias_file(GOOD_ROW, columns=REQUIRED_COLUMNS[2:]).getvalue(),
        r"missing these GIAS columns: URN, LA \(code\)\.$", id="missing two columns",
    ),
    pytest.param(lambda: gias_file(GOOD_ROW).getvalue() + b'115998,"881\r\n',
                 "could not be read as CSV", id="unclosed quote"),
]


@pytest.mark.parametrize("make_bytes, message", REFUSED_FILES)
def test_a_refused_file_says_why_and_changes_nothing(db, make_bytes, message):
    existing = make_school(urn="115999", name="Name before the import")

    with pytest.raises(SchoolFileRefused, match=message):
        committed(import_schools, io.BytesIO(make_bytes()))

    db.session.expire_all()
    assert school_count() == 1
    assert db.session.get(School, existing.id).name == "Name before the import"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_file_refused_near_its_end_leaves_the_rows_before_unimported(db):
    # Every good row is read before the bad line: the import is all or nothing.
    data = sample_bytes() + "114000,881,Essex,Caf\u00e9\r\n".encode("utf-8")

    with pytest.raises(SchoolFileRefused, match="Line 14 is UTF-8"):
        committed(import_schools, io.BytesIO(data))

    assert school_count() == 0


# Progress and audit


def test_progress_reports_every_byte_of_the_file(db):
    reported = []

    committed(import_schools, SAMPLE.open("rb"), on_progress=reported.append)

    assert reported and sum(reported) == SAMPLE.stat().st_size


def test_an_import_is_recorded_in_the_audit_log(db):
    admin = make_admin()

    committed(import_schools, SAMPLE.open("rb"), actor=admin, file_name="gias_sample.csv")

    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "schools.imported"
    assert event.actor_id == admin.id
    assert event.details["file_name"] == "gias_sample.csv"
    assert event.details["la_code"] == "881"
    assert (event.details["created"], event.details["updated"]) == (7, 0)
    assert event.details["skipped"] == {"malformed": 2, "closed": 1,
                                        "in another local authority": 2}


# The command line


def test_import_schools_command_shows_progress_and_a_summary(runner, db):
    result = runner.invoke(args=["import-schools", str(SAMPLE)])

    assert result.exit_code == 0, result.output
    assert "Reading gias_sample.csv" in result.output
    assert "Schools in local authority 881:" in result.output
    assert "created:   7" in result.output
    assert "skipped:   5" in result.output
    assert "malformed: 2" in result.output
    assert 'line 11 (114990X Hockley Brook Primary School): URN "114990X" is not 6 digits' in (
        result.output
    )
    assert "in another local authority: 2" in result.output
    assert school_count() == 7


def test_import_schools_command_reports_updates_on_a_second_run(runner, db):
    runner.invoke(args=["import-schools", str(SAMPLE)])

    result = runner.invoke(args=["import-schools", str(SAMPLE)])

    assert "created:   0" in result.output
    assert "unchanged: 7" in result.output
    assert school_count() == 7


def test_import_schools_command_takes_the_local_authority(runner, db):
    result = runner.invoke(args=["import-schools", str(SAMPLE), "--la", "883"])

    assert result.exit_code == 0, result.output
    assert "Schools in local authority 883:" in result.output
    assert "created:   1" in result.output
    assert "in another local authority: 11" in result.output
    assert "… and 6 more" in result.output


def test_import_schools_command_refuses_a_bad_file_with_exit_code_1(runner, db, tmp_path):
    bad = tmp_path / "schools.csv"
    bad.write_bytes(utf16())

    result = runner.invoke(args=["import-schools", str(bad)])

    assert result.exit_code == 1
    assert "Error: The file is UTF-16" in result.output
    assert "No schools were changed." in result.output
    assert school_count() == 0


# The admin upload


def upload(client, data, name="edubasealldata20250101.csv", la_code="881"):
    """Upload the file and follow on to the page of its import (imported in the request in
    tests, so the page shows what it did)."""
    return client.post(
        "/admin/schools/import",
        data={"gias_file": (io.BytesIO(data), name), "la_code": la_code},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_an_admin_sees_the_upload_form(client, login_as, db):
    login_as(make_admin())

    response = client.get("/admin/schools/import")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Import schools from GIAS" in page
    assert 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page


def test_the_admin_pages_link_to_the_import(client, login_as, db):
    login_as(make_admin())

    for page in ("/admin/", "/admin/schools"):
        assert 'href="/admin/schools/import"' in client.get(page).get_data(as_text=True)


def test_an_admin_uploads_a_gias_file_and_sees_the_summary(client, login_as, db):
    admin = make_admin()
    login_as(admin)

    response = upload(client, sample_bytes())

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Schools imported for local authority 881</p>" in page
    assert re.search(r"Created\s*</dt>\s*<dd[^>]*>\s*7\s*</dd>", page)
    assert re.search(r"Skipped\s*</dt>\s*<dd[^>]*>\s*5\s*</dd>", page)
    assert "Skipped, malformed: 2" in page
    assert "URN &#34;114990X&#34; is not 6 digits" in page
    assert "Grays Riverside Primary School" in page
    assert school_count() == 7
    assert school("114990").name == "St Mary’s Church of England Primary School"
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_id) == ("schools.imported", admin.id)
    assert event.details["file_name"] == "edubasealldata20250101.csv"


def test_an_admin_can_upload_for_another_local_authority(client, login_as, db):
    login_as(make_admin())

    upload(client, sample_bytes(), la_code="883")

    assert [s.urn for s in School.query] == ["145230"]


def test_an_uploaded_file_that_is_refused_shows_why_and_changes_nothing(client, login_as, db):
    login_as(make_admin())

    response = upload(client, utf8_with_bom())

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page
    assert "There is a problem" in page
    assert "The file is UTF-8 (it starts with a byte order mark)" in page
    assert "No schools were changed." in page
    assert school_count() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_upload_asks_for_a_file_and_a_three_digit_local_authority(client, login_as, db):
    login_as(make_admin())

    response = client.post(
        "/admin/schools/import", data={"la_code": "Essex"}, content_type="multipart/form-data"
    )

    page = response.get_data(as_text=True)
    assert "Select the GIAS CSV file" in page
    assert "Enter the local authority code as 3 digits, like 881" in page
    assert 'value="Essex"' in page


def test_only_an_admin_may_import_schools(client, login_as, db):
    login_as(make_member())

    assert client.get("/admin/schools/import").status_code == 403
    assert upload(client, sample_bytes()).status_code == 403
    assert school_count() == 1  # the member's own school only


def test_control_characters_in_gias_text_are_stripped(db):
    changes = {"EstablishmentName": "Roding Valley\r\nPrimary\tSchool\x07",
               "Street": "Alderton\x0bHill", "Town": "\nLoughton"}

    result = committed(import_schools, gias_file(changes))

    assert result.created == 1
    imported = school("115999")
    assert (imported.name, imported.street, imported.town) == (
        "Roding Valley Primary School", "Alderton Hill", "Loughton"
    )


def test_a_school_with_no_district_in_gias_is_imported_without_one(db):
    changes = {"DistrictAdministrative (code)": "", "DistrictAdministrative (name)": ""}

    result = committed(import_schools, gias_file(changes))

    assert result.created == 1
    assert school("115999").district is None
