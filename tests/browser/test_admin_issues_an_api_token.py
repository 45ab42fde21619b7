"""An ELP admin issues an API token, sees it once, and revokes it, in real Chromium."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_admin

pytestmark = pytest.mark.browser


def test_an_admin_issues_and_revokes_an_api_token(
    db, page, live_server, assert_accessible, sign_in_with_browser
):
    make_admin(email="pat@elp.example")

    sign_in_with_browser(page, "pat@elp.example", PASSWORD)
    page.goto(live_server.url + "/admin/api-tokens")
    assert_accessible(page)
    page.get_by_role("button", name="Issue token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the token")
    assert_accessible(page)
    page.get_by_label("Name").fill("County dashboard")
    page.get_by_role("button", name="Issue token").click()

    expect(page.get_by_role("heading", name="API token issued")).to_be_visible()
    assert_accessible(page)
    token = page.get_by_label("Token").input_value()
    assert token.startswith("elp_")
    api = page.request.get(
        live_server.url + "/api/v1/offers", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status == 200

    page.get_by_role("link", name="Back to API tokens").click()
    page.get_by_role("button", name="Revoke County dashboard").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("revoked")
    assert_accessible(page)
    refused = page.request.get(
        live_server.url + "/api/v1/offers", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status == 401
