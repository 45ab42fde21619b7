"""The admin's school search ignores case, accents and the kind of apostrophe, and matches
words from their start, on SQLite and PostgreSQL alike."""

import pytest

from elp.extensions import db as _db
from elp.folding import folded_name
from tests.accounts.test_admin_schools import school_names
from tests.factories import make_admin, make_school


@pytest.fixture
def schools(db, login_as):
    login_as(make_admin())
    for name in (
        "St Mary’s Catholic Primary School",
        "ST MARYS C OF E JUNIOR SCHOOL",
        "St Thérèse of Lisieux Catholic Primary School",
        "Moulsham Primary School",
        "Maryland Academy",
    ):
        make_school(name=name)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("St Mary's", ["ST MARYS C OF E JUNIOR SCHOOL", "St Mary’s Catholic Primary School"]),
        ("st mary’s", ["ST MARYS C OF E JUNIOR SCHOOL", "St Mary’s Catholic Primary School"]),
        ("Therese", ["St Thérèse of Lisieux Catholic Primary School"]),
        ("THÉRÈSE lisieux", ["St Thérèse of Lisieux Catholic Primary School"]),
        # From the start of a word: "Mary" is not in "Primary", but begins "Maryland".
        ("Mary", [
            "Maryland Academy", "ST MARYS C OF E JUNIOR SCHOOL",
            "St Mary’s Catholic Primary School",
        ]),
        ("rimary", []),
        ("moulsham prim", ["Moulsham Primary School"]),
        ("primary moulsham", ["Moulsham Primary School"]),
        ("'", []),
    ],
)  # fmt: skip
def test_schools_are_found_as_people_type_their_names(client, schools, typed, found):
    assert school_names(client.get("/admin/schools", query_string={"q": typed})) == found


def test_a_renamed_school_is_found_by_its_new_name(client, db, login_as):
    login_as(make_admin())
    school = make_school(name="Old Name School")
    school.name = "Sainte-Anne’s Academy"
    _db.session.commit()

    assert school.search_name == " sainte annes academy"
    assert school_names(client.get("/admin/schools?q=anne")) == ["Sainte-Anne’s Academy"]
    assert school_names(client.get("/admin/schools?q=old")) == []


def test_a_name_is_folded_to_its_plain_words():
    assert folded_name("St Mary’s C. of E. (Aided) Primary") == " st marys c of e aided primary"
    assert folded_name("Ærø Straße") == " ærø strasse"
    assert folded_name("") == ""
