"""Unmet demand: what schools searched for and did not get, grouped by what the words mean.

A search counts when it had words and either found nothing, or found offers but its
school sent no request in the REQUEST_WINDOW_DAYS that followed. Searches are grouped by
their terms as the search analyser reads them (stems and synonym concepts, through
`elp.search.services.search_terms`), leaving out district names and the words that say who
the support is for ("pupils", "children") or that it is support, so "autistic pupils" and
"autism" are one line: the expertise ELP should recruit.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, case, exists, func, or_, select

from elp.accounts.models import School
from elp.extensions import db
from elp.negotiation.models import SupportRequest
from elp.reports.counting import days_after, district_name
from elp.reports.figures import COUNT, Chart, Column, CsvTable, Figures, Series, Table
from elp.search.models import SearchLog
from elp.search.services import search_terms
from elp.timeutil import UK_TIME, format_date, utcnow

REQUEST_WINDOW_DAYS = 7
SHOWN = 100  # lines on the page; the CSV file has them all
CHARTED = 10
# Words that say who the support is for, or that it is support: "autism support for pupils"
# asks for the same expertise as "autism".
GENERAL_WORDS = "pupils children child students learners kids support help advice school schools"


def _general_terms():
    return {term for term, _, _ in search_terms(GENERAL_WORDS)}


def grouping_key(text, general_terms=None):
    """The terms a search is grouped by, in a fixed order; empty for a search of no words."""
    general_terms = _general_terms() if general_terms is None else general_terms
    terms = [(term, place) for term, _, place in search_terms(text)]
    wanted = {term for term, place in terms if place is None and term not in general_terms}
    if not wanted:  # "support" alone, or only a district: group by what was typed
        wanted = {term for term, _ in terms}
    return tuple(sorted(wanted))


def unmet(now=None):
    """SQL: the search found nothing, or led to no request from its school in time."""
    settled_before = (now or utcnow()) - timedelta(days=REQUEST_WINDOW_DAYS)
    request_followed = exists().where(
        SupportRequest.seeking_school_id == SearchLog.school_id,
        SupportRequest.created_at >= SearchLog.searched_at,
        SupportRequest.created_at < days_after(SearchLog.searched_at, REQUEST_WINDOW_DAYS),
    )
    return or_(
        SearchLog.result_count == 0,
        and_(
            SearchLog.school_id.is_not(None),
            SearchLog.searched_at < settled_before,
            ~request_followed,
        ),
    )


@dataclass
class Demand:
    """One line of the report: searches grouped by what they asked for."""

    wordings: Counter = field(default_factory=Counter)  # the query as typed (lower case)
    searches: int = 0
    found_nothing: int = 0
    districts: Counter = field(default_factory=Counter)
    last_asked: object = None

    @property
    def searched_for(self):
        return self.wordings.most_common(1)[0][0]

    @property
    def also_searched_as(self):
        return [wording for wording, _ in self.wordings.most_common()[1:6]]

    @property
    def no_request(self):
        return self.searches - self.found_nothing

    def districts_text(self, separator=", "):
        return separator.join(
            f"{district_name(name)} ({count:,})" for name, count in self._districts_in_order()
        )

    def _districts_in_order(self):
        return sorted(self.districts.items(), key=lambda item: (-item[1], item[0] or "~"))


def unmet_demand(period, district=None, now=None):
    """[Demand], most searched first."""
    statement = (
        select(
            SearchLog.query,
            School.district,
            func.count(),
            func.count(case((SearchLog.result_count == 0, SearchLog.id))),
            func.max(SearchLog.searched_at),
        )
        .select_from(SearchLog)
        .outerjoin(School, School.id == SearchLog.school_id)
        .where(*period.within(SearchLog.searched_at), SearchLog.query != "", unmet(now))
        .group_by(SearchLog.query, School.district)
    )
    if district:
        statement = statement.where(School.district == district)
    general_terms = _general_terms()
    keys = {}
    groups = defaultdict(Demand)
    for query, school_district, searches, found_nothing, last in db.session.execute(statement):
        if query not in keys:
            keys[query] = grouping_key(query, general_terms)
        key = keys[query]
        if not key:
            continue  # only stop words: nothing to recruit for
        demand = groups[key]
        demand.wordings[" ".join(query.lower().split())] += searches
        demand.searches += searches
        demand.found_nothing += found_nothing
        demand.districts[school_district] += searches
        demand.last_asked = max(last, demand.last_asked or last)
    return sorted(groups.values(), key=lambda demand: (-demand.searches, demand.searched_for))


def build(period, district):
    demands = unmet_demand(period, district)
    table = Table(
        "Searches that found nothing or led to no request, grouped by what they asked for",
        [
            Column("Searched for"),
            Column("Searches", COUNT),
            Column("Found nothing", COUNT),
            Column("Found offers, no request followed", COUNT),
            Column("Districts asking"),
            Column("Last asked"),
        ],
        [
            [
                _searched_for(demand),
                demand.searches,
                demand.found_nothing,
                demand.no_request,
                demand.districts_text(),
                format_date(demand.last_asked),
            ]
            for demand in demands[:SHOWN]
        ],
        empty="No search in this period went without an answer.",
    )
    top = demands[:CHARTED]
    chart = Chart(
        "searches",
        "Most searched for without an answer",
        "horizontal_stacked_bar",
        [demand.searched_for for demand in top],
        [
            Series("Found nothing", [demand.found_nothing for demand in top]),
            Series("Found offers, no request followed", [demand.no_request for demand in top]),
        ],
    )
    csv_rows = [
        [
            demand.searched_for,
            "; ".join(demand.also_searched_as),
            demand.searches,
            demand.found_nothing,
            demand.no_request,
            demand.districts_text("; "),
            demand.last_asked.astimezone(UK_TIME).date().isoformat(),
        ]
        for demand in demands
    ]
    csv = CsvTable(
        ["searched_for", "also_searched_as", "searches", "found_nothing", "no_request_followed",
         "districts", "last_asked"],
        csv_rows,
    )  # fmt: skip
    summary = [
        ("Different things asked for", f"{len(demands):,}"),
        ("Searches", f"{sum(demand.searches for demand in demands):,}"),
    ]
    return Figures([table], [chart], csv, summary)


def _searched_for(demand):
    also = demand.also_searched_as
    return demand.searched_for + (f" (also: {', '.join(also)})" if also else "")
