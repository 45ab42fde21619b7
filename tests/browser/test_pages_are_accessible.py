"""Public pages, and the confirmation page destructive actions share, pass axe-core in real
Chromium, with the site's stylesheet and scripts."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_member, make_offer

pytestmark = pytest.mark.browser


def test_home_page_is_accessible(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")

    assert page.locator("h1").is_visible()
    assert page.get_by_role("link", name="ELP Exchange").is_visible()
    assert_accessible(page)


def test_accessibility_statement_is_accessible(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Accessibility").click()

    expect(page).to_have_url(live_server.url + "/accessibility")
    assert_accessible(page)


@pytest.mark.parametrize(
    ("link", "path"),
    [("Contact and help", "/contact"), ("Privacy", "/privacy"), ("Cookies", "/cookies")],
)
def test_each_page_about_the_service_is_accessible(page, live_server, assert_accessible, link,
                                                    path):  # fmt: skip
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name=link).click()

    expect(page).to_have_url(live_server.url + path)
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/contact", "/cookies", "/privacy", "/accessibility"])
def test_pages_about_the_service_fit_a_phone(page, live_server, assert_accessible, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + path)

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_text("Beta").is_visible()
    assert_accessible(page)


def test_page_not_found_is_accessible(page, live_server, assert_accessible):
    response = page.goto(live_server.url + "/no-such-page")

    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert_accessible(page)


def test_scripts_run_under_the_content_security_policy(page, live_server):
    page.goto(live_server.url + "/")

    # js-enabled.js ran, and app.js started GOV.UK Frontend's components (the skip link).
    # The page fixture fails the test if the policy refused anything.
    assert "js-enabled" in page.evaluate("document.body.className")
    page.wait_for_selector("[data-govuk-skip-link-init]", state="attached")


def test_the_admin_reports_and_audit_log_are_accessible(
    db, page, live_server, assert_accessible, sign_in_with_browser
):
    from datetime import timedelta

    from elp.audit import record
    from elp.extensions import db as _db
    from elp.reports.catalogue import REPORTS
    from elp.search.models import SearchLog
    from elp.timeutil import utcnow
    from tests.factories import PASSWORD, make_admin, make_booking, make_school

    admin = make_admin(email="pat@elp.example")
    booking = make_booking(seeking_school=make_school(district="Harlow"))
    record("school.suspended", booking.seeking_school, actor=admin, reason="Closed")
    _db.session.add(
        SearchLog(school_id=booking.seeking_school_id, query="autistic pupils", filters={},
                  result_count=0, searched_at=utcnow() - timedelta(days=1))
    )  # fmt: skip
    _db.session.commit()
    sign_in_with_browser(page, "pat@elp.example", PASSWORD)

    for path in ["/admin/", "/admin/reports", "/admin/audit-log"] + [
        f"/admin/reports/{slug}" for slug in REPORTS
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
        for image in page.locator("main img").all():
            # Each chart loaded as an image (a broken one has no natural width).
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")

    page.goto(live_server.url + "/admin/reports/unmet-demand")
    page.get_by_role("group", name="Start date").get_by_label("Day").fill("2")
    page.get_by_role("group", name="Start date").get_by_label("Month").fill("6")
    page.get_by_role("group", name="Start date").get_by_label("Year").fill("2026")
    page.get_by_role("group", name="End date").get_by_label("Day").fill("1")
    page.get_by_role("group", name="End date").get_by_label("Month").fill("6")
    page.get_by_role("group", name="End date").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show figures").click()
    # expect() waits for the page the click loads; a bare check could read the old one.
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_a_confirmation_page_is_accessible_and_works_without_javascript(
    db, page, page_without_javascript, live_server, assert_accessible, sign_in_with_browser
):
    member = make_member(email="sam@oak.example")
    offer = make_offer(member.school, "Phonics catch-up")

    sign_in_with_browser(page, "sam@oak.example", PASSWORD)
    page.goto(f"{live_server.url}/offers/{offer.id}")
    page.get_by_role("link", name="Archive offer").click()
    expect(page.get_by_role("heading", name="Are you sure you want to archive")).to_be_visible()
    assert_accessible(page)

    # Without JavaScript the same page asks, and its button archives the offer.
    sign_in_with_browser(page_without_javascript, "sam@oak.example", PASSWORD)
    page_without_javascript.goto(f"{live_server.url}/offers/{offer.id}/archive")
    page_without_javascript.get_by_role("button", name="Archive offer").click()
    expect(page_without_javascript.get_by_text("Your offer has been archived")).to_be_visible()
