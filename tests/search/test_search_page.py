"""A seeking school finds offers on the search page: words, filters, counts, sorting, pages."""

import re

import pytest
from factories import make_member, make_offer, make_school

from elp.extensions import db as _db
from elp.offers.models import Category, Offer, OfferDistrict, OfferPhase
from elp.search.models import SearchLog


@pytest.fixture
def seeker(db, login_as):
    school = make_school(name="Seeking Primary", district="Chelmsford", easting=570000, northing=207000)
    user = make_member(school)
    login_as(user)
    return user


def page_text(response):
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def result_titles(response):
    return re.findall(r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="/offers/\d+(?:\?[^"]*)?">([^<]+)</a>',
                      response.get_data(as_text=True))


def test_a_school_finds_an_offer_with_its_snippet_price_school_district_and_distance(client, seeker):
    harlow = make_school(name="Harlow Fields School", district="Harlow", easting=573000, northing=211000)
    make_offer(harlow, "Phonics training", summary="For KS1 teachers",
               description="Daily **phonics** sessions modelled in your classrooms.", price_pence=35000,
               unit="day")

    response = client.get("/search?q=phonics")

    assert response.status_code == 200
    text = page_text(response)
    assert result_titles(response) == ["Phonics training"]
    assert '<mark class="elp-highlight">phonics</mark>' in text
    assert "£350 per day · Harlow Fields School, Harlow · 3.1 miles (5.0 km) from your school" in text
    assert "1 offer for ‘phonics’" in text


def test_filters_narrow_the_results_and_show_live_counts(client, seeker):
    make_offer(title="Reading in KS1", phases=("KS1",), districts=("Harlow",), price_pence=20000)
    make_offer(title="Reading in KS2", phases=("KS2",), districts=("Basildon",), price_pence=40000)
    make_offer(title="Reading everywhere", phases=("KS1", "KS2"), serves_all_districts=True,
               price_pence=None, delivery_mode="online")

    everything = page_text(client.get("/search?q=reading"))
    assert '<option value="KS1">KS1 (2)</option>' in everything
    assert '<option value="Harlow">Harlow (2)</option>' in everything
    assert '<option value="online">Online (1)</option>' in everything

    narrowed = client.get("/search?q=reading&district=Harlow&phase=KS1")
    assert sorted(result_titles(narrowed)) == ["Reading everywhere", "Reading in KS1"]
    text = page_text(narrowed)
    assert '<option value="KS2" >' not in text
    assert '<option value="KS2">KS2 (1)</option>' in text  # if chosen instead of KS1
    assert 'Remove filter: </span>KS1' in text
    assert 'Remove filter: </span>Serves Harlow' in text
    assert 'href="/search?q=reading&amp;district=Harlow">' in text  # removes the phase only
    assert 'href="/search?q=reading">Clear all filters</a>' in text

    priced = client.get("/search?q=reading&max_price=250")
    assert result_titles(priced) == ["Reading in KS1"]  # price on request is not under £250


def test_an_empty_result_says_which_filter_to_loosen(client, seeker):
    make_offer(title="Behaviour support", price_pence=35000, phases=("KS3",))

    text = page_text(client.get("/search?q=behaviour&max_price=100&phase=KS3"))

    assert "0 offers for ‘behaviour’" in text
    assert "No offers match all your filters." in text
    assert re.search(r"Removing <a class=\"govuk-link\" href=\"/search\?q=behaviour&amp;phase=KS3\">"
                     r"‘Maximum price £100 per unit’</a> would show 1 offer", text)
    assert "‘KS3’</a> would show" not in text  # removing the phase alone would not help


def test_filters_that_match_nothing_together_offer_to_clear_them_all(client, seeker):
    make_offer(title="Phonics", phases=("KS1",), districts=("Harlow",), delivery_mode="at_our_school")
    make_offer(title="Revision", phases=("KS4",), districts=("Tendring",), delivery_mode="at_our_school")

    text = page_text(client.get("/search?phase=KS1&district=Tendring&mode=online"))

    assert "No offers match these filters together." in text
    assert '<a class="govuk-link" href="/search">Clear all filters</a> to see every offer' in text


def test_a_search_with_no_match_suggests_other_words(client, seeker):
    make_offer(title="Behaviour support")

    text = page_text(client.get("/search?q=astrophysics"))

    assert "No offers match ‘astrophysics’." in text
    assert "check the spelling" in text


def test_a_misspelt_word_still_finds_offers_and_offers_the_correction(client, seeker):
    make_offer(title="Phonics intervention", summary="Phonics for struggling readers")

    response = client.get("/search?q=fonics+intervention")

    assert result_titles(response) == ["Phonics intervention"]
    assert 'Did you mean <a class="govuk-link" href="/search?q=phonics+intervention">phonics intervention</a>?' in page_text(response)


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("price", ["Cheap maths", "Dear maths", "Maths on request"]),
        ("newest", ["Maths on request", "Dear maths", "Cheap maths"]),
        ("distance", ["Dear maths", "Maths on request", "Cheap maths"]),
    ],
)
def test_results_sort_by_price_newest_and_nearest(client, seeker, sort, expected):
    far = make_school(easting=600000, northing=230000)
    near = make_school(easting=570500, northing=207000)
    middle = make_school(easting=580000, northing=207000)
    make_offer(far, "Cheap maths", price_pence=10000)
    make_offer(near, "Dear maths", price_pence=90000)
    make_offer(middle, "Maths on request", price_pence=None)

    assert result_titles(client.get(f"/search?q=maths&sort={sort}")) == expected


def test_results_come_in_pages(client, seeker):
    for number in range(25):
        make_offer(title=f"Attendance project {number:02d}")

    first = client.get("/search?q=attendance")
    second = client.get("/search?q=attendance&page=2")

    assert len(result_titles(first)) == 20
    assert len(result_titles(second)) == 5
    assert not set(result_titles(first)) & set(result_titles(second))
    assert 'href="/search?q=attendance&amp;page=2"' in page_text(first)
    assert "Page 2 of 2" in page_text(second)


def test_an_admin_can_search_without_a_school(client, db, login_as):
    from factories import make_admin

    make_offer(title="Safeguarding review")
    login_as(make_admin())

    response = client.get("/search?q=safeguarding&sort=distance")

    assert response.status_code == 200
    assert result_titles(response) == ["Safeguarding review"]
    assert "not sorted by distance" in page_text(response)


def test_the_page_loads_its_script_from_a_file(client, seeker):
    text = client.get("/search").get_data(as_text=True)

    assert '<script type="module" src="/static/js/search.js"></script>' in text
    assert "<script>" not in text


def test_every_search_is_logged_with_the_school_and_never_the_user(client, seeker):
    make_offer(title="Phonics training", phases=("KS1",))

    client.get("/search?q=phonics&phase=KS1")
    client.get("/search?q=astronomy")

    logs = _db.session.scalars(_db.select(SearchLog).order_by(SearchLog.id)).all()
    assert [(log.query, log.filters, log.result_count, log.school_id) for log in logs] == [
        ("phonics", {"phase": "KS1"}, 1, seeker.school_id),
        ("astronomy", {}, 0, seeker.school_id),
    ]
    assert not any("user" in column.name for column in SearchLog.__table__.columns)


def test_a_search_typed_letter_by_letter_is_logged_once(client, seeker):
    for typed in ("pho", "phon", "phonics", "phonics k", "phonics ks1"):
        client.get(f"/search?q={typed}")

    logs = _db.session.scalars(_db.select(SearchLog)).all()
    assert [log.query for log in logs] == ["phonics ks1"]


@pytest.mark.parametrize(
    "query, expected, message",
    [
        ('"phonics', ["Phonics training"], "1 offer for ‘&#34;phonics’"),
        ("(phonics", ["Phonics training"], "1 offer for ‘(phonics’"),
        ("phonics)", ["Phonics training"], "1 offer for ‘phonics)’"),
        ("AND", ["Phonics training"], "1 offer for ‘AND’"),  # a lone stop word: every offer
        ("-", ["Phonics training"], "1 offer for ‘-’"),
        ("*", ["Phonics training"], "1 offer for ‘*’"),
        ("title:", [], "No offers match ‘title:’"),  # the plain word "title"
        ("title:phonics", [], "No offers match ‘title:phonics’"),
        ("phonics AND OR NOT", ["Phonics training"], "1 offer for ‘phonics AND OR NOT’"),
        ("x" * 2000, [], f"No offers match ‘{'x' * 100}’"),
        ("phonics " * 300, ["Phonics training"], "1 offer for ‘phonics phonics"),
        ("фонетика 语音 صوتيات", [], "No offers match ‘фонетика 语音 صوتيات’"),
        ("%00<script>alert(1)</script>", [], "No offers match ‘%00&lt;script&gt;alert(1)"),
        ("\\", ["Phonics training"], "1 offer for ‘\\’"),
    ],
)
def test_malformed_queries_are_searched_as_plain_words(client, seeker, query, expected, message):
    make_offer(title="Phonics training")

    response = client.get("/search", query_string={"q": query})

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "<script>alert" not in text
    assert result_titles(response) == expected
    assert message in page_text(response)
    if not expected:
        assert "check the spelling" in text


def test_operators_and_field_syntax_are_ordinary_words(client, seeker):
    make_offer(title="Phonics training")

    for query in ['phonics: "training', "(phonics AND training", "phonics -training*"]:
        assert result_titles(client.get("/search", query_string={"q": query})) == ["Phonics training"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"phase": "KS9"}, "Unknown phase &#39;KS9&#39; was ignored"),
        ({"category": "Astrology"}, "Unknown category &#39;Astrology&#39; was ignored"),
        ({"district": "Narnia"}, "Unknown district &#39;Narnia&#39; was ignored"),
        ({"mode": "teleport"}, "Unknown delivery mode &#39;teleport&#39; was ignored"),
        ({"max_price": "cheap"}, "Maximum price &#39;cheap&#39; is not an amount and was ignored"),
        ({"sort": "random"}, "Unknown sort &#39;random&#39; was ignored"),
        ({"page": "999"}, "There is no page 999: the results end on page 1"),
    ],
)
def test_unknown_filter_values_are_ignored_with_a_message(client, seeker, args, message):
    make_offer(title="Phonics training")

    response = client.get("/search", query_string={"q": "phonics", **args})

    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    if "page" in args:  # the search stands; the page past the end shows no results, a way back
        assert result_titles(response) == []
        assert "1 offer for ‘phonics’" in text
        assert 'href="/search?q=phonics&amp;page=1">Go to the last page of results</a>' in text
    else:  # the bad value is dropped and the search runs without it
        assert result_titles(response) == ["Phonics training"]
        assert "Remove filter" not in text


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client, seeker):
    make_offer(title="Phonics training")

    response = client.get("/search?q=phonics&page=abc")

    assert response.status_code == 200
    assert result_titles(response) == ["Phonics training"]


def sql_count(category=None, phase=None, district=None, mode=None, max_price_pence=None,
              has_capacity=False):
    """Count visible offers matching the filters straight from the database."""
    query = _db.select(_db.func.count(Offer.id.distinct())).where(
        Offer.status == "published", Offer.hidden_at.is_(None)
    )
    if category:
        query = query.where(Offer.category.has(Category.name == category))
    if phase:
        query = query.where(Offer.phase_rows.any(OfferPhase.phase == phase))
    if district:
        query = query.where(
            Offer.serves_all_districts | Offer.district_rows.any(OfferDistrict.district == district)
        )
    if mode:
        query = query.where(Offer.delivery_mode == mode)
    if max_price_pence is not None:
        query = query.where(Offer.price_pence <= max_price_pence)
    if has_capacity:
        query = query.where(Offer.capacity.is_(None) | (Offer.capacity > 0))
    return _db.session.scalar(query)


def test_facet_counts_equal_the_matching_rows_in_sql(db, seeker):
    from elp.search.services import SearchRequest, search_offers

    categories = ["Pupil achievement", "Behaviour and safety", "Training and CPD"]
    phase_sets = [("KS1",), ("KS2", "KS3"), ("Early years", "KS1"), ("KS4", "Post-16")]
    district_sets = [("Harlow",), ("Basildon", "Colchester"), (), ("Tendring",)]
    modes = ["at_your_school", "online", "mixed"]
    schools = [make_school() for _ in range(3)]
    for number in range(36):
        make_offer(
            schools[number % 3],
            f"Offer {number}",
            category=categories[number % 3],
            phases=phase_sets[number % 4],
            districts=district_sets[number % 4],
            serves_all_districts=not district_sets[number % 4],
            delivery_mode=modes[number % 3],
            price_pence=[None, 15000, 30000, 45000, 60000][number % 5],
            status="published" if number % 7 else "paused",
        )

    for filters in [
        {},
        {"phase": "KS1"},
        {"district": "Harlow", "max_price": "300"},
        {"category": "Behaviour and safety", "mode": "online"},
        {"phase": "KS2", "district": "Colchester", "category": "Pupil achievement"},
    ]:
        request = SearchRequest.from_args(filters)
        results = search_offers(request)
        current = {
            "category": request.category,
            "phase": request.phase,
            "district": request.district,
            "mode": request.mode,
            "max_price_pence": request.max_price_pence,
        }
        assert results.total == sql_count(**current)
        for facet, counts in results.facets.items():
            others = {"category": "Training and CPD", "phase": "KS1", "district": "Harlow",
                      "mode": "online"}
            for value in set(counts) | {others[facet]}:
                expected = sql_count(**dict(current, **{facet: value}))
                assert counts.get(value, 0) == expected, (filters, facet, value)


def test_has_capacity_left_and_maximum_price_count_the_matching_rows_in_sql(db, seeker):
    from elp.search.services import SearchRequest, search_offers

    for number in range(30):
        make_offer(
            title=f"Offer {number}",
            phases=[("KS1",), ("KS2",), ("KS1", "KS2")][number % 3],
            capacity=[None, 0, 4, 0, 12][number % 5],  # None: not limited
            price_pence=[None, 15000, 30000, 45000][number % 4],
            status="published" if number % 7 else "paused",
        )

    for filters in [
        {},
        {"has_capacity": "yes"},
        {"phase": "KS2"},
        {"max_price": "300"},
        {"phase": "KS1", "has_capacity": "yes", "max_price": "300"},
    ]:
        request = SearchRequest.from_args(filters)
        results = search_offers(request)
        current = {"phase": request.phase, "max_price_pence": request.max_price_pence,
                   "has_capacity": request.has_capacity}
        assert results.total == sql_count(**current), filters
        assert results.with_capacity == sql_count(**dict(current, has_capacity=True)), filters
        expected_any_price = sql_count(**dict(current, max_price_pence=None))
        assert results.at_any_price == (expected_any_price if request.max_price_pence else None)


def test_the_page_shows_live_counts_for_capacity_and_maximum_price(client, seeker):
    make_offer(title="Reading with room", capacity=5, price_pence=20000)
    make_offer(title="Reading unlimited", capacity=None, price_pence=40000)
    make_offer(title="Reading fully booked", capacity=0, price_pence=20000)
    make_offer(title="Reading on request", capacity=3, price_pence=None)

    everything = page_text(client.get("/search?q=reading"))
    assert 'Has capacity left this year <span id="has_capacity-count">(3)</span>' in everything

    with_capacity = client.get("/search?q=reading&has_capacity=yes")
    assert "Reading fully booked" not in result_titles(with_capacity)
    assert len(result_titles(with_capacity)) == 3

    priced = client.get("/search?q=reading&max_price=250")
    assert sorted(result_titles(priced)) == ["Reading fully booked", "Reading with room"]
    text = page_text(priced)
    assert 'id="max_price-count">2 of 4 offers at £250 or less per unit</p>' in text
    assert '<span id="has_capacity-count">(1)</span>' in text  # with the price limit too


def test_the_maximum_price_says_it_compares_the_price_of_one_unit(client, seeker):
    text = page_text(client.get("/search?max_price=300"))

    assert '<label class="govuk-label govuk-label--s" for="max_price">Maximum price per unit</label>' in text
    assert "compared with each offer’s price for one of its units, whether that is an hour" in text
    assert "Remove filter: </span>Maximum price £300 per unit" in text


def test_delivery_modes_read_from_the_seeking_schools_side_and_filter_by_their_tokens(client, seeker):
    make_offer(title="Reading at yours", delivery_mode="at_your_school")
    make_offer(title="Reading at ours", delivery_mode="at_our_school")

    text = page_text(client.get("/search?q=reading&mode=at_our_school"))

    assert '<option value="at_your_school">At the seeking school (1)</option>' in text
    assert '<option value="at_our_school" selected>At the offering school (1)</option>' in text
    assert "Remove filter: </span>At the offering school" in text
    assert result_titles(client.get("/search?q=reading&mode=at_our_school")) == ["Reading at ours"]


def test_the_results_come_before_the_filters(client, seeker):
    make_offer(title="Reading support")

    page = client.get("/search?q=reading").get_data(as_text=True)

    # On phones the columns stack in this order: a school sees offers before the filters.
    assert page.index('id="search-results"') < page.index('id="filters"')
    assert '<a class="govuk-link" href="#filters">Filter offers</a>' in page
