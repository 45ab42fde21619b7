"""GET /api/v1/offers keeps PRODUCT.md's contract: its shape, its filters, its sorts."""

from datetime import timedelta

import pytest

from elp.api import services
from elp.search.models import SearchLog
from elp.timeutil import utcnow
from tests.factories import committed, make_admin, make_member, make_offer, make_school

RESULT_FIELDS = {
    "id",
    "title",
    "summary",
    "school",
    "district",
    "snippet",
    "price_pence",
    "unit",
    "url",
}


@pytest.fixture
def seeker(db, login_as):
    user = make_member(make_school(name="Seeking Primary", easting=570000, northing=207000))
    login_as(user)
    return user


def search(client, **params):
    response = client.get("/api/v1/offers", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def titles(body):
    return [result["title"] for result in body["results"]]


def test_the_answer_has_exactly_the_documented_shape(client, seeker):
    school = make_school(name="Oak Special School", district="Harlow")
    offer = make_offer(school, "Autism outreach", price_pence=42050, unit="half_day")

    body = search(client, q="autism")

    assert set(body) == {"total", "page", "pages", "results", "facets", "did_you_mean"}
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
    assert set(body["facets"]) == {"category", "phase", "district", "mode"}
    assert body["did_you_mean"] is None or isinstance(body["did_you_mean"], str)
    [result] = body["results"]
    assert set(result) == RESULT_FIELDS
    assert result["id"] == offer.id
    assert result["title"] == "Autism outreach"
    assert result["school"] == "Oak Special School"
    assert result["district"] == "Harlow"
    assert result["price_pence"] == 42050
    assert result["unit"] == "half_day"
    assert isinstance(result["snippet"], str) and result["snippet"]
    assert result["url"] == f"http://localhost/offers/{offer.id}"


def test_a_price_on_request_is_null(client, seeker):
    make_offer(title="Governor training", price_pence=None)

    [result] = search(client)["results"]

    assert result["price_pence"] is None


def test_only_published_visible_offers_are_returned(client, seeker):
    make_offer(title="Published phonics")
    make_offer(title="Draft phonics", status="draft")
    make_offer(title="Paused phonics", status="paused")
    make_offer(title="Archived phonics", status="archived")
    make_offer(title="Hidden phonics", hidden_at=utcnow(), hidden_reason="Duplicate")

    body = search(client, q="phonics")

    assert titles(body) == ["Published phonics"]
    assert body["total"] == 1


def test_snippets_are_html_with_user_text_escaped(client, seeker):
    make_offer(title="Phonics <script>", summary="Phonics & early reading <b>support</b>")

    [result] = search(client, q="phonics")["results"]

    assert "<script>" not in result["snippet"] and "<b>" not in result["snippet"]
    assert "&lt;b&gt;" in result["snippet"]


def test_facets_count_the_matching_offers_by_each_filter(client, seeker):
    make_offer(
        title="Reading one",
        category="Pupil achievement",
        phases=("KS1", "KS2"),
        districts=("Harlow",),
        delivery_mode="online",
    )
    make_offer(
        title="Reading two",
        category="Pupil achievement",
        phases=("KS1",),
        districts=("Harlow", "Basildon"),
        delivery_mode="at_your_school",
    )
    make_offer(
        title="Reading three",
        category="Training and CPD",
        phases=("KS2",),
        districts=("Basildon",),
        delivery_mode="online",
    )

    facets = search(client, q="reading")["facets"]

    assert facets["category"] == {"Pupil achievement": 2, "Training and CPD": 1}
    assert facets["phase"] == {"KS1": 2, "KS2": 2}
    assert facets["mode"] == {"online": 2, "at_your_school": 1}
    assert facets["district"]["Harlow"] == 2 and facets["district"]["Basildon"] == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "Training and CPD"}, ["CPD online"]),
        ({"phase": "KS4"}, ["KS4 maths"]),
        ({"mode": "online"}, ["CPD online"]),
        ({"district": "Tendring"}, ["Tendring only", "All of Essex"]),
    ],
)
def test_each_filter_narrows_the_results(client, seeker, params, expected):
    make_offer(
        title="CPD online",
        category="Training and CPD",
        delivery_mode="online",
        districts=("Harlow",),
    )
    make_offer(title="KS4 maths", phases=("KS4",), districts=("Harlow",))
    make_offer(title="Tendring only", districts=("Tendring",))
    make_offer(title="All of Essex", serves_all_districts=True)

    body = search(client, **params)

    assert sorted(titles(body)) == sorted(expected)


def test_max_price_is_in_pounds_and_leaves_out_price_on_request(client, seeker):
    make_offer(title="Cheap", price_pence=30000)
    make_offer(title="Exactly three fifty", price_pence=35000)
    make_offer(title="Dear", price_pence=35001)
    make_offer(title="On request", price_pence=None)

    assert sorted(titles(search(client, max_price="350"))) == ["Cheap", "Exactly three fifty"]
    assert sorted(titles(search(client, max_price="300.00"))) == ["Cheap"]


def test_sort_by_price_puts_the_cheapest_first(client, seeker):
    make_offer(title="Middle", price_pence=30000)
    make_offer(title="Cheapest", price_pence=10000)
    make_offer(title="Dearest", price_pence=50000)

    assert titles(search(client, sort="price")) == ["Cheapest", "Middle", "Dearest"]


def test_sort_by_newest_puts_the_latest_first(client, seeker):
    now = utcnow()
    make_offer(
        title="Old", created_at=now - timedelta(days=30), published_at=now - timedelta(days=30)
    )
    make_offer(title="New", created_at=now, published_at=now)
    make_offer(
        title="Middle", created_at=now - timedelta(days=3), published_at=now - timedelta(days=3)
    )

    assert titles(search(client, sort="newest")) == ["New", "Middle", "Old"]


def test_sort_by_distance_puts_the_nearest_school_first(client, seeker):
    make_offer(make_school(name="Far", easting=600000, northing=207000), "Far offer")
    make_offer(make_school(name="Near", easting=571000, northing=207000), "Near offer")
    make_offer(make_school(name="Middle", easting=580000, northing=207000), "Middle offer")

    response = search(client, sort="distance")

    assert titles(response) == ["Near offer", "Middle offer", "Far offer"]


def test_sort_by_relevance_puts_the_best_match_first(client, seeker):
    make_offer(title="Behaviour support", summary="Whole-school behaviour and attendance support")
    make_offer(title="Maths mastery", summary="Help with maths, and a little behaviour advice")

    assert titles(search(client, q="behaviour", sort="relevance"))[0] == "Behaviour support"


def test_results_come_twenty_to_a_page(client, seeker):
    for number in range(25):
        make_offer(title=f"Phonics offer {number}")

    first = search(client, q="phonics")
    second = search(client, q="phonics", page="2")
    past_the_end = search(client, q="phonics", page="3")
    notice = client.get("/api/v1/offers?q=phonics&page=3").headers["ELP-Notice"]

    assert (first["total"], first["pages"], len(first["results"])) == (25, 2, 20)
    assert (second["page"], len(second["results"])) == (2, 5)
    assert not set(titles(first)) & set(titles(second))
    assert past_the_end["results"] == [] and past_the_end["total"] == 25
    assert "no page 3" in notice


def test_an_empty_search_says_so(client, seeker):
    make_offer(title="Phonics")

    body = search(client, q="astrophysics")

    assert (body["total"], body["results"], body["pages"]) == (0, [], 1)


def test_a_misspelt_query_suggests_a_correction(client, seeker):
    make_offer(title="Phonics intervention", summary="Phonics for struggling readers")

    assert search(client, q="phonnics")["did_you_mean"] == "phonics"


def test_malformed_search_syntax_is_searched_as_plain_words(client, seeker):
    make_offer(title="Phonics")

    for q in ['"phonics', "(phonics", "AND", "-", "*", "title:", "phonics " * 300, "音素"]:
        response = client.get("/api/v1/offers", query_string={"q": q})
        assert response.status_code == 200, q
        assert set(response.get_json()) >= {"total", "results"}


def test_an_admin_session_can_search_but_not_by_distance(client, db, login_as):
    login_as(make_admin())
    make_offer(title="Phonics")

    response = client.get("/api/v1/offers", query_string={"sort": "distance"})

    assert response.status_code == 200
    assert titles(response.get_json()) == ["Phonics"]
    assert "relevance" in response.headers["ELP-Notice"]


def test_api_searches_are_logged_for_the_unmet_demand_report(client, db, seeker):
    _, secret = committed(services.issue_token, "Dashboard", actor=make_admin())
    search(client, q="astrophysics", district="Harlow")
    client.get("/api/v1/offers?q=geology", headers={"Authorization": f"Bearer {secret}"})

    logs = db.session.scalars(db.select(SearchLog).order_by(SearchLog.id)).all()
    assert [(log.query, log.source, log.school_id, log.result_count) for log in logs] == [
        ("astrophysics", "api", seeker.school_id, 0),
        ("geology", "api", None, 0),
    ]
    assert logs[0].filters == {"district": "Harlow"}
