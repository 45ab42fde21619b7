"""`elp demo` loads fictional Essex schools in every district and a login for every role."""

import math
from collections import Counter

from sqlalchemy import select

from elp.accounts.models import (
    DISTRICT_NAMES,
    ESSEX_DISTRICTS,
    ROLE_ADMIN,
    ROLE_LEAD,
    ROLE_MEMBER,
    School,
    User,
)
from elp.accounts.passwords import password_matches, password_problem
from elp.demo import DEMO_PASSWORD, load_demo

# Roughly the middle of each district, in British National Grid metres.
DISTRICT_CENTRES = {
    "Basildon": (570900, 189500),
    "Braintree": (575700, 222900),
    "Brentwood": (559300, 193800),
    "Castle Point": (578700, 187800),
    "Chelmsford": (570900, 207000),
    "Colchester": (599700, 225200),
    "Epping Forest": (546000, 201600),
    "Harlow": (544800, 210200),
    "Maldon": (585000, 207000),
    "Rochford": (587700, 190400),
    "Tendring": (617000, 222000),
    "Uttlesford": (553800, 238200),
}


def snapshot():
    schools = {s.urn: (s.name, s.updated_at) for s in School.query}
    users = {u.email: (u.password_hash, u.school_id, u.role) for u in User.query}
    return schools, users


def login_lines(output):
    return [line for line in output.splitlines() if "@" in line]


def test_demo_loads_schools_and_prints_the_logins(runner, db):
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "Loaded the demo data: 44 new schools, 7 new users, 73 new offers, 10 new requests." in result.output
    assert "Demo logins, to sign in at http://localhost:" in result.output
    lines = login_lines(result.output)
    assert len(lines) == 7
    assert all(DEMO_PASSWORD in line for line in lines)
    assert lines[0].split() == ["ELP", "admin", "priya.shah@elp-demo.example", DEMO_PASSWORD, "–"]
    assert "School lead" in lines[1] and "Kingswood Meadow Primary School" in lines[1]
    assert "Member" in lines[2] and "Kingswood Meadow Primary School" in lines[2]


def test_running_demo_twice_changes_nothing_and_prints_the_same_logins(runner, db):
    first = runner.invoke(args=["demo"])
    before = snapshot()

    second = runner.invoke(args=["demo"])

    assert second.exit_code == 0, second.output
    assert "The demo data was already loaded; nothing changed." in second.output
    assert login_lines(second.output) == login_lines(first.output)
    db.session.expire_all()
    assert snapshot() == before
    assert School.query.count() == 44
    assert User.query.count() == 7


def test_demo_schools_cover_every_essex_district_with_several_kinds_of_school(db):
    load_demo()

    schools = School.query.all()
    per_district = Counter(school.district for school in schools)
    assert set(per_district) == set(DISTRICT_NAMES)
    assert all(3 <= count <= 4 for count in per_district.values())
    for school in schools:
        assert ESSEX_DISTRICTS[school.district_code] == school.district
        assert (school.la_code, school.la_name) == ("881", "Essex")
        assert school.establishment_status == "Open"
        assert school.postcode and school.town and school.street
    kinds = Counter(school.establishment_type for school in schools)
    assert kinds["Pupil referral unit"] >= 1
    assert kinds["Community special school"] + kinds["Academy special converter"] >= 2
    assert any("Infant School" in school.name for school in schools)
    assert {school.phase for school in schools} >= {"Primary", "Secondary", "Not applicable"}


def test_demo_schools_lie_inside_their_districts(db):
    load_demo()

    for school in School.query:
        centre = DISTRICT_CENTRES[school.district]
        kilometres = math.dist((school.easting, school.northing), centre) / 1000
        assert kilometres < 20, f"{school.name} is {kilometres:.0f} km from {school.district}"


def test_demo_urns_cannot_collide_with_real_schools(db):
    load_demo()

    urns = [school.urn for school in School.query]
    assert len(set(urns)) == len(urns) == 44
    # Real URNs are given out in sequence from 100000 and are nowhere near 999000.
    assert all(urn.isdigit() and len(urn) == 6 and urn.startswith("999") for urn in urns)


def test_demo_has_a_user_for_every_role(db):
    load_demo()

    users = User.query.all()
    roles = Counter(user.role for user in users)
    assert roles == {ROLE_ADMIN: 1, ROLE_LEAD: 3, ROLE_MEMBER: 3}
    admin = next(user for user in users if user.role == ROLE_ADMIN)
    assert admin.school is None
    schools_with_users = {user.school.urn for user in users if user.school}
    assert len(schools_with_users) == 3
    for urn in schools_with_users:
        school_roles = {user.role for user in users if user.school and user.school.urn == urn}
        assert school_roles == {ROLE_LEAD, ROLE_MEMBER}


def test_every_printed_demo_login_signs_in(runner, client, db):
    result = runner.invoke(args=["demo"])

    for line in login_lines(result.output):
        email = next(word for word in line.split() if "@" in word)
        response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"
        client.post("/sign-out")


def test_demo_restores_a_demo_login_that_was_changed(db):
    load_demo()
    lead = db.session.scalar(select(User).where(User.role == ROLE_LEAD))
    lead.password_hash = "changed"
    lead.active = False
    db.session.commit()

    result = load_demo()

    assert (result.schools_created, result.users_created, result.users_restored) == (0, 0, 1)
    db.session.refresh(lead)
    assert lead.active
    assert password_matches(lead.password_hash, DEMO_PASSWORD)


def test_demo_refuses_to_run_in_production(runner, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 1
    assert "does not run in production" in result.output
    assert School.query.count() == 0


def test_the_demo_password_meets_the_password_policy():
    assert password_problem(DEMO_PASSWORD) is None


def test_every_demo_booking_has_its_service_charge(db):
    from elp.billing.models import Charge
    from elp.bookings.models import Booking

    load_demo()

    bookings = Booking.query.all()
    assert bookings
    for booking in bookings:
        charges = Charge.query.filter_by(booking_id=booking.id).all()
        assert len(charges) == 1, booking.offer_title
        expected = "void" if booking.status == "cancelled" else "pending"
        assert charges[0].status == expected
