"""Find offers: the query service behind the search page and the JSON API."""

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from markupsafe import Markup, escape

from elp.accounts.services import DISTRICT_NAMES
from elp.bounds import MAX_PAGE
from elp.extensions import db
from elp.money import MoneyError, parse_pounds
from elp.offers.services import DELIVERY_MODES, PHASES, category_names
from elp.search import index, sync
from elp.search.models import SearchLog
from elp.timeutil import utcnow

SORTS = ("relevance", "price", "newest", "distance")
MAX_PER_PAGE = 100


@dataclass
class SearchRequest:
    q: str = ""
    category: str | None = None  # category name
    phase: str | None = None  # phase name (elp.offers.services.PHASES)
    district: str | None = None  # offers that serve it, including those serving all Essex
    mode: str | None = None  # delivery-mode token (elp.offers.services.DELIVERY_MODES keys)
    max_price_pence: int | None = None
    has_capacity: bool = False
    sort: str = "relevance"  # relevance | price | newest | distance
    page: int = 1
    per_page: int = 20
    messages: list[str] = field(default_factory=list)  # e.g. "Unknown phase 'KS9' was ignored"

    @classmethod
    def from_args(cls, args):
        """Read a request.args-like mapping; a bad value is ignored with a message, never raised."""
        messages = []
        request = cls(
            **read_search_parameters(args, lambda bad: messages.append(_ignored(bad))),
            messages=messages,
        )
        request.has_capacity = (args.get("has_capacity") or "").strip().lower() in ("1", "yes", "true", "on")
        request.page = _whole_number(args.get("page"), 1, 1, MAX_PAGE)
        request.per_page = _whole_number(args.get("per_page"), 20, 1, MAX_PER_PAGE)
        return request

    def filters(self):
        """The filters in force, by argument name (max_price in pence), for logs and links."""
        values = {
            "category": self.category,
            "phase": self.phase,
            "district": self.district,
            "mode": self.mode,
            "max_price": self.max_price_pence,
            "has_capacity": self.has_capacity or None,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass
class Hit:
    offer_id: int
    title: str
    summary: str
    school_name: str
    district: str | None  # the offering school's district
    snippet: Markup
    price_pence: int | None
    unit: str
    distance_metres: float | None  # from the seeking school, straight line


@dataclass
class SearchResults:
    total: int
    page: int
    pages: int
    hits: list[Hit]
    # keys "category", "phase", "district", "mode": {value: count}, values with no offers left out
    facets: dict[str, dict[str, int]]
    did_you_mean: str | None
    messages: list[str]
    # How many would match with "has capacity left", the other filters as they are.
    with_capacity: int = 0
    # With a maximum price: how many would match at any price, the other filters as they are.
    at_any_price: int | None = None
    # When nothing matched: how many offers each active filter hides, by its argument name
    # ("max_price": 4 means removing the maximum price would show 4 offers).
    loosen: dict[str, int] = field(default_factory=dict)


def search_offers(request, school=None):
    """Find published, visible offers for `request`.

    school: the seeking user's School (for distance); None for API tokens. The search page
    and the API then call log_search; searches no one typed (saved-search alerts) are not
    logged, as they would skew the report.
    """
    sync.catch_up_if_behind()
    messages = list(request.messages)
    origin = _origin(school)
    sort = request.sort
    if sort == "distance" and origin is None:
        messages.append("Your school's location is not known, so results are not sorted by distance")
        sort = "relevance"
    found = _search(request, sort, request.page, origin)
    pages = max(1, math.ceil(found.total / request.per_page))
    if request.page > pages:
        messages.append(f"There is no page {request.page}: the results end on page {pages}")
    results = SearchResults(
        total=found.total,
        page=request.page,
        pages=pages,
        hits=[_hit(fields, distance, found.highlight_terms) for fields, distance in found.hits],
        facets=found.facets,
        did_you_mean=_did_you_mean(request.q, found.corrected),
        messages=messages,
        with_capacity=found.with_capacity,
        at_any_price=found.without.get("max_price_pence"),
        loosen=_loosen(found),
    )
    return results


def _loosen(found):
    if found.total:
        return {}
    return {_ARG_NAMES[name]: count for name, count in found.without.items()}


_ARG_NAMES = {
    "category": "category",
    "phase": "phase",
    "district": "district",
    "mode": "mode",
    "max_price_pence": "max_price",
    "has_capacity": "has_capacity",
}


def _search(request, sort, page, origin):
    filters = index.Filters(
        category=request.category,
        phase=request.phase,
        district=request.district,
        mode=request.mode,
        max_price_pence=request.max_price_pence,
        has_capacity=request.has_capacity,
    )
    return index.search(
        current_app.config["INDEX_DIR"],
        request.q,
        filters,
        filter_values(),
        sort=sort,
        offset=(page - 1) * request.per_page,
        limit=request.per_page,
        origin=origin,
    )


def _origin(school):
    if school is None or school.easting is None or school.northing is None:
        return None
    return (school.easting, school.northing)


def _hit(fields, distance_metres, terms):
    description = fields.get("snippet_text")
    if description is None:  # an index written before snippet_text was stored
        description = index.plain_text(fields["description"])
    snippet = index.snippet(description, terms) or index.snippet(fields["summary"], terms)
    return Hit(
        offer_id=int(fields["offer_id"]),
        title=fields["title"],
        summary=fields["summary"],
        school_name=fields["school_name"],
        district=fields.get("school_district"),
        snippet=Markup(snippet) if snippet else escape(fields["summary"]),
        price_pence=fields.get("price_pence"),
        unit=fields["unit"],
        distance_metres=distance_metres,
    )


def _did_you_mean(q, corrected):
    if not corrected:
        return None
    text = q[: index.MAX_QUERY_CHARS]  # the words searched; the rest was never read
    for original, correction in corrected.items():
        text = re.sub(rf"\b{re.escape(original)}\b", correction, text, flags=re.IGNORECASE)
    return text


# --- the search log -----------------------------------------------------------------------

LOG_MERGE_SECONDS = 30

# Plain statements, not loaded objects, and built once with bound parameters: every search
# page writes here, and building the statements took longer than running them.
_search_log = SearchLog.__table__
_LATEST_SEARCH = (
    db.select(_search_log.c.id, _search_log.c.query, _search_log.c.filters)
    .where(
        _search_log.c.school_id == db.bindparam("school_id"),
        _search_log.c.source == db.bindparam("source"),
        _search_log.c.searched_at >= db.bindparam("since"),
    )
    .order_by(_search_log.c.id.desc())
    .limit(1)
)
_REFINE_SEARCH = _search_log.update().where(_search_log.c.id == db.bindparam("log_id"))
_LOG_SEARCH = _search_log.insert()


def log_search(request, result_count, school=None, source="page"):
    """Record a search for the unmet-demand report: the school, never the user.

    Call it once the page or answer is built: its commit expires the session, and anything
    read after it (the signed-in user, their school) would be loaded again.

    A search typed letter by letter (the page updates as the user types) is one search:
    a refinement of the same school's search within LOG_MERGE_SECONDS replaces it.
    """
    query = " ".join(request.q.split())[:200]
    filters = request.filters()
    school_id = school.id if school is not None else None
    now = utcnow()
    latest = None
    if school_id is not None:
        latest = db.session.execute(
            _LATEST_SEARCH,
            {
                "school_id": school_id,
                "source": source,
                "since": now - timedelta(seconds=LOG_MERGE_SECONDS),
            },
        ).first()
    if latest is not None and latest.filters == filters and _refines(latest.query, query):
        db.session.execute(
            _REFINE_SEARCH,
            {"log_id": latest.id, "query": query, "result_count": result_count, "searched_at": now},
        )
    else:
        db.session.execute(
            _LOG_SEARCH,
            {
                "school_id": school_id, "query": query, "filters": filters,
                "result_count": result_count, "source": source, "searched_at": now,
            },
        )


def _refines(earlier, later):
    earlier, later = earlier.lower(), later.lower()
    return bool(earlier) and (later.startswith(earlier) or earlier.startswith(later))


def search_terms(text):
    """What a search's words mean to the index, in order: (term, the words as typed, the
    district they name or None), one for each word or synonym phrase, stop words left out.
    Every entry of a synonym group gives the group's one term, and words give their stems,
    so "autistic pupils" gives the same first term as "autism" (the unmet-demand report)."""
    places = {tuple(index.stems(name)): name for name in DISTRICT_NAMES}
    return [
        (group.terms[0], group.original, group.place)
        for group in index.concept_groups(text, places)
    ]


def filter_values():
    """Every value each filter offers, in display order."""
    return {
        "category": category_names(),
        "phase": PHASES,
        "district": DISTRICT_NAMES,
        "mode": tuple(DELIVERY_MODES),
    }


@dataclass
class BadParameter:
    """A search parameter's value the service does not know: the parameter's name, the value
    as given, and for a choice the values it may take."""

    name: str
    value: str
    allowed: tuple | dict = ()


def read_search_parameters(args, on_bad):
    """The words, filters and order of a search from a request.args-like mapping, as keyword
    arguments for SearchRequest: the one reading the search page and the API share. A bad
    value is left out and handed to `on_bad` as a BadParameter: the page notes it and goes on,
    the API refuses the request."""
    choices = {
        "category": category_names(),
        "phase": PHASES,
        "district": DISTRICT_NAMES,
        "mode": DELIVERY_MODES,
    }
    values = {"q": (args.get("q") or "").strip()}
    for name, allowed in choices.items():
        values[name] = _choice(args, name, allowed, on_bad)
    values["max_price_pence"] = _max_price(args, on_bad)
    values["sort"] = _choice(args, "sort", SORTS, on_bad) or "relevance"
    return values


def _choice(args, name, allowed, on_bad):
    value = (args.get(name) or "").strip()
    if value and value not in allowed:
        on_bad(BadParameter(name, value, allowed))
        return None
    return value or None


def _max_price(args, on_bad):
    value = (args.get("max_price") or "").strip()
    if not value:
        return None
    try:
        return parse_pounds(value)
    except MoneyError:
        on_bad(BadParameter("max_price", value))
        return None


# What the search page calls a parameter when it ignores a bad value.
_PAGE_NAMES = {"mode": "delivery mode"}


def _ignored(bad):
    """The search page's note of a value it ignored."""
    if bad.name == "max_price":
        return f"Maximum price '{bad.value[:20]}' is not an amount and was ignored"
    return f"Unknown {_PAGE_NAMES.get(bad.name, bad.name)} '{bad.value[:60]}' was ignored"


def _whole_number(text, default, lowest, highest):
    try:
        number = int((text or "").strip())
    except ValueError:
        return default
    return min(max(number, lowest), highest)
