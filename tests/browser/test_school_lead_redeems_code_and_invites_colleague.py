"""A school lead redeems an access code and invites a colleague, in real Chromium."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elp.accounts import services
from elp.accounts.models import ROLE_MEMBER, User
from tests.factories import committed, make_admin, make_school

pytestmark = pytest.mark.browser

LEAD_PASSWORD = "lantern-harbour-kettle-97"
COLLEAGUE_PASSWORD = "meadow-copper-violin-42"


def test_a_school_lead_redeems_an_access_code_and_invites_a_colleague(
    db, page, live_server, assert_accessible, sent_emails
):
    school = make_school(name="Harlow Fields Primary School")
    _, code = committed(services.issue_access_code, school, issued_by=make_admin())

    # The lead joins with the code ELP gave the school.
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name="join with an access code from ELP").click()
    expect(page.get_by_role("heading", name="Join with an access code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Access code").fill(code)
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Job title").fill("Headteacher")
    page.get_by_label("Email address").fill("p.shah@harlowfields.example")
    page.get_by_label("Password", exact=True).fill(LEAD_PASSWORD)
    page.get_by_label("Confirm password").fill(LEAD_PASSWORD)
    page.get_by_role("button", name="Join ELP Exchange").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You have joined ELP Exchange as the lead for Harlow Fields Primary School"
    )
    expect(page.locator(".elp-header")).to_contain_text("Priya Shah")
    assert_accessible(page)

    # The lead invites a colleague by email.
    page.get_by_role("link", name="Invite and manage colleagues").click()
    expect(page.get_by_role("heading", name="Colleagues")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Invite a colleague").click()
    expect(page.get_by_role("heading", name="Invite a colleague")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("t.okafor@harlowfields.example")
    page.get_by_label("Full name (optional)").fill("Tom Okafor")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Invitation sent to t.okafor@harlowfields.example"
    )
    expect(page.get_by_role("main")).to_contain_text("t.okafor@harlowfields.example")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")

    # The colleague follows the emailed link, chooses a password and is signed in.
    [invitation_email] = [m for m in sent_emails if m["To"] == "t.okafor@harlowfields.example"]
    link = re.search(r"https?://\S+/invitations/\S+", invitation_email.get_content()).group(0)
    page.goto(live_server.url_of(link))
    expect(page.get_by_role("heading", name="Join Harlow Fields Primary School")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_label("Full name")).to_have_value("Tom Okafor")
    page.get_by_label("Job title").fill("SENCo")
    page.get_by_label("Password", exact=True).fill(COLLEAGUE_PASSWORD)
    page.get_by_label("Confirm password").fill(COLLEAGUE_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You are now a member of Harlow Fields Primary School"
    )
    expect(page.locator(".elp-header")).to_contain_text("Tom Okafor")
    assert_accessible(page)

    colleague = db.session.scalar(
        sa.select(User).where(User.email == "t.okafor@harlowfields.example")
    )
    assert colleague.school_id == school.id
    assert colleague.role == ROLE_MEMBER
