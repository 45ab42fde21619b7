"""A school's first user redeems the access code ELP issued and becomes its lead."""

import pytest

from elp.accounts import tokens
from elp.accounts.models import ROLE_LEAD, SCHOOL_SUSPENDED, AccessCode, User
from elp.audit import AuditEvent
from elp.timeutil import utcnow
from tests.factories import days, make_member, make_school

CODE = "7KQM-R4TX-HW2C"
NEW_PASSWORD = "five little ducks went swimming"


@pytest.fixture
def school(db):
    return make_school(name="Moulsham Infant School")


@pytest.fixture
def access_code(db, school):
    access_code = AccessCode(
        school=school,
        code_hash=tokens.hash_access_code(CODE),
        hint=CODE[-4:],
        expires_at=utcnow() + days(30),
    )
    db.session.add(access_code)
    db.session.commit()
    return access_code


def join(client, **changes):
    answers = {
        "access_code": CODE,
        "full_name": "Priya Shah",
        "job_title": "Headteacher",
        "email": "Priya.Shah@Moulsham.example",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    answers.update(changes)
    return client.post("/join", data=answers)


def users(db):
    return db.session.scalars(db.select(User)).all()


def test_the_home_page_links_to_joining(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/join"' in page
    assert (
        "Join with an access code from ELP" in page or "join with an access code from ELP" in page
    )


def test_redeeming_a_code_makes_the_first_user_the_school_lead_and_signs_them_in(
    client, db, school, access_code
):
    response = join(client)

    assert response.status_code == 302
    lead = db.session.scalars(db.select(User)).one()
    assert lead.email == "priya.shah@moulsham.example"
    assert (lead.full_name, lead.job_title, lead.role) == ("Priya Shah", "Headteacher", ROLE_LEAD)
    assert lead.school_id == school.id
    assert lead.password_hash != NEW_PASSWORD and lead.password_hash.startswith("scrypt:")
    db.session.refresh(access_code)
    assert access_code.state() == "used"
    assert access_code.redeemed_by_id == lead.id
    assert db.session.scalars(db.select(AuditEvent.action)).all() == ["access_code.redeemed"]

    home = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Moulsham Infant School" in home
    assert "School lead" in home
    assert "You have joined ELP Exchange as the lead for Moulsham Infant School" in home


def test_the_code_can_be_typed_in_lower_case_with_spaces(client, db, access_code):
    response = join(client, access_code=" 7kqm r4tx hw2c ")
    assert response.status_code == 302
    assert len(users(db)) == 1


def assert_refused_keeping_what_was_typed(response, db, message):
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "There is a problem" in page
    assert 'value="Priya Shah"' in page
    assert 'value="Headteacher"' in page
    assert NEW_PASSWORD not in page
    assert users(db) == []


def test_a_wrong_code_is_refused(client, db, access_code):
    response = join(client, access_code="AAAA-BBBB-CCCC")
    assert_refused_keeping_what_was_typed(response, db, "Enter a correct access code")
    assert 'value="AAAA-BBBB-CCCC"' in response.get_data(as_text=True)


def test_an_expired_code_is_refused(client, db, access_code):
    access_code.expires_at = utcnow() - days(1)
    db.session.commit()
    response = join(client)
    assert_refused_keeping_what_was_typed(response, db, "This access code has expired")


def test_a_used_code_is_refused(client, db, school, access_code):
    assert join(client).status_code == 302
    client.post("/sign-out")

    response = join(client, email="someone.else@moulsham.example")

    assert response.status_code == 200
    assert "This access code has already been used" in response.get_data(as_text=True)
    assert len(users(db)) == 1


def test_a_revoked_code_is_refused(client, db, access_code):
    access_code.revoked_at = utcnow()
    db.session.commit()
    response = join(client)
    assert_refused_keeping_what_was_typed(response, db, "This access code has been withdrawn")


def test_a_code_for_a_suspended_school_is_refused(client, db, school, access_code):
    school.status = SCHOOL_SUSPENDED
    school.suspension_reason = "Left the partnership"
    db.session.commit()
    response = join(client)
    assert_refused_keeping_what_was_typed(response, db, "Left the partnership")


def test_without_a_good_code_join_says_the_same_whether_or_not_an_address_has_an_account(
    client, db, access_code
):
    make_member(email="taken@school.example")

    taken = join(client, access_code="AAAA-BBBB-CCCC", email="taken@school.example")
    free = join(client, access_code="AAAA-BBBB-CCCC", email="freeee@school.example")

    assert taken.status_code == free.status_code == 200
    page = taken.get_data(as_text=True)
    assert "Enter a correct access code" in page
    assert "An account already exists" not in page
    # Apart from the address typed (kept in the form), the two pages are the same.
    assert page.replace("taken@", "X@") == free.get_data(as_text=True).replace("freeee@", "X@")


@pytest.mark.parametrize("email", ["taken@school.example", "TAKEN@School.Example"])
def test_an_email_that_already_has_an_account_is_refused_in_any_case(
    client, db, access_code, email
):
    existing = make_member(email="taken@school.example")

    response = join(client, email=email)

    assert response.status_code == 200
    assert "An account already exists for this email address" in response.get_data(as_text=True)
    assert users(db) == [existing]
    db.session.refresh(access_code)
    assert access_code.state() == "valid"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too short", "Password must be at least 12 characters"),
        ("password1234", "Password is too easy to guess"),
        ("priya.shah@moulsham.example", "Password must not be your email address"),
    ],
)
def test_a_weak_password_is_refused(client, db, access_code, password, message):
    response = join(client, password=password, confirm_password=password)

    assert message in response.get_data(as_text=True)
    assert users(db) == []
    db.session.refresh(access_code)
    assert access_code.state() == "valid"


def test_passwords_that_do_not_match_are_refused(client, db, access_code):
    response = join(client, confirm_password="something different entirely")
    assert "The passwords do not match" in response.get_data(as_text=True)
    assert users(db) == []


def test_every_missing_answer_is_asked_for(client, db):
    page = client.post("/join", data={}).get_data(as_text=True)
    for message in [
        "Enter the access code ELP gave your school",
        "Enter your full name",
        "Enter your job title",
        "Enter your email address",
        "Enter a password",
    ]:
        assert message in page


def test_a_burst_of_code_guesses_is_rate_limited(client, db, access_code):
    statuses = [join(client, access_code=f"WRNG-CODE-{n:04d}").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_a_closed_account_can_redeem_a_code_and_becomes_the_new_schools_lead(
    client, db, school, access_code
):
    closed = make_member(make_school(), email="priya.shah@moulsham.example")
    closed.active = False
    db.session.commit()

    response = join(client)

    assert response.status_code == 302
    db.session.refresh(closed)
    assert closed.active and (closed.school_id, closed.role) == (school.id, ROLE_LEAD)
    assert len(users(db)) == 1


@pytest.mark.parametrize("break_", ["\n", "\r\n", "\t", "\x0b", "\u2028"])
@pytest.mark.parametrize(
    ("field", "message"),
    [("full_name", "Full name must be on one line"),
     ("job_title", "Job title must be on one line")],
)
def test_a_line_break_or_tab_in_a_name_is_refused(client, db, access_code, field, message, break_):
    typed = {"full_name": "Priya Shah", "job_title": "Head teacher"}[field].replace(" ", break_)

    page = join(client, **{field: typed}).get_data(as_text=True)

    assert "There is a problem" in page
    assert f"{message}, without tabs or line breaks" in page
    assert users(db) == []
    assert access_code.state() == "valid"
