"""Destructive actions ask first, on a confirmation page that works without JavaScript:
archiving an offer, deleting a saved search, revoking an access code (removing a colleague
has its own page, tested with the colleagues)."""

from elp.accounts import services as accounts
from elp.extensions import db as _db
from elp.search import saved_searches
from tests.factories import make_admin, make_member, make_offer, make_school


def test_archiving_an_offer_asks_first(db, login_as):
    member = make_member()
    offer = make_offer(member.school, "Phonics catch-up")
    client = login_as(member)

    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert f'href="/offers/{offer.id}/archive" class="govuk-button govuk-button--warning"' in page
    assert f'action="/offers/{offer.id}/archive"' not in page

    confirm = client.get(f"/offers/{offer.id}/archive").get_data(as_text=True)
    assert "Are you sure you want to archive ‘Phonics catch-up’?" in confirm
    assert f'<form method="post" action="/offers/{offer.id}/archive"' in confirm
    assert "Keep the offer" in confirm
    db.session.refresh(offer)
    assert offer.status == "published"

    client.post(f"/offers/{offer.id}/archive")
    db.session.refresh(offer)
    assert offer.status == "archived"


def test_an_archived_offer_has_nothing_to_confirm(db, login_as):
    member = make_member()
    offer = make_offer(member.school, status="archived")

    response = login_as(member).get(f"/offers/{offer.id}/archive")

    assert response.status_code == 409


def test_deleting_a_saved_search_asks_first(db, login_as):
    member = make_member()
    saved, _ = saved_searches.save_search(member, {"q": "phonics"}, name="Phonics")
    client = login_as(member)

    page = client.get("/search/saved").get_data(as_text=True)
    assert f'href="/search/saved/{saved.id}/delete"' in page
    assert f'action="/search/saved/{saved.id}/delete"' not in page

    confirm = client.get(f"/search/saved/{saved.id}/delete").get_data(as_text=True)
    assert "Are you sure you want to delete the saved search “Phonics”?" in confirm
    assert saved_searches.saved_searches_of(member) == [saved]

    client.post(f"/search/saved/{saved.id}/delete")
    assert saved_searches.saved_searches_of(member) == []


def test_revoking_an_access_code_asks_first(db, login_as):
    school = make_school(name="Oak Academy")
    access_code, _ = accounts.issue_access_code(school)
    client = login_as(make_admin())
    url = f"/admin/schools/{school.id}/access-codes/{access_code.id}/revoke"

    page = client.get(f"/admin/schools/{school.id}").get_data(as_text=True)
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page

    confirm = client.get(url).get_data(as_text=True)
    expected = f"Are you sure you want to revoke the access code ending {access_code.hint}?"
    assert expected in confirm
    assert access_code.state() == "valid"

    client.post(url)
    _db.session.refresh(access_code)
    assert access_code.state() == "revoked"
    assert client.get(url).status_code == 409
