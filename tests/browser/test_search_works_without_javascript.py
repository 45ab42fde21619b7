"""With JavaScript turned off, a school can still sign in, search, filter and open an offer.

(axe-core needs JavaScript, so these pages are checked for accessibility by the other tests.)
"""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_member, make_offer, make_school

pytestmark = pytest.mark.browser


def test_a_school_without_javascript_searches_filters_and_opens_an_offer(
    db, page_without_javascript, live_server, sign_in_with_browser
):
    page = page_without_javascript
    harlow = make_school(name="Harlow Fields School", district="Harlow")
    make_offer(harlow, "Early reading in Key Stage 1", phases=("KS1",), districts=("Harlow",))
    make_offer(harlow, "Reading for older pupils", phases=("KS3",), districts=("Harlow",))
    make_member(make_school(name="Seeking Primary"), email="sam@seeking.example")

    sign_in_with_browser(page, "sam@seeking.example", PASSWORD)
    page.get_by_role("link", name="Find support", exact=True).click()
    page.get_by_label("What does your school need?").fill("reading")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#result-count")).to_contain_text("2 offers for ‘reading’")

    page.get_by_label("Phase").select_option("KS1")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#result-count")).to_contain_text("1 offer for ‘reading’")
    assert "phase=KS1" in page.url

    page.get_by_role("link", name="Early reading in Key Stage 1").click()
    expect(page.get_by_role("heading", name="Early reading in Key Stage 1")).to_be_visible()
