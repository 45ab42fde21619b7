"""The OpenAPI 3.1 document for the search API, written by hand.

Kept next to the code it describes; tests/api/test_api_openapi.py validates it and checks real
responses against its schemas, so the two cannot drift apart. Categories are filled in from
the database when the document is served, because ELP admins may add categories.
"""

from elp.accounts.services import DISTRICT_NAMES
from elp.bounds import MAX_PAGE
from elp.money import MAX_POUNDS
from elp.offers.services import DELIVERY_MODES, PHASES, UNITS

API_VERSION = "1.0.0"
FACET_NAMES = ("category", "phase", "district", "mode")
# What max_price takes, exactly: whole pounds or pounds and pence, below MAX_POUNDS (so at most
# 9999999.99), or nothing at all. The API checks the value against this very pattern.
MAX_PRICE_PATTERN = rf"^([0-9]{{1,{len(str(MAX_POUNDS - 1))}}}(\.[0-9]{{1,2}})?)?$"
# What page takes: a whole number from 1 to MAX_PAGE written without leading zeros, or nothing.
PAGE_PATTERN = rf"^([1-9][0-9]{{0,{len(str(MAX_PAGE)) - 2}}}|{MAX_PAGE})?$"

DESCRIPTION = """\
Search the published offers of expertise that Essex schools share through ELP Exchange.

**Access.** Send an API token issued by an ELP admin as `Authorization: Bearer <token>`, or
call the API from a browser signed in to ELP Exchange. Anything else gets a 401.

**Rate limit.** Each token, or each signed-in user, may make a limited number of requests a
minute (the `X-RateLimit-*` headers say how many are left); past it the API answers 429 with a
`Retry-After` header.

**Errors** are always JSON: `{"error": "<a clear message>"}`. An unknown filter value, a
`max_price` that is not an amount in pounds, a `page` that is not a whole number from 1 to
10000, or an unknown `sort` is refused with a 400 that names the parameter and what it accepts.
Values are taken exactly as the parameters below describe them (no spaces around them). An
empty parameter is the same as leaving it out: an empty filter means any value, an empty `sort`
is `relevance` and an empty `page` is 1. Parameters the API does not know are ignored. The
words in `q` are never an error: search syntax the engine cannot read is searched as plain
words. (A NUL character is refused in any parameter of any request, with a 400 that says so.)

**Notices.** When the API had to change what was asked — for example `sort=distance` from an
API token, which has no school to measure from, is sorted by relevance instead — it says so in
one `ELP-Notice` response header per notice. The body keeps its usual shape.

Only published offers that ELP has not hidden are ever returned. Results come 20 to a page; a
page past the last one has no results.
"""


def openapi_document(category_names, base_url):
    """Return the OpenAPI document, with the current category names as the category enum."""
    category_names = sorted(category_names)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ELP Exchange search API",
            "version": API_VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "security": [{"bearerToken": []}, {"signedInSession": []}],
        "paths": {
            "/api/v1/offers": {
                "get": {
                    "operationId": "searchOffers",
                    "summary": "Search published offers of expertise",
                    "parameters": _search_parameters(category_names),
                    "responses": {
                        "200": {
                            "description": "One page of matching offers, with facet counts.",
                            "headers": {
                                "ELP-Notice": {
                                    "description": "A change the API made to the request, "
                                    "such as a sort it could not apply (one header per notice).",
                                    "schema": {"type": "string"},
                                },
                                **_rate_limit_headers(),
                            },
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResults"}
                                }
                            },
                        },
                        "400": _error_response("A parameter has a value the API does not accept."),
                        "401": {
                            **_error_response(
                                "No token or session, or the token is unknown or revoked."
                            ),
                            "headers": {
                                "WWW-Authenticate": {
                                    "description": "Always `Bearer …`, as RFC 6750 says.",
                                    "schema": {"type": "string"},
                                }
                            },
                        },
                        "429": {
                            **_error_response("Too many requests for this token or user."),
                            "headers": {
                                "Retry-After": {
                                    "description": "Seconds to wait before trying again.",
                                    "schema": {"type": "integer"},
                                }
                            },
                        },
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApiDocument",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token an ELP admin issued (it starts `elp_`).",
                },
                "signedInSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The session of a user signed in to ELP Exchange.",
                },
            },
            "schemas": _schemas(category_names),
        },
    }


def _search_parameters(category_names):
    return [
        _parameter(
            "q",
            "Words to search for, e.g. `phonics KS1` or `autism outreach`; empty finds all. Any "
            "text but the NUL character, which no parameter anywhere may hold (a 400).",
            {"type": "string", "pattern": "^[^\\u0000]*$"},
        ),
        _parameter(
            "category", "Offers in this category; empty means any.", _filter(category_names)
        ),
        _parameter(
            "phase", "Offers for this phase of education; empty means any.", _filter(PHASES)
        ),
        _parameter(
            "district",
            "Offers that serve this Essex district, including offers that serve all of Essex; "
            "empty means any.",
            _filter(DISTRICT_NAMES),
        ),
        _parameter(
            "mode",
            "Offers delivered this way (the offers CSV's delivery-mode tokens); empty means any.",
            _filter(DELIVERY_MODES),
        ),
        _parameter(
            "max_price",
            "Highest price per unit, in pounds (`350` or `350.00`), below "
            f"£{MAX_POUNDS:,} (so at most `{MAX_POUNDS - 1}.99`); empty means any price. Offers "
            "with a price on request have no price, so they are left out when this is given.",
            {"type": "string", "pattern": MAX_PRICE_PATTERN, "examples": ["350", "350.00"]},
        ),
        _parameter(
            "sort",
            "`relevance` (best match first), `price` (lowest first), `newest`, or `distance` "
            "(nearest to the signed-in user's school first; an API token has no school, so "
            "`distance` is sorted by relevance with an `ELP-Notice` header); empty means "
            "`relevance`.",
            {**_filter(("relevance", "price", "newest", "distance")), "default": "relevance"},
        ),
        _parameter(
            "page",
            f"Page of results, 20 to a page: a whole number from 1 to {MAX_PAGE}; empty means 1.",
            {"type": "string", "pattern": PAGE_PATTERN, "default": "1", "examples": ["1", "2"]},
        ),
    ]


def _parameter(name, description, schema):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _names(names):
    return {"type": "string", "enum": list(names)}


def _filter(names):
    """A parameter that takes one of these names, or nothing (which means any)."""
    return {"type": "string", "enum": [*names, ""]}


def _rate_limit_headers():
    return {
        header: {"description": description, "schema": {"type": "integer"}}
        for header, description in (
            ("X-RateLimit-Limit", "Requests allowed in the current window."),
            ("X-RateLimit-Remaining", "Requests left in the current window."),
            ("X-RateLimit-Reset", "When the window resets, in seconds since the epoch."),
        )
    }


def _error_response(description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _facet(names):
    return {
        "type": "object",
        "propertyNames": {"enum": list(names)},
        "additionalProperties": {"type": "integer", "minimum": 0},
    }


def _schemas(category_names):
    return {
        "SearchResults": {
            "type": "object",
            "required": ["total", "page", "pages", "results", "facets", "did_you_mean"],
            "additionalProperties": False,
            "properties": {
                "total": {"type": "integer", "minimum": 0, "description": "Matching offers."},
                "page": {"type": "integer", "minimum": 1},
                "pages": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Pages of results (1 when nothing matched).",
                },
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}},
                "facets": {
                    "type": "object",
                    "description": "For each filter, how many matching offers have each value.",
                    "required": list(FACET_NAMES),
                    "additionalProperties": False,
                    "properties": {
                        "category": _facet(category_names),
                        "phase": _facet(PHASES),
                        "district": _facet(DISTRICT_NAMES),
                        "mode": _facet(DELIVERY_MODES),
                    },
                },
                "did_you_mean": {
                    "type": ["string", "null"],
                    "description": "A corrected query when words looked misspelt, else null.",
                },
            },
        },
        "Offer": {
            "type": "object",
            "required": [
                "id",
                "title",
                "summary",
                "school",
                "district",
                "snippet",
                "price_pence",
                "unit",
                "url",
            ],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "school": {"type": "string", "description": "The offering school's name."},
                "district": {
                    "type": ["string", "null"],
                    "description": "The offering school's district.",
                },
                "snippet": {
                    "type": "string",
                    "description": "HTML: a passage of the offer, escaped, matching words marked.",
                },
                "price_pence": {
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "description": "Price per unit in pence; null means price on request.",
                },
                "unit": {"type": "string", "enum": list(UNITS)},
                "url": {
                    "type": "string",
                    "format": "uri",
                    "description": "The offer's page on ELP Exchange.",
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {"error": {"type": "string"}},
        },
    }
