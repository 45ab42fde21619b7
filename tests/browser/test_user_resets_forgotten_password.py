"""A user resets a forgotten password, in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_member, make_school

pytestmark = pytest.mark.browser

NEW_PASSWORD = "orchard-pebble-trumpet-63"


def test_a_user_resets_a_forgotten_password(
    db, page, live_server, assert_accessible, sent_emails, sign_in_with_browser
):
    make_member(
        make_school(name="Tendring Coast Academy"),
        email="j.morris@tendringcoast.example",
        full_name="Jo Morris",
    )

    page.goto(live_server.url + "/sign-in")
    assert_accessible(page)
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("j.morris@tendringcoast.example")
    page.get_by_role("button", name="Send link").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    [reset_email] = sent_emails
    assert reset_email["To"] == "j.morris@tendringcoast.example"
    link = re.search(r"https?://\S+/reset-password/\S+", reset_email.get_content()).group(0)
    page.goto(live_server.url_of(link))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your password has been changed"
    )
    assert_accessible(page)

    sign_in_with_browser(page, "j.morris@tendringcoast.example", NEW_PASSWORD)

    expect(page.get_by_role("heading", name="What needs you")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Tendring Coast Academy")
    expect(page.locator(".elp-header")).to_contain_text("Jo Morris")
    assert_accessible(page)
