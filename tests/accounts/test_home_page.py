"""The home page changes by who is looking."""

from tests.factories import make_admin, make_lead, make_member, make_school


def test_anonymous_visitors_see_what_the_service_is_and_how_to_get_in(client):
    page = client.get("/").get_data(as_text=True)
    assert "Share expertise between Essex schools" in page
    assert 'href="/sign-in"' in page
    assert "join with an access code from ELP" in page


def test_a_member_sees_their_schools_dashboard(client, db, login_as):
    school = make_school(name="Moulsham Infant School", urn="115123")
    login_as(make_member(school, full_name="Sam Jones"))

    page = client.get("/").get_data(as_text=True)

    assert "Moulsham Infant School" in page
    assert "Member" in page and "Sam Jones" in page
    assert "115123" in page
    assert 'href="/search">Find support from other Essex schools' in page
    assert 'href="/offers/mine">Offer your school\'s expertise' in page
    assert "Invite and manage colleagues" not in page


def test_a_lead_is_pointed_to_their_colleagues(client, db, login_as):
    login_as(make_lead(make_school()))
    page = client.get("/").get_data(as_text=True)
    assert "School lead" in page
    assert 'href="/school/colleagues">Invite and manage colleagues' in page


def test_an_admin_is_pointed_to_the_admin_pages(client, db, login_as):
    login_as(make_admin(full_name="Ada Lovelace"))
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Ada Lovelace" in page
    assert 'href="/admin/">Go to ELP admin' in page
