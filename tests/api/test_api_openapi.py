"""The OpenAPI document is valid OpenAPI 3.1 and describes what the API really answers."""

import re

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from elp.accounts.models import DISTRICT_NAMES
from elp.api import services
from elp.offers.models import DELIVERY_MODES, PHASES
from tests.factories import (
    committed,
    make_admin,
    make_category,
    make_member,
    make_offer,
    make_school,
)


@pytest.fixture
def document(client, db):
    make_category("Pupil achievement")
    make_category("Careers guidance")  # one an admin added: the document lists it too
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def conforms(document, body, schema_name):
    """Validate a response body against one of the document's schemas."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(body)


def parameter(document, name):
    parameters = document["paths"]["/api/v1/offers"]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name)


def test_the_document_is_valid_openapi_3_1(document):
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document["openapi"] == "3.1.0"


def test_the_document_needs_no_sign_in(client, db):
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_it_documents_exactly_the_parameters_of_product_md(document):
    names = [p["name"] for p in document["paths"]["/api/v1/offers"]["get"]["parameters"]]

    assert names == ["q", "category", "phase", "district", "mode", "max_price", "sort", "page"]


def test_filter_enums_are_the_real_names_and_tokens_or_empty_for_any(document):
    assert parameter(document, "category")["schema"]["enum"] == [
        "Careers guidance",
        "Pupil achievement",
        "",
    ]
    assert parameter(document, "phase")["schema"]["enum"] == [*PHASES, ""]
    assert parameter(document, "district")["schema"]["enum"] == [*DISTRICT_NAMES, ""]
    assert parameter(document, "mode")["schema"]["enum"] == [*DELIVERY_MODES, ""]
    assert parameter(document, "sort")["schema"]["enum"] == [
        "relevance",
        "price",
        "newest",
        "distance",
        "",
    ]


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("max_price", "9999999.99", True),
        ("max_price", "10000000", False),
        ("max_price", "350.5", True),
        ("max_price", "", True),
        ("page", "10000", True),
        ("page", "10001", False),
        ("page", "007", False),
        ("page", "", True),
    ],
)
def test_max_price_and_page_patterns_hold_their_maximums(
    document, client, login_as, name, value, allowed
):
    """The document's pattern and the server agree, right at each parameter's maximum."""
    login_as(make_member())
    pattern = parameter(document, name)["schema"]["pattern"]

    response = client.get("/api/v1/offers", query_string={name: value})

    assert bool(re.search(pattern, value)) is allowed
    assert response.status_code == (200 if allowed else 400)


@pytest.mark.parametrize("name", ["category", "phase", "mode", "sort", "max_price"])
def test_spaces_around_a_value_are_refused_as_the_document_says(document, client, login_as, name):
    login_as(make_member())
    value = {"category": "Pupil achievement", "phase": "KS1", "mode": "mixed"}.get(name, "350")
    if name == "sort":
        value = "price"

    assert client.get("/api/v1/offers", query_string={name: value}).status_code == 200
    assert client.get("/api/v1/offers", query_string={name: f" {value} "}).status_code == 400


def test_it_describes_the_bearer_scheme_and_the_errors(document):
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerToken"]["description"],
    }
    responses = document["paths"]["/api/v1/offers"]["get"]["responses"]
    assert set(responses) == {"200", "400", "401", "429"}


@pytest.fixture
def seeker(db, login_as):
    # Signed in before the document is fetched: the test client shares one app context.
    return login_as(make_member(make_school(easting=570000, northing=207000)))


def test_real_search_answers_conform_to_the_response_schema(client, seeker, document):
    make_offer(
        make_school(district="Harlow"),
        "Phonics catch-up",
        phases=("KS1", "KS2"),
        districts=("Harlow",),
        delivery_mode="online",
    )
    make_offer(
        make_school(district=None),
        "Phonics for all",
        serves_all_districts=True,
        price_pence=None,
        unit="session",
        category="Careers guidance",
    )

    for params in (
        {},
        {"q": "phonics"},
        {"q": "phonnics"},
        {"sort": "distance"},
        {"q": "nothing matches this"},
        {"page": "5"},
    ):
        body = client.get("/api/v1/offers", query_string=params).get_json()
        conforms(document, body, "SearchResults")


def test_a_schema_change_in_the_answer_would_be_caught(document):
    body = {"total": 0, "page": 1, "pages": 1, "results": [], "facets": {}, "did_you_mean": None}

    with pytest.raises(jsonschema.ValidationError):
        conforms(document, body, "SearchResults")  # facets must have all four keys
    with pytest.raises(jsonschema.ValidationError):
        conforms(
            document,
            {
                **body,
                "facets": {name: {} for name in ("category", "phase", "district", "mode")},
                "extra": 1,
            },
            "SearchResults",
        )


def test_error_answers_conform_to_the_error_schema(client, db, document, monkeypatch, app):
    _, secret = committed(services.issue_token, "Dashboard", actor=make_admin())
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")

    unauthorised = client.get("/api/v1/offers")
    ok = client.get("/api/v1/offers", headers={"Authorization": f"Bearer {secret}"})
    too_many = client.get("/api/v1/offers", headers={"Authorization": f"Bearer {secret}"})
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "120 per minute")
    bad = client.get("/api/v1/offers?page=x", headers={"Authorization": f"Bearer {secret}"})

    assert [r.status_code for r in (unauthorised, ok, too_many, bad)] == [401, 200, 429, 400]
    for response in (unauthorised, too_many, bad):
        conforms(document, response.get_json(), "Error")
