"""The search page: find support from other Essex schools."""

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from elp.money import format_pence
from elp.offers.services import DELIVERY_MODES
from elp.search.services import SORTS, SearchRequest, filter_values, log_search, search_offers
from elp.unit_of_work import unit_of_work

bp = Blueprint("search", __name__)

SORT_LABELS = {
    "relevance": "Most relevant",
    "price": "Price (low to high)",
    "newest": "Newest",
    "distance": "Nearest to your school",
}
FILTER_ORDER = ("category", "phase", "district", "mode", "max_price", "has_capacity")


@bp.get("/search")
@login_required
def search():
    search_request = SearchRequest.from_args(request.args)
    results = search_offers(search_request, school=current_user.school)
    page = render_template(
        "search/search.html",
        search=search_request,
        results=results,
        args=_args(search_request),
        selected=_selected_filters(search_request),
        loosen=_loosen(search_request, results),
        page_links=_page_links(search_request, results),
        sorts=[(key, SORT_LABELS[key]) for key in SORTS],
        facets=_facets(results),
        last_page_href=_search_url(search_request, page=results.pages),
        offer_href_start=_offer_href_start(),
        offer_link_query=_offer_link_query(search_request, results),
    )
    with unit_of_work():
        log_search(search_request, results.total, school=current_user.school, source="page")
    return page


def _args(search_request):
    """The query string of the current search, as the form would send it (no page)."""
    values = {
        "q": search_request.q or None,
        "sort": search_request.sort if search_request.sort != "relevance" else None,
        **search_request.filters(),
    }
    if "max_price" in values:
        values["max_price"] = format_pence(values["max_price"]).lstrip("£").replace(",", "")
    if values.get("has_capacity"):
        values["has_capacity"] = "yes"
    return {name: value for name, value in values.items() if value is not None}


def _facets(results):
    """Each filter's choices with the number of offers each would show: {filter: [(value,
    text shown, count)]}, made here rather than looked up choice by choice in the template."""
    return {
        name: [
            (value, DELIVERY_MODES[value] if name == "mode" else value,
             results.facets.get(name, {}).get(value, 0))
            for value in values
        ]
        for name, values in filter_values().items()
    }


def _offer_href_start():
    """Each offer link up to its offer id ("/offers/"): built once, as a url_for for every
    result was a sixth of what the results list cost to render."""
    return url_for("offers.show", offer_id=0).removesuffix("0")


def _offer_link_query(search_request, results):
    """The query string each offer link carries so its page can link back to this page of
    these results (see navigation.back_to_search); made once, not once per result."""
    values = _args(search_request)
    if results.page > 1:
        values["page"] = results.page
    return "?" + urlencode({"back": urlencode(values)}) if values else ""


def _search_url(search_request, **changes):
    values = _args(search_request)
    values.update(changes)
    return url_for("search.search", **{k: v for k, v in values.items() if v is not None})


def filter_label(name, search_request):
    if name == "max_price":
        return f"Maximum price {format_pence(search_request.max_price_pence)} per unit"
    if name == "has_capacity":
        return "Has capacity left"
    if name == "district":
        return f"Serves {search_request.district}"
    if name == "mode":
        return DELIVERY_MODES[search_request.mode]
    return getattr(search_request, name)


def _selected_filters(search_request):
    active = search_request.filters()
    return [
        {"label": filter_label(name, search_request), "href": _search_url(search_request, **{name: None})}
        for name in FILTER_ORDER
        if name in active
    ]


def _loosen(search_request, results):
    """For an empty result: each filter whose removal would show offers, most first."""
    suggestions = [
        {
            "label": filter_label(name, search_request),
            "count": count,
            "href": _search_url(search_request, **{name: None}),
        }
        for name, count in results.loosen.items()
        if count
    ]
    return sorted(suggestions, key=lambda s: -s["count"])


def _page_links(search_request, results):
    if results.pages <= 1:
        return None
    page = results.page

    def href(number):
        return _search_url(search_request, page=number)

    numbers = sorted({1, results.pages, *range(max(1, page - 1), min(results.pages, page + 1) + 1)})
    items, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
        previous = number
    params = {"items": items, "landmarkLabel": "Pages of results"}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < results.pages:
        params["next"] = {"href": href(page + 1)}
    return params
