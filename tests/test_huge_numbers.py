"""Numbers and text no one would type, sent as an attacker would: a 404 or a clear 400, never a 500.

SQLite stores integers up to 2**63 - 1, PostgreSQL's integer ids up to 2**31 - 1, and Python
refuses to read more than 4 300 digits, so larger values used to overflow deep inside a query
or the page that echoed them.
"""

import re

import pytest

from elp.bounds import MAX_ID
from elp.money import MoneyError, parse_pounds
from tests.factories import make_admin, make_member, make_offer

THOUSANDS_OF_DIGITS = "9" * 5000


def _routes_with_an_id(app):
    """(method, path) for every route with an <int:…> part, each id set to `{id}`."""
    for rule in app.url_map.iter_rules():
        if "int" not in re.findall(r"<(\w+)", rule.rule):
            continue
        path = re.sub(r"<int:\w+>", "{id}", rule.rule)
        path = re.sub(r"<any\(([\w]+)[^>]*>", r"\1", path)
        yield ("GET" if "GET" in rule.methods else "POST"), path


def test_every_route_with_an_id_is_found(app):
    assert len(list(_routes_with_an_id(app))) >= 10


@pytest.mark.parametrize("too_large", [str(MAX_ID + 1), str(2**63), THOUSANDS_OF_DIGITS])
def test_an_id_no_database_can_hold_is_a_404_on_every_route(app, client, too_large):
    for method, path in _routes_with_an_id(app):
        response = client.open(path.format(id=too_large), method=method)
        assert response.status_code == 404, (method, path)


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_largest_id_is_looked_up_and_not_found(app, db, login_as, role):
    client = login_as(make_member() if role == "member" else make_admin())
    for method, path in _routes_with_an_id(app):
        response = client.open(path.format(id=MAX_ID), method=method)
        assert response.status_code in (403, 404), (method, path, response.status_code)


@pytest.fixture
def admin(db, login_as):
    make_offer(title="Phonics for KS1")
    return login_as(make_admin())


@pytest.mark.parametrize("list_path", ["/admin/schools", "/admin/offers"])
@pytest.mark.parametrize("page", [str(10**20), THOUSANDS_OF_DIGITS, "0", "two"])
def test_an_admin_list_page_no_list_has_is_a_clear_400(admin, list_path, page):
    response = admin.get(list_path, query_string={"page": page})
    assert response.status_code == 400
    assert "The page must be a whole number from 1 to 10,000." in response.text


@pytest.mark.parametrize("list_path", ["/admin/schools", "/admin/offers"])
def test_an_admin_search_longer_than_any_name_is_a_clear_400(admin, list_path):
    response = admin.get(list_path, query_string={"q": "a%" * 25_000})
    assert response.status_code == 400
    assert "Search for 200 characters or fewer." in response.text


@pytest.mark.parametrize("list_path", ["/admin/schools", "/admin/offers"])
def test_an_admin_search_of_200_characters_is_searched(admin, list_path):
    assert admin.get(list_path, query_string={"q": "a" * 200, "page": "10000"}).status_code == 200


def test_an_unknown_category_id_on_the_admin_offers_list_is_ignored(admin):
    response = admin.get("/admin/offers", query_string={"category": str(10**20)})
    assert response.status_code == 200
    assert "Phonics for KS1" in response.text


@pytest.fixture
def member(db, login_as):
    make_offer(title="Phonics for KS1")
    return login_as(make_member())


@pytest.mark.parametrize("name", ["max_price", "page", "per_page"])
@pytest.mark.parametrize("value", [str(10**20), THOUSANDS_OF_DIGITS])
def test_a_huge_number_on_the_search_page_is_ignored_with_a_message(member, name, value):
    response = member.get("/search", query_string={"q": "phonics", name: value})
    assert response.status_code == 200
    assert "Phonics for KS1" in response.text or name == "page"
    if name == "max_price":
        message = f"Maximum price &#39;{value[:20]}&#39; is not an amount and was ignored"
        assert message in response.text
        assert value[:21] not in response.text


@pytest.mark.parametrize("name", ["max_price", "page"])
@pytest.mark.parametrize("value", [str(10**20), THOUSANDS_OF_DIGITS])
def test_a_huge_number_in_the_api_is_a_clear_400(member, name, value):
    response = member.get("/api/v1/offers", query_string={name: value})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(f"{name} '{value[:20]}' ")


@pytest.mark.parametrize("typed", ["10000000", "10,000,000.00", THOUSANDS_OF_DIGITS])
def test_an_amount_of_ten_million_pounds_or_more_is_not_money_here(typed):
    with pytest.raises(MoneyError, match="Enter an amount under £10,000,000"):
        parse_pounds(typed)


def test_just_under_ten_million_pounds_is_an_amount():
    assert parse_pounds("9,999,999.99") == 999_999_999
