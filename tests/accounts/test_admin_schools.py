"""ELP admins find, add, suspend and reactivate schools."""

import re

import pytest

from elp.accounts.models import SCHOOL_SUSPENDED, School
from elp.audit import AuditEvent
from tests.factories import PASSWORD, make_admin, make_lead, make_member, make_school


@pytest.fixture
def admin(db, login_as):
    admin = make_admin()
    login_as(admin)
    return admin


def school_names(response):
    return re.findall(r'href="/admin/schools/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_the_admin_dashboard_counts_schools_and_links_to_them(client, db, admin):
    school = make_school()
    make_lead(school)
    make_school(status=SCHOOL_SUSPENDED, suspension_reason="Closed")

    page = client.get("/admin/").get_data(as_text=True)

    assert 'href="/admin/schools"' in page
    assert re.search(r"Schools\s*</dt>\s*<dd[^>]*>\s*2\s*</dd>", page)
    assert re.search(r"Suspended\s*</dt>\s*<dd[^>]*>\s*1\s*</dd>", page)


def test_schools_are_listed_by_name_with_their_user_counts(client, db, admin):
    harlow = make_school(name="Harlow Fields School", district="Harlow")
    make_member(harlow)
    make_lead(harlow)
    make_member(harlow, active=False)
    make_school(name="Abbotts Hall Primary")

    response = client.get("/admin/schools")

    assert school_names(response) == ["Abbotts Hall Primary", "Harlow Fields School"]
    page = response.get_data(as_text=True)
    assert "2 schools" in page
    harlow_row = re.search(r"Harlow Fields School.*?</tr>", page, re.DOTALL).group(0)
    assert re.search(r">\s*2\s*</td>", harlow_row)


def test_schools_are_found_by_part_of_the_name_in_any_case_or_by_urn(client, db, admin):
    make_school(name="Moulsham Infant School", urn="115123")
    make_school(name="Moulsham High School", urn="115200")
    make_school(name="Harlow Fields School", urn="115300")

    assert school_names(client.get("/admin/schools?q=moulsham")) == [
        "Moulsham High School",
        "Moulsham Infant School",
    ]
    assert school_names(client.get("/admin/schools?q=115300")) == ["Harlow Fields School"]
    assert school_names(client.get("/admin/schools?q=100%25")) == []
    assert b"No schools match" in client.get("/admin/schools?q=nowhere").data


def test_schools_are_filtered_by_district(client, db, admin):
    make_school(name="Harlow Fields School", district="Harlow")
    make_school(name="Chelmsford Park School", district="Chelmsford")

    assert school_names(client.get("/admin/schools?district=Harlow")) == ["Harlow Fields School"]
    # An unknown district is ignored rather than an error.
    assert len(school_names(client.get("/admin/schools?district=Narnia"))) == 2


def test_the_list_is_paginated(client, db, admin):
    for number in range(30):
        make_school(name=f"School {number:02d}")

    first = client.get("/admin/schools")
    second = client.get("/admin/schools?page=2")
    past_the_end = client.get("/admin/schools?page=99")

    assert len(school_names(first)) == 25
    assert school_names(second) == [f"School {number}" for number in range(25, 30)]
    assert b'href="/admin/schools?page=2' in first.data
    assert past_the_end.status_code == 200
    assert school_names(past_the_end) == []


def add(client, **changes):
    answers = {
        "urn": "115123",
        "name": "Moulsham Infant School",
        "district": "Chelmsford",
        "phase": "Primary",
        "establishment_type": "Community school",
        "postcode": "cm2  9ah",
        "easting": "571234",
        "northing": "205678",
    }
    answers.update(changes)
    return client.post("/admin/schools/new", data=answers)


def test_an_admin_adds_a_school_by_hand(client, db, admin):
    response = add(client)

    assert response.status_code == 302
    school = db.session.scalars(db.select(School)).one()
    assert (school.urn, school.name, school.district, school.district_code) == (
        "115123",
        "Moulsham Infant School",
        "Chelmsford",
        "E07000070",
    )
    assert (school.postcode, school.easting, school.northing) == ("CM2 9AH", 571234, 205678)
    assert (school.la_code, school.phase) == ("881", "Primary")
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.actor_id, event.subject_id) == ("school.added", admin.id, school.id)
    assert b"Moulsham Infant School has been added" in client.get(response.headers["Location"]).data


def test_easting_and_northing_are_optional(client, db, admin):
    assert add(client, easting="", northing="").status_code == 302
    school = db.session.scalars(db.select(School)).one()
    assert (school.easting, school.northing) == (None, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"urn": "12345"}, "URN must be 6 digits"),
        ({"urn": ""}, "Enter the school&#39;s URN"),
        ({"name": ""}, "Enter the school&#39;s name"),
        ({"name": "x" * 201}, "School name must be 200 characters or fewer"),
        ({"district": "Narnia"}, "Not a valid choice"),
        ({"district": ""}, "Choose the school&#39;s district"),
        ({"phase": ""}, "Choose the school&#39;s phase of education"),
        ({"postcode": "not a postcode"}, "Enter a real postcode"),
        ({"easting": "57O900"}, "Easting must be a whole number of metres"),
        ({"northing": "9999999"}, "Northing must be a whole number of metres"),
    ],
)
def test_bad_answers_are_refused_and_kept(client, db, admin, changes, message):
    response = add(client, **changes)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Community school"' in page
    assert db.session.scalars(db.select(School)).all() == []


def test_a_urn_that_already_exists_is_refused(client, db, admin):
    make_school(urn="115123", name="Already Here School")
    response = add(client)
    assert b"A school with URN 115123 already exists" in response.data
    assert db.session.scalar(db.select(db.func.count(School.id))) == 1


def test_the_school_page_shows_details_and_users(client, db, admin):
    school = make_school(name="Moulsham Infant School", urn="115123", postcode="CM2 9AH")
    make_lead(school, full_name="Priya Shah")
    make_member(school, full_name="Gone Person", active=False)

    page = client.get(f"/admin/schools/{school.id}").get_data(as_text=True)

    assert "Moulsham Infant School" in page and "URN 115123" in page
    assert "CM2 9AH" in page
    assert "Priya Shah" in page and "School lead" in page
    assert "Gone Person" in page and "Removed" in page
    assert "Issue an access code" in page


def test_an_unknown_school_is_not_found(client, db, admin):
    assert client.get("/admin/schools/999999").status_code == 404


def test_an_admin_suspends_a_school_with_a_reason_and_its_users_are_refused(client, db, admin):
    school = make_school()
    make_member(school, email="member@school.example")

    assert (
        b"Why is the school being suspended?"
        in client.get(f"/admin/schools/{school.id}/suspend").data
    )
    response = client.post(
        f"/admin/schools/{school.id}/suspend", data={"reason": "Membership fees unpaid"}
    )

    assert response.status_code == 302
    db.session.refresh(school)
    assert (school.status, school.suspension_reason) == (SCHOOL_SUSPENDED, "Membership fees unpaid")
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.reason, event.actor_id) == (
        "school.suspended",
        "Membership fees unpaid",
        admin.id,
    )
    assert b"Membership fees unpaid" in client.get(f"/admin/schools/{school.id}").data

    client.post("/sign-out")
    refused = client.post("/sign-in", data={"email": "member@school.example", "password": PASSWORD})
    assert refused.status_code == 200
    assert b"Membership fees unpaid" in refused.data


def test_a_suspension_needs_a_reason(client, db, admin):
    school = make_school()
    response = client.post(f"/admin/schools/{school.id}/suspend", data={"reason": "  "})
    assert b"Enter the reason for suspending the school" in response.data
    db.session.refresh(school)
    assert not school.is_suspended


def test_an_admin_reactivates_a_school(client, db, admin):
    school = make_school(status=SCHOOL_SUSPENDED, suspension_reason="Fees unpaid")
    make_member(school, email="member@school.example")

    form = client.get(f"/admin/schools/{school.id}/reactivate").get_data(as_text=True)
    assert "Why is the school being reactivated?" in form
    assert "It was suspended because: Fees unpaid" in form

    response = client.post(
        f"/admin/schools/{school.id}/reactivate", data={"reason": "Fees paid in full"}
    )

    assert response.status_code == 302
    db.session.refresh(school)
    assert not school.is_suspended and school.suspension_reason is None
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.reason, event.actor_id) == (
        "school.reactivated",
        "Fees paid in full",
        admin.id,
    )
    client.post("/sign-out")
    signing_in = client.post(
        "/sign-in", data={"email": "member@school.example", "password": PASSWORD}
    )
    assert signing_in.status_code == 302
    assert b"Signed in as" in client.get("/").data


def test_a_reactivation_needs_a_reason(client, db, admin):
    school = make_school(status=SCHOOL_SUSPENDED, suspension_reason="Fees unpaid")

    response = client.post(f"/admin/schools/{school.id}/reactivate", data={"reason": " "})

    assert b"Enter the reason for reactivating the school" in response.data
    db.session.refresh(school)
    assert school.is_suspended
    assert db.session.scalars(db.select(AuditEvent)).all() == []


def test_reactivating_an_active_school_is_refused_clearly(client, db, admin):
    school = make_school()

    for response in (
        client.get(f"/admin/schools/{school.id}/reactivate"),
        client.post(f"/admin/schools/{school.id}/reactivate", data={"reason": "Why not"}),
    ):
        assert response.status_code == 409
        assert b"This school is not suspended" in response.data


def test_suspending_twice_is_refused_clearly(client, db, admin):
    school = make_school(status=SCHOOL_SUSPENDED, suspension_reason="Fees unpaid")
    response = client.post(f"/admin/schools/{school.id}/suspend", data={"reason": "Again"})
    assert response.status_code == 409
    assert b"already suspended" in response.data


def test_a_school_name_with_a_line_break_is_refused(client, db, admin):
    page = add(client, name="Moulsham\r\nInfant School").get_data(as_text=True)

    assert "School name must be on one line, without tabs or line breaks" in page
    assert db.session.scalars(db.select(School)).all() == []
