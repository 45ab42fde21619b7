"""The join form lists its errors in the order of its fields, and reports every error at
once: a wrong code and a weak password together, not one per attempt."""

import re

import pytest

from elp.accounts import tokens
from elp.accounts.models import AccessCode
from elp.timeutil import utcnow
from tests.accounts.test_join_with_access_code import CODE, join, users
from tests.factories import days, make_member, make_school


@pytest.fixture
def access_code(db):
    access_code = AccessCode(
        school=make_school(name="Moulsham Infant School"),
        code_hash=tokens.hash_access_code(CODE),
        hint=CODE[-4:],
        expires_at=utcnow() + days(30),
    )
    db.session.add(access_code)
    db.session.commit()
    return access_code


def summary(response):
    """The error summary's links, in order, as (field id, message)."""
    page = response.get_data(as_text=True)
    box = page.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    return re.findall(r'<a href="#([\w-]+)">([^<]*)</a>', box)


def test_every_question_left_empty_is_listed_in_the_order_of_the_page(client, db):
    response = client.post("/join", data={})

    assert [field for field, _ in summary(response)] == [
        "access_code", "full_name", "job_title", "email", "password", "confirm_password",
    ]  # fmt: skip


def test_a_wrong_code_and_a_short_password_are_reported_together(client, db, access_code):
    response = join(
        client, access_code="AAAA-BBBB-CCCC", password="short", confirm_password="short"
    )

    assert summary(response) == [
        ("access_code", "Enter a correct access code. Check it against the one ELP gave you"),
        ("password", "Password must be at least 12 characters"),
    ]
    assert users(db) == []


def test_a_taken_email_and_a_common_password_are_reported_with_a_good_code(client, db, access_code):
    make_member(email="priya.shah@moulsham.example")

    response = join(client, password="password1234", confirm_password="password1234")

    assert [field for field, _ in summary(response)] == ["email", "password"]


def test_a_used_code_and_passwords_that_differ_are_reported_together(client, db, access_code):
    access_code.redeemed_at = access_code.created_at
    db.session.commit()

    response = join(client, confirm_password="something else entirely")

    assert [field for field, _ in summary(response)] == ["access_code", "confirm_password"]
