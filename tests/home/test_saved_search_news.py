"""New offers matching a saved search on its owner's "What needs you": recorded by the daily
alert, shown only to the user who saved the search, cleared when they open its results."""

import re
from datetime import timedelta

import pytest

from elp.extensions import db as _db
from elp.search import saved_searches
from elp.search.models import SavedSearch
from elp.timeutil import utcnow
from tests.factories import committed, make_member, make_offer, make_school
from tests.queries import statements_run


@pytest.fixture
def people(db):
    """Sam at Seeking Primary saved a search for phonics a day ago; Kim, a colleague, did not."""
    seeking = make_school(name="Seeking Primary")
    sam = make_member(seeking, full_name="Sam Seeker")
    kim = make_member(seeking, full_name="Kim Colleague")
    saved, _ = committed(saved_searches.save_search, sam, {"q": "phonics"}, "phonics")
    saved.last_alerted_at = utcnow() - timedelta(days=1)
    _db.session.commit()
    return sam, kim, saved


def _new_offers(count):
    oak = make_school(name="Oak Academy")
    for n in range(count):
        make_offer(oak, f"Phonics catch-up {n}", published_at=utcnow() - timedelta(hours=1))
    _db.session.commit()


def _items(page):
    if 'id="what-needs-you"' not in page:
        return []
    body = page.split('id="what-needs-you"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", body, re.DOTALL)
    ]


def _home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_new_matches_show_after_the_alert_run_not_before(client, login_as, people, sent_emails):
    sam, kim, saved = people
    _new_offers(3)

    assert _items(_home(login_as(sam))) == []
    assert saved_searches.send_alerts() == 1

    page = _home(login_as(sam))
    assert _items(page) == ["3 new offers match your saved search ‘phonics’ New"]
    assert f'href="/search/saved/{saved.id}/results"' in page
    # The saved search is Sam's: his colleague sees nothing of it.
    assert _items(_home(login_as(kim))) == []


def test_one_new_match_is_said_in_the_singular_and_later_ones_add_up(
    client, login_as, people, sent_emails
):
    sam, kim, saved = people  # noqa: RUF059
    _new_offers(1)
    saved_searches.send_alerts()
    assert _items(_home(login_as(sam))) == ["1 new offer matches your saved search ‘phonics’ New"]

    later = utcnow() + timedelta(days=1)
    make_offer(title="Phonics outreach", published_at=later - timedelta(hours=1))
    _db.session.commit()
    saved_searches.send_alerts(now=later)
    assert _items(_home(login_as(sam))) == ["2 new offers match your saved search ‘phonics’ New"]


def test_opening_the_results_clears_the_item(client, login_as, people, sent_emails):
    sam, kim, saved = people  # noqa: RUF059
    _new_offers(2)
    saved_searches.send_alerts()
    client = login_as(sam)

    response = client.get(f"/search/saved/{saved.id}/results")

    assert response.status_code == 302
    assert response.headers["Location"] == "/search?q=phonics&sort=newest"
    assert _items(_home(client)) == []
    assert _db.session.get(SavedSearch, saved.id).new_matches == 0


def test_someone_elses_saved_search_results_are_not_found(client, login_as, people, sent_emails):
    sam, kim, saved = people
    _new_offers(2)
    saved_searches.send_alerts()

    assert login_as(kim).get(f"/search/saved/{saved.id}/results").status_code == 404
    assert _items(_home(login_as(sam))) == ["2 new offers match your saved search ‘phonics’ New"]


def _saved_searches_with_news(user, count):
    for n in range(count):
        _db.session.add(
            SavedSearch(
                school_id=user.school_id,
                user_id=user.id,
                name=f"Search {n} of {count}",
                params={"q": f"search {n} of {count}"},
                unsubscribe_key=f"{n:032d}",
                new_matches=n + 1,
                new_matches_at=utcnow(),
            )
        )
    _db.session.commit()


def test_the_home_page_runs_the_same_queries_for_5_and_50_saved_searches_with_news(
    client, login_as, people
):
    sam, kim, saved = people  # noqa: RUF059
    client = login_as(sam)

    _saved_searches_with_news(sam, 5)
    with statements_run(_db.engine) as five:
        page = _home(client)
    assert len(_items(page)) == 5
    _saved_searches_with_news(sam, 45)
    with statements_run(_db.engine) as fifty:
        page = _home(client)

    assert len(_items(page)) == 50
    assert len(fifty) == len(five), "\n".join(fifty)
