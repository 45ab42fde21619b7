"""A seeking school narrows a search with filters and opens an offer, in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_member, make_offer, make_school

pytestmark = pytest.mark.browser


def test_a_seeking_school_narrows_a_search_with_filters_and_opens_an_offer(
    db, page, live_server, assert_accessible, sign_in_with_browser
):
    harlow = make_school(name="Harlow Fields School", district="Harlow", easting=545000, northing=210000)
    tendring = make_school(name="Clacton Coast Academy", district="Tendring", easting=617000, northing=215000)
    make_offer(harlow, "Early reading in Key Stage 1", phases=("KS1",), districts=("Harlow",),
               summary="Phonics and decodable books for Year 1 and Year 2.", price_pence=30000)
    make_offer(tendring, "Reading for older pupils", phases=("KS3",), districts=("Tendring",),
               summary="Reading interventions for Year 7.", price_pence=25000)
    make_offer(harlow, "Behaviour support", phases=("KS2",), districts=("Harlow",),
               category="Behaviour and safety", summary="Coaching for behaviour leads.")
    make_member(make_school(name="Seeking Primary", district="Harlow", easting=546000, northing=211000),
                email="sam@seeking.example")

    sign_in_with_browser(page, "sam@seeking.example", PASSWORD)
    page.get_by_role("link", name="Find support", exact=True).click()
    expect(page.get_by_role("heading", name="Find support", level=1)).to_be_visible()
    assert_accessible(page)

    # The results follow the words as they are typed, without a full reload.
    page.get_by_label("What does your school need?").fill("reading")
    expect(page.locator("#result-count")).to_contain_text("2 offers for ‘reading’")
    expect(page.locator("#search-status")).to_contain_text("2 offers")
    assert re.search(r"[?&]q=reading", page.url)
    expect(page.get_by_label("Phase")).to_contain_text("KS1 (1)")

    page.get_by_label("Phase").select_option("KS1")
    expect(page.locator("#result-count")).to_contain_text("1 offer for ‘reading’")
    assert "phase=KS1" in page.url  # the address stays shareable
    expect(page.locator("#selected-filters")).to_contain_text("KS1")
    expect(page.locator("#result-list")).to_contain_text("Harlow Fields School, Harlow")
    expect(page.locator("#result-list")).to_contain_text("0.9 miles (1.4 km) from your school")
    assert_accessible(page)

    # The shared address shows the same search without JavaScript's help.
    page.goto(page.url)
    expect(page.locator("#result-count")).to_contain_text("1 offer for ‘reading’")

    page.get_by_role("link", name="Early reading in Key Stage 1").click()
    expect(page.get_by_role("heading", name="Early reading in Key Stage 1")).to_be_visible()
    assert_accessible(page)
