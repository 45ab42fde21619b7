"""The admin console's pages pass axe-core in Chromium: settings, the synonym table with a
rebuild's progress, the moderation queue with what changed, users, access codes with the
letter for the head teacher, bulk issue, and a school's page with what it does."""

import pytest
from playwright.sync_api import expect

from elp.accounts import tokens
from elp.accounts.models import AccessCode
from elp.extensions import db as _db
from elp.search.models import ReindexRun
from elp.timeutil import utcnow
from tests.factories import (
    PASSWORD,
    days,
    make_admin,
    make_booking,
    make_lead,
    make_member,
    make_offer,
    make_school,
)

pytestmark = pytest.mark.browser


def test_the_admin_console_pages_are_accessible(
    db, page, live_server, assert_accessible, sign_in_with_browser
):
    admin = make_admin(email="pat@elp.example")
    school = make_school(name="Harlow Fields School", district="Harlow")
    lead = make_lead(school)
    member = make_member(school)
    offer = make_offer(school, "Phonics catch-up", price_pence=30_000)
    offer.title, offer.price_pence = "Phonics catch-up for KS1", 32_000  # an edit to moderate
    make_booking(offer=make_offer(make_school(), "Autism outreach"), author=member)
    code = tokens.new_access_code()
    access_code = AccessCode(school=make_school(name="Maldon Court", district="Maldon"),
                             code_hash=tokens.hash_access_code(code), hint=code[-4:],
                             expires_at=utcnow() + days(30))  # fmt: skip
    now = utcnow()
    run = ReindexRun(requested_by_id=admin.id, started_at=now, heartbeat_at=now,
                     offers_total=10, offers_done=4)  # fmt: skip
    _db.session.add_all([access_code, run])
    _db.session.commit()
    sign_in_with_browser(page, "pat@elp.example", PASSWORD)

    for path in [
        "/admin/settings",
        "/admin/settings/days",
        "/admin/settings/synonyms",
        "/admin/moderation",
        "/admin/users",
        f"/admin/users/{lead.id}",
        f"/admin/users/{member.id}/deactivate",
        "/admin/users/new-admin",
        "/admin/access-codes",
        f"/admin/access-codes/{access_code.id}/revoke",
        "/admin/access-codes/bulk",
        f"/admin/schools/{school.id}",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)

    # Bad input: the error summary pages are accessible too.
    page.goto(live_server.url + "/admin/settings/days")
    page.get_by_label("Days a proposal waits for an answer").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("from 1 to 365")
    assert_accessible(page)

    # The page that shows a reissued code, with the letter for the head teacher.
    page.goto(live_server.url + "/admin/access-codes")
    page.get_by_role("button", name=f"Reissue the code ending {access_code.hint}").click()
    expect(page.locator("#letter")).to_contain_text("Dear Head Teacher")
    assert_accessible(page)
    page.emulate_media(media="print")
    assert page.locator("header").first.evaluate("e => getComputedStyle(e).visibility") == "hidden"
    assert page.locator("#letter").evaluate("e => getComputedStyle(e).visibility") == "visible"
