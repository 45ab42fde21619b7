"""Public pages pass axe-core in real Chromium, with the site's stylesheet and scripts."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_is_accessible(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")

    assert page.locator("h1").is_visible()
    assert page.get_by_role("link", name="ELP Exchange").is_visible()
    assert_accessible(page)


def test_accessibility_statement_is_accessible(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Accessibility").click()

    assert page.url == live_server.url + "/accessibility"
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
