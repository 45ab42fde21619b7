"""A seeking school saves the search it narrowed on the page, gets an email about a new
offer, and unsubscribes from the link in it, in real Chromium."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from elp.search import saved_searches
from elp.search.models import SavedSearch
from elp.timeutil import utcnow
from tests.factories import PASSWORD, make_member, make_offer, make_school

pytestmark = pytest.mark.browser


def test_a_seeking_school_saves_a_search_and_unsubscribes_from_its_emails(
    db, page, live_server, assert_accessible, sent_emails, sign_in_with_browser
):
    offering = make_school(name="Oak Academy", district="Harlow")
    make_offer(offering, "Phonics catch-up", phases=("KS1",))
    make_member(make_school(name="Seeking Primary"), email="sam@seeking.example")

    sign_in_with_browser(page, "sam@seeking.example", PASSWORD)
    page.goto(live_server.url + "/search")
    page.get_by_label("What does your school need?").fill("phonics")
    # The results update as the user types; the save form follows the search it shows.
    expect(page.locator("#save-search-params input[name=q]")).to_have_value("phonics")
    page.get_by_label("Name for this search (optional)").fill("Year 1 phonics")
    page.get_by_role("button", name="Save this search").click()

    expect(page.get_by_role("heading", name="Saved searches")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Search saved as “Year 1 phonics”"
    )
    assert_accessible(page)
    saved = db.session.scalar(db.select(SavedSearch))
    assert saved.params == {"q": "phonics"}

    saved.last_alerted_at = utcnow() - timedelta(days=1)
    make_offer(offering, "Phonics outreach", published_at=utcnow() - timedelta(hours=1))
    db.session.commit()
    assert saved_searches.send_alerts() == 1
    link = re.search(r"\S+/search/saved/unsubscribe/\S+", sent_emails[-1].get_content()).group(0)

    page.goto(live_server.url_of(link))
    expect(page.get_by_role("heading", name="Stop emails about this saved search")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Stop these emails").click()

    expect(page.get_by_role("heading", name="You have unsubscribed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="your saved searches").click()
    expect(page.locator("table")).to_contain_text("Off")
    assert_accessible(page)
