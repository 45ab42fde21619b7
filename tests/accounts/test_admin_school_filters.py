"""ELP admins narrow the schools list by phase, type, status and whether anyone has joined,
as GET parameters that work without JavaScript; each expected list is worked out from the
rows the test made, on SQLite and PostgreSQL alike."""

import itertools

import pytest

from elp.accounts.models import SCHOOL_ACTIVE, SCHOOL_SUSPENDED
from tests.accounts.test_admin_schools import school_names
from tests.factories import make_admin, make_member, make_school

PHASES = ("Primary", "Secondary")
TYPES = ("Academy converter", "Community school")
STATUSES = (SCHOOL_ACTIVE, SCHOOL_SUSPENDED)
DISTRICTS = ("Harlow", "Tendring")


@pytest.fixture
def schools(db, login_as):
    """One school for each mix of phase, type, status, district and joined or not."""
    login_as(make_admin())
    made = []
    mixes = itertools.product(PHASES, TYPES, STATUSES, DISTRICTS, (True, False))
    for number, (phase, kind, status, district, joined) in enumerate(mixes):
        school = make_school(
            name=f"School {number:02d}", phase=phase, establishment_type=kind, status=status,
            district=district, suspension_reason="Fees unpaid" if status != SCHOOL_ACTIVE else None,
        )  # fmt: skip
        if joined:
            make_member(school, active=number % 4 == 0)  # a deactivated user still joined it
        made.append((school.name, phase, kind, status, district, joined))
    return made


def names_where(schools, test):
    return sorted(name for name, *fields in schools if test(*fields))


def listed(client, **args):
    """Every school the list shows for the arguments, all pages together."""
    names = []
    for page in range(1, 5):
        names += school_names(client.get("/admin/schools", query_string=args | {"page": page}))
    return names


def test_schools_are_filtered_by_phase(client, schools):
    expected = names_where(schools, lambda phase, *_: phase == "Secondary")

    assert listed(client, phase="Secondary") == expected
    assert len(expected) == len(schools) // 2


def test_schools_are_filtered_by_type_of_establishment(client, schools):
    expected = names_where(schools, lambda phase, kind, *_: kind == "Academy converter")

    assert listed(client, type="Academy converter") == expected


def test_schools_are_filtered_by_status(client, schools):
    suspended = names_where(schools, lambda phase, kind, status, *_: status == SCHOOL_SUSPENDED)
    active = names_where(schools, lambda phase, kind, status, *_: status == SCHOOL_ACTIVE)

    assert listed(client, status="suspended") == suspended
    assert listed(client, status="active") == active


def test_schools_are_filtered_by_whether_anyone_has_joined(client, schools):
    joined = names_where(schools, lambda *fields: fields[-1])
    not_joined = names_where(schools, lambda *fields: not fields[-1])

    assert listed(client, joined="yes") == joined
    assert listed(client, joined="no") == not_joined


def test_filters_combine_and_survive_paging(client, schools):
    expected = names_where(
        schools,
        lambda phase, kind, status, district, joined: (
            (phase, status, district, joined) == ("Primary", SCHOOL_ACTIVE, "Harlow", False)
        ),
    )
    args = {"phase": "Primary", "status": "active", "district": "Harlow", "joined": "no"}

    response = client.get("/admin/schools", query_string=args)

    assert school_names(response) == expected
    page = response.get_data(as_text=True)
    assert f"{len(expected)} schools found in Harlow" in page
    # The choices stay chosen, so the admin sees what the list is narrowed to.
    assert '<option value="Primary" selected>' in page
    assert '<option value="no" selected>' in page


def test_pagination_links_keep_the_filters(client, db, login_as):
    login_as(make_admin())
    for number in range(30):
        make_school(name=f"Secondary {number:02d}", phase="Secondary")
    make_school(name="A Primary School", phase="Primary")

    first = client.get("/admin/schools?phase=Secondary").get_data(as_text=True)

    assert 'href="/admin/schools?page=2&amp;phase=Secondary"' in first
    assert listed(client, phase="Secondary") == [f"Secondary {n:02d}" for n in range(30)]


def test_the_type_filter_offers_the_types_schools_have(client, schools):
    page = client.get("/admin/schools").get_data(as_text=True)

    for kind in TYPES:
        assert f'<option value="{kind}">{kind}</option>' in page


@pytest.mark.parametrize(
    "args",
    [
        {"phase": "Reception"},
        {"type": "Spaceship"},
        {"status": "closed"},
        {"joined": "maybe"},
        {"phase": "x" * 5000, "type": "'; drop table school; --"},
    ],
)
def test_a_value_not_in_the_list_is_ignored_rather_than_an_error(client, schools, args):
    response = client.get("/admin/schools", query_string=args)

    assert response.status_code == 200
    assert listed(client, **args) == sorted(name for name, *_ in schools)
