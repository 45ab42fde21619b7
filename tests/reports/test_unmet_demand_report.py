"""The unmet-demand report: searches that found nothing or led to no request, grouped by
what they asked for as the search analyser reads the words."""

from datetime import timedelta

import pytest

from elp.extensions import db as _db
from elp.reports.periods import Period
from elp.reports.unmet_demand import REQUEST_WINDOW_DAYS, grouping_key, unmet_demand
from elp.search.models import SearchLog
from elp.timeutil import UK_TIME, utcnow
from tests.factories import make_member, make_offer, make_request, make_school
from tests.reports.conftest import read_csv


def search(query, school=None, results=0, ago=timedelta(days=10)):
    log = SearchLog(
        school_id=school.id if school else None,
        query=query,
        filters={},
        result_count=results,
        searched_at=utcnow() - ago,
    )
    _db.session.add(log)
    _db.session.commit()
    return log


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("autistic pupils", "autism"),
        ("Autism support for children", "ASD"),
        ("speech and language therapy", "SALT"),
        ("phonics Harlow", "phonics"),
        ("outreach autism", "autism outreach"),
    ],
)
def test_searches_that_ask_for_the_same_expertise_group_together(one, other):
    assert grouping_key(one) == grouping_key(other)


@pytest.mark.parametrize(("one", "other"), [("autism", "phonics"), ("autism outreach", "autism")])
def test_searches_for_different_expertise_stay_apart(one, other):
    assert grouping_key(one) != grouping_key(other)


def test_a_search_of_only_general_words_groups_by_those_words():
    assert grouping_key("support") == grouping_key("Support")
    assert grouping_key("support") != grouping_key("help")
    assert grouping_key("the of and") == ()


@pytest.fixture
def schools(db):
    return {
        "harlow": make_school(name="Harlow Fields School", district="Harlow"),
        "chelmsford": make_school(name="Moulsham Infant School", district="Chelmsford"),
    }


def test_unmet_searches_are_counted_by_group_with_districts_and_last_asked(db, schools):
    harlow, chelmsford = schools["harlow"], schools["chelmsford"]
    search("autistic pupils", harlow, ago=timedelta(days=3))
    latest = search("Autism", chelmsford, ago=timedelta(days=1))
    search("autism", chelmsford, results=4, ago=timedelta(days=20))  # no request followed
    answered = search("autism", harlow, results=4, ago=timedelta(days=20))
    request = make_request(make_offer(make_school()), author=make_member(harlow))
    request.created_at = answered.searched_at + timedelta(days=1)  # a request followed
    search("autism", harlow, results=4, ago=timedelta(days=2))  # too recent to tell
    search("phonics", chelmsford)
    search("", harlow)  # filters only: nothing to group
    search("the", harlow)  # only stop words
    search("dyslexia")  # through the API: no school
    _db.session.commit()

    demands = unmet_demand(Period(), now=utcnow())

    found = {demand.searched_for: demand for demand in demands}
    assert list(found) == ["autism", "dyslexia", "phonics"]
    autism = found["autism"]
    assert autism.searches == 3
    assert autism.found_nothing == 2
    assert autism.no_request == 1
    assert dict(autism.wordings) == {"autism": 2, "autistic pupils": 1}
    assert autism.also_searched_as == ["autistic pupils"]
    assert dict(autism.districts) == {"Chelmsford": 2, "Harlow": 1}
    assert autism.last_asked == latest.searched_at
    assert dict(found["dyslexia"].districts) == {None: 1}


def test_the_request_window_is_counted_in_the_database_on_either_engine(db, schools):
    harlow, chelmsford = schools["harlow"], schools["chelmsford"]
    early = search("autism", harlow, results=2, ago=timedelta(days=30))
    late = search("phonics", chelmsford, results=2, ago=timedelta(days=30))
    for log, school, after in (
        (early, harlow, timedelta(days=REQUEST_WINDOW_DAYS, seconds=-60)),
        (late, chelmsford, timedelta(days=REQUEST_WINDOW_DAYS, seconds=60)),
    ):
        request = make_request(make_offer(make_school()), author=make_member(school))
        request.created_at = log.searched_at + after
    _db.session.commit()

    assert [demand.searched_for for demand in unmet_demand(Period())] == ["phonics"]


def test_the_report_filters_by_the_asking_school_district_and_period(db, schools):
    search("autism", schools["harlow"], ago=timedelta(days=3))
    search("phonics", schools["chelmsford"], ago=timedelta(days=3))
    search("maths", schools["chelmsford"], ago=timedelta(days=400))
    today = utcnow().astimezone(UK_TIME).date()
    this_month = Period(today - timedelta(days=30), today)

    assert [d.searched_for for d in unmet_demand(this_month, "Chelmsford")] == ["phonics"]
    assert [d.searched_for for d in unmet_demand(this_month)] == ["autism", "phonics"]


def test_the_csv_has_a_line_for_each_group_with_its_columns(admin_client, schools):
    search("autistic pupils", schools["harlow"], ago=timedelta(days=3))
    search("autism", schools["chelmsford"], ago=timedelta(days=2))
    search("=cmd|calc", schools["chelmsford"], ago=timedelta(days=2))

    rows = read_csv(admin_client.get("/admin/reports/unmet-demand.csv"))

    assert rows[0] == ["searched_for", "also_searched_as", "searches", "found_nothing",
                       "no_request_followed", "districts", "last_asked"]  # fmt: skip
    by_query = {row[0]: row for row in rows[1:]}
    assert by_query["autism"][1:6] == ["autistic pupils", "2", "2", "0",
                                        "Chelmsford (1); Harlow (1)"]  # fmt: skip
    assert (
        by_query["autism"][6]
        == (utcnow() - timedelta(days=2)).astimezone(UK_TIME).date().isoformat()
    )
    assert "'=cmd|calc" in by_query  # a spreadsheet never runs it


def test_the_page_lists_what_was_asked_for(admin_client, schools):
    search("autistic pupils", schools["harlow"], ago=timedelta(days=3))
    search("autism", schools["harlow"], ago=timedelta(days=2))

    page = admin_client.get("/admin/reports/unmet-demand").get_data(as_text=True)

    assert "autism (also: autistic pupils)" in page or "autistic pupils (also: autism)" in page
    assert "Harlow (2)" in page
