"""The service menu marks the section a page belongs to, not only the section's first page."""

import re

import pytest

from tests.factories import make_admin, make_lead, make_member, make_offer, make_school


def marked(client, url):
    """The menu items marked as current on the page at `url`."""
    page = client.get(url).get_data(as_text=True)
    return re.findall(
        r'<strong class="govuk-service-navigation__active-fallback">([^<]+)</strong>', page
    )


def menu(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.findall(
        r'class="govuk-service-navigation__link" href="[^"]+"[^>]*>\s*(?:<strong[^>]*>)?([^<]+)<',
        page,
    )


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/schools", "/admin/schools/new", "/admin/schools/import", "/admin/offers",
     "/admin/offers/import", "/admin/categories", "/admin/api-tokens", "/admin/fee-policy",
     "/admin/audit-log", "/admin/reports", "/admin/reports/unmet-demand", "/admin/settings",
     "/admin/settings/days", "/admin/moderation", "/admin/users", "/admin/users/new-admin",
     "/admin/access-codes", "/admin/access-codes/bulk", "/admin/settings/synonyms"],
)  # fmt: skip
def test_every_admin_page_marks_admin(db, login_as, url):
    client = login_as(make_admin())

    assert marked(client, url) == ["Admin"]


def test_admin_pages_about_one_school_mark_admin(db, login_as):
    school = make_school()
    client = login_as(make_admin())

    assert marked(client, f"/admin/schools/{school.id}") == ["Admin"]


@pytest.mark.parametrize(
    ("url", "section"),
    [("/", "Home"), ("/search", "Find support"), ("/search?q=phonics", "Find support"),
     ("/search/saved", "Saved searches"), ("/offers/mine", "Your offers"),
     ("/offers/new", "Your offers"), ("/school/colleagues", "Colleagues"),
     ("/school/colleagues/invite", "Colleagues"), ("/account/sessions", None)],
)  # fmt: skip
def test_school_pages_mark_their_section(db, login_as, url, section):
    client = login_as(make_lead())

    assert marked(client, url) == ([section] if section else [])


def test_an_offer_page_marks_your_offers_for_its_school_and_find_support_for_others(db, login_as):
    member = make_member()
    own = make_offer(member.school)
    other = make_offer(make_school())
    client = login_as(member)

    assert marked(client, f"/offers/{own.id}") == ["Your offers"]
    assert marked(client, f"/offers/{own.id}/edit") == ["Your offers"]
    assert marked(client, f"/offers/{other.id}") == ["Find support"]


def test_school_users_find_their_saved_searches_in_the_menu(db, login_as):
    assert "Saved searches" in menu(login_as(make_member()), "/")


def test_admins_have_no_saved_searches_in_the_menu(db, login_as):
    items = menu(login_as(make_admin()), "/admin/")

    assert "Saved searches" not in items
    assert "Admin" in items


@pytest.mark.parametrize("url", ["/admin/charges", "/admin/charges?status=paid"])
def test_the_charges_pages_mark_charges_in_the_admin_menu(db, login_as, url):
    client = login_as(make_admin())

    assert "Charges" in menu(client, "/admin/")
    assert marked(client, url) == ["Charges"]

