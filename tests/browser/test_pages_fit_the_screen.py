"""The pages schools use on a phone fit a 390 px screen, and the admin's offers import fits a
laptop, without scrolling sideways, in real Chromium; each passes axe-core there."""

import pytest
from playwright.sync_api import expect

from elp.search import saved_searches
from tests.factories import PASSWORD, committed, make_admin, make_member, make_offer, make_school

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
LONG_TITLE = "Speech, language and communication needs: assessment, interventions and training"


def assert_no_sideways_scrolling(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window"


@pytest.fixture
def school_user(db):
    offering = make_school(name="Oak Academy", district="Harlow")
    make_offer(offering, LONG_TITLE, phases=("KS1", "KS2"), price_pence=35000)
    make_offer(offering, "Phonics catch-up for Year 2 and Year 3", phases=("KS1",))
    member = make_member(make_school(name="Seeking Primary", district="Harlow"),
                         email="sam@seeking.example")  # fmt: skip
    for status in ("published", "draft", "paused", "archived"):
        make_offer(member.school, f"{LONG_TITLE} ({status})", status=status, capacity=12)
    committed(saved_searches.save_search, 
        member, {"q": "speech and language", "phase": "KS1", "district": "Harlow",
                 "mode": "at_your_school", "max_price": "350"}, name=LONG_TITLE
    )  # fmt: skip
    committed(saved_searches.save_search, member, {"q": "phonics"})
    db.session.commit()
    return member


def test_the_search_page_shows_results_before_filters_on_a_phone(
    page, live_server, assert_accessible, sign_in_with_browser, school_user
):
    page.set_viewport_size(PHONE)
    sign_in_with_browser(page, school_user.email, PASSWORD)
    page.goto(live_server.url + "/search?q=speech&phase=KS1")

    expect(page.locator("#result-list")).to_contain_text(LONG_TITLE)
    results = page.locator("#search-results").bounding_box()
    filters = page.locator("#filters").bounding_box()
    assert results["y"] + results["height"] <= filters["y"]
    assert page.get_by_role("link", name="Filter offers").is_visible()
    assert_no_sideways_scrolling(page)
    assert_accessible(page)


def test_your_offers_fit_a_phone(page, live_server, assert_accessible, sign_in_with_browser,
                                 school_user):  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in_with_browser(page, school_user.email, PASSWORD)
    page.goto(live_server.url + "/offers/mine")

    expect(page.get_by_role("heading", name="Your school’s offers")).to_be_visible()
    expect(page.locator("table")).to_contain_text(f"{LONG_TITLE} (paused)")
    # Each row stacks, its cells labelled with their column's heading.
    last_changed = page.locator("td[data-label='Last changed']").first
    assert last_changed.evaluate("cell => getComputedStyle(cell).display") == "block"
    assert "Last changed" in last_changed.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert_no_sideways_scrolling(page)
    assert_accessible(page)


def test_saved_searches_fit_a_phone(page, live_server, assert_accessible, sign_in_with_browser,
                                    school_user):  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in_with_browser(page, school_user.email, PASSWORD)
    page.goto(live_server.url + "/search/saved")

    expect(page.locator("table")).to_contain_text(LONG_TITLE)
    assert_no_sideways_scrolling(page)
    assert_accessible(page)


def test_the_offers_import_fits_a_laptop(page, live_server, assert_accessible,
                                         sign_in_with_browser, db):  # fmt: skip
    make_admin(email="pat@elp.example")
    page.set_viewport_size(LAPTOP)
    sign_in_with_browser(page, "pat@elp.example", PASSWORD)
    page.goto(live_server.url + "/admin/offers/import")

    expect(page.get_by_role("heading", name="Import offers")).to_be_visible()
    assert_no_sideways_scrolling(page)
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_no_sideways_scrolling(page)
