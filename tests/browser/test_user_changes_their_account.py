"""A user changes their name, password and email address from "Your account", in real
Chromium on a phone: each page is accessible and fits the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_member, make_school

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "orchard-pebble-trumpet-63"


def fits(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_user_changes_their_name_password_and_email(
    db, page, live_server, assert_accessible, sent_emails, sign_in_with_browser
):
    make_member(make_school(name="Tendring Coast Academy"), email="j.morris@tendringcoast.example",
                full_name="Jo Morris", job_title="Class teacher")  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in_with_browser(page, "j.morris@tendringcoast.example", PASSWORD)

    page.locator(".elp-header").get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()
    assert_accessible(page)
    fits(page)

    page.get_by_role("link", name="Change your job title").click()
    page.get_by_label("Job title").fill("Deputy head")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("have been saved")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Deputy head")

    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Current password").fill("not the password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Your current password is not right")
    assert_accessible(page)
    fits(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your password has been changed"
    )

    page.get_by_role("link", name="Change your email address").click()
    page.get_by_label("New email address").fill("jo.morris@tendringcoast.example")
    page.get_by_label("Current password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Send confirmation link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    [confirm] = [m for m in sent_emails if m["To"] == "jo.morris@tendringcoast.example"]
    link = re.search(r"https?://\S+/account/email/confirm/\S+", confirm.get_content()).group(0)
    page.goto(live_server.url_of(link))
    expect(page.get_by_role("heading", name="Confirm your new email address")).to_be_visible()
    assert_accessible(page)
    fits(page)
    page.get_by_role("button", name="Confirm new email address").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your email address is now jo.morris@tendringcoast.example"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("jo.morris@tendringcoast.example")
    told = [m["Subject"] for m in sent_emails if m["To"] == "j.morris@tendringcoast.example"]
    assert "Your ELP Exchange email address has been changed" in told
