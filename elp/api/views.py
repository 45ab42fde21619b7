"""The JSON search API: GET /api/v1/offers and its OpenAPI document.

Decisions (docs/api.md): invalid parameter values are refused with a 400, never guessed at;
a bearer token in the Authorization header wins over a session cookie; every error is JSON.
"""

import re
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from elp.accounts.services import DISTRICT_NAMES
from elp.api import services
from elp.api.openapi import FACET_NAMES, MAX_PRICE_PATTERN, PAGE_PATTERN, openapi_document
from elp.bounds import MAX_PAGE
from elp.extensions import limiter
from elp.offers.services import DELIVERY_MODES, PHASES, category_names
from elp.search.services import (
    SORTS,
    BadParameter,
    SearchRequest,
    log_search,
    read_search_parameters,
    search_offers,
)
from elp.unit_of_work import unit_of_work
from elp.urls import absolute_url

bp = Blueprint("api", __name__)

CALLER_KEY = "elp.api_caller"
NO_DISTANCE = (
    "Sorted by relevance: sorting by distance needs a signed-in school user "
    "whose school has a known location."
)


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ApiClient:
    """Who is calling: a token an admin issued, or a signed-in user."""

    token: object = None
    user: object = None

    @property
    def rate_limit_key(self):
        return f"api-token:{self.token.id}" if self.token else f"user:{self.user.id}"

    @property
    def school(self):
        return self.user.school if self.user else None


def _authenticate():
    """Return the caller, from the bearer token if one is sent, else the session."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "Send the token as 'Authorization: Bearer <token>'.")
        with unit_of_work():  # the token's last use is noted
            token = services.token_for_secret(secret.strip())
        if token is None:
            raise ApiError(401, "The API token is unknown or has been revoked.")
        return ApiClient(token=token)
    if current_user.is_authenticated and current_user.is_active:
        return ApiClient(user=current_user._get_current_object())
    raise ApiError(
        401, "Sign in to ELP Exchange, or send an API token as 'Authorization: Bearer <token>'."
    )


def _caller():
    """Who is calling, worked out once per request (the rate limiter asks first)."""
    if CALLER_KEY not in request.environ:
        request.environ[CALLER_KEY] = _authenticate()
    return request.environ[CALLER_KEY]


def _rate_limit_key():
    """Limit each token and each user; callers who fail to authenticate, by address."""
    try:
        return _caller().rate_limit_key
    except ApiError:
        return f"address:{request.remote_addr}"


def _rate_limit():
    return current_app.config["API_RATE_LIMIT"]


@bp.errorhandler(ApiError)
def api_error(error):
    response = jsonify(error=error.message)
    response.status_code = error.status
    if error.status == 401:
        invalid = ' error="invalid_token"' if request.headers.get("Authorization") else ""
        response.headers["WWW-Authenticate"] = f'Bearer realm="ELP Exchange"{invalid}'
    return response


@bp.errorhandler(429)
def too_many_requests(error):
    return (
        jsonify(
            error=f"Too many requests: each token or user may make {error.description}. "
            "Wait a moment (see the Retry-After header) and try again."
        ),
        429,
    )


@bp.get("/v1/offers")
@limiter.limit(_rate_limit, key_func=_rate_limit_key)
def search():
    caller = _caller()
    search_request = _search_request(request.args)
    school = caller.school
    notices = []
    if search_request.sort == "distance" and (school is None or school.easting is None):
        search_request.sort = "relevance"
        notices.append(NO_DISTANCE)
    results = search_offers(search_request, school=school)
    response = jsonify(_results_json(results))
    for notice in [*notices, *results.messages]:
        response.headers.add("ELP-Notice", notice)
    response.headers["Cache-Control"] = "no-store"
    with unit_of_work():
        log_search(search_request, results.total, school=school, source="api")
    return response


@bp.get("/v1/openapi.json")
def openapi():
    return jsonify(openapi_document(category_names(), current_app.config["BASE_URL"]))


# The parameters whose values are names from a list, and the lists (category's is read live).
CHOICES = {
    "category": category_names,
    "phase": lambda: PHASES,
    "district": lambda: DISTRICT_NAMES,
    "mode": lambda: DELIVERY_MODES,
    "sort": lambda: SORTS,
}


def _search_request(args):
    """Build the search from the query string, refusing any value the API does not accept.

    The API takes each value exactly as its OpenAPI document describes it, so what the document
    allows is what the server accepts: the search page forgives spaces around a name or a price,
    the API does not."""
    for name, allowed in CHOICES.items():
        value = args.get(name, "")
        if value != value.strip():
            _refuse(BadParameter(name, value, allowed()))
    max_price = args.get("max_price", "")
    if not re.fullmatch(MAX_PRICE_PATTERN, max_price):
        _refuse(BadParameter("max_price", max_price))
    return SearchRequest(**read_search_parameters(args, _refuse), page=_page(args))


def _refuse(bad):
    """Answer 400 for a parameter's value the API does not accept, saying what it takes."""
    if bad.name == "max_price":
        raise ApiError(
            400, f"max_price '{bad.value[:20]}' is not an amount in pounds: use 350 or 350.00."
        )
    raise ApiError(
        400,
        f"Unknown {bad.name} '{bad.value[:60]}'. Use one of: {', '.join(sorted(bad.allowed))} "
        "(see /api/v1/openapi.json).",
    )


def _page(args):
    value = args.get("page", "")
    if not re.fullmatch(PAGE_PATTERN, value):
        raise ApiError(400, f"page '{value[:20]}' must be a whole number from 1 to {MAX_PAGE}.")
    return int(value) if value else 1


def _results_json(results):
    return {
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "results": [_hit_json(hit) for hit in results.hits],
        "facets": {name: dict(results.facets.get(name, {})) for name in FACET_NAMES},
        "did_you_mean": results.did_you_mean,
    }


def _hit_json(hit):
    return {
        "id": hit.offer_id,
        "title": hit.title,
        "summary": hit.summary,
        "school": hit.school_name,
        "district": hit.district,
        "snippet": str(hit.snippet),
        "price_pence": hit.price_pence,
        "unit": hit.unit,
        "url": absolute_url("offers.show", offer_id=hit.offer_id),
    }
