"""A parameter value the API does not accept is refused with a 400 that says what is wrong."""

import pytest

from tests.factories import make_category, make_member, make_offer


@pytest.fixture
def signed_in(client, db, login_as):
    login_as(make_member())
    make_category("Pupil achievement")
    make_offer(title="Phonics")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": "two"}, "page 'two' must be a whole number from 1 to 10000"),
        ({"page": "0"}, "page '0' must be a whole number from 1 to 10000"),
        ({"page": "-1"}, "page '-1' must be a whole number"),
        ({"page": "1.5"}, "page '1.5' must be a whole number"),
        ({"page": "10001"}, "must be a whole number from 1 to 10000"),
        ({"max_price": "cheap"}, "max_price 'cheap' is not an amount in pounds: use 350 or 350.00"),
        ({"max_price": "-5"}, "max_price '-5' is not an amount in pounds"),
        ({"max_price": "3.505"}, "is not an amount in pounds"),
        (
            {"sort": "rating"},
            "Unknown sort 'rating'. Use one of: distance, newest, price, relevance",
        ),
        ({"category": "Astrology"}, "Unknown category 'Astrology'. Use one of: Pupil achievement"),
        ({"phase": "KS9"}, "Unknown phase 'KS9'. Use one of:"),
        (
            {"district": "Southend-on-Sea"},
            "Unknown district 'Southend-on-Sea'. Use one of: Basildon",
        ),
        ({"mode": "Online"}, "Unknown mode 'Online'. Use one of: at_our_school, at_your_school"),
    ],
)
def test_a_bad_value_is_a_400_with_a_clear_json_message(client, signed_in, params, message):
    response = client.get("/api/v1/offers", query_string=params)

    assert response.status_code == 400
    assert response.is_json
    assert message in response.get_json()["error"]


def test_empty_parameters_are_the_same_as_none(client, signed_in):
    params = dict.fromkeys(
        ["q", "category", "phase", "district", "mode", "max_price", "sort", "page"], ""
    )

    response = client.get("/api/v1/offers", query_string=params)

    assert response.status_code == 200
    assert response.get_json()["total"] == 1


def test_parameters_the_api_does_not_know_are_ignored(client, signed_in):
    response = client.get("/api/v1/offers", query_string={"per_page": "1000", "colour": "blue"})

    assert response.status_code == 200
    assert response.get_json()["total"] == 1


def test_other_api_errors_are_json_too(client, signed_in):
    missing = client.get("/api/v1/bookings")
    wrong_method = client.post("/api/v1/offers")

    assert (missing.status_code, wrong_method.status_code) == (404, 405)
    assert missing.get_json()["error"] and wrong_method.get_json()["error"]


def test_a_nul_character_is_a_400_that_says_so_not_a_bare_error(client, signed_in):
    response = client.get("/api/v1/offers", query_string={"q": "phonics\x00"})

    assert response.status_code == 400
    assert "NUL character" in response.get_json()["error"]
