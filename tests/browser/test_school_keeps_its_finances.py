"""A school lead sets the school's finance contact and purchase orders, gives the purchase
order number its invoice needs, opens the credit note of a cancelled booking and reads its
statement: in Chromium, each page checked by axe-core and none wider than a phone."""

import re

import pytest
from playwright.sync_api import expect

from elp.billing import services
from elp.bookings import services as bookings
from elp.extensions import db as _db
from tests.factories import PASSWORD, make_booking, make_lead, make_member, make_offer, make_school

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def fits_a_phone(page):
    page.set_viewport_size(PHONE)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_lead_keeps_the_schools_finances(
    app, db, page, live_server, assert_accessible, sign_in_with_browser
):
    offering = make_school(name="Katherines Brook School")
    seeking = make_school(name="Kingswood Meadow Primary School", postcode="SS16 5HB")
    lead = make_lead(seeking, email="tom@kingswood.example")
    offer = make_offer(offering, "Speech and language support", capacity=10, price_pence=40000)
    kept = make_booking(offer=offer, author=make_member(seeking), quantity=3)
    cancelled = make_booking(offer=offer, author=make_member(seeking), quantity=2)
    (charge,) = services.charges_for_booking(kept)
    bookings.cancel(cancelled, lead, "Our speech therapist has joined us full time")
    _db.session.commit()
    (voided,) = services.charges_for_booking(cancelled)
    sign_in_with_browser(page, "tom@kingswood.example", PASSWORD)

    # The lead's finance settings: a finance contact, and purchase orders needed.
    page.goto(live_server.url + "/charges")
    page.get_by_role("link", name="Your school’s finance settings").click()
    page.get_by_label("Email address").fill("bursar@")
    page.get_by_role("button", name="Save finance settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the finance contact’s name")
    assert_accessible(page)
    page.get_by_label("Name").fill("Priya Natarajan")
    page.get_by_role("button", name="Save finance settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("in the correct format")
    page.get_by_label("Email address").fill("bursar@kingswood.example")
    page.get_by_label("Yes, ask for one before the invoice is paid").check()
    page.get_by_role("button", name="Save finance settings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("finance settings are saved")
    assert_accessible(page)
    fits_a_phone(page)

    # The invoice now asks for the purchase order number.
    page.goto(live_server.url + f"/charges/{charge.id}")
    page.get_by_role("link", name="Add the purchase order number").click()
    page.get_by_label("Purchase order number").fill("PO-2026/0417")
    assert_accessible(page)
    page.get_by_role("button", name="Save purchase order number").click()
    expect(page.locator("main")).to_contain_text("PO-2026/0417")
    fits_a_phone(page)

    # The cancelled booking's invoice reads Void, with its credit note.
    page.goto(live_server.url + "/charges")
    row = page.get_by_role("row", name=re.compile(f"^{voided.invoice_number}"))
    expect(row).to_contain_text("Void")
    note = voided.credit_notes[0]
    page.get_by_role("link", name=note.number).first.click()
    expect(page.get_by_role("heading", name=f"Credit note {note.number}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Credits invoice {voided.invoice_number}")
    assert_accessible(page)
    fits_a_phone(page)

    # The statement of the financial year: still due is the kept booking's charge.
    page.goto(live_server.url + "/charges")
    page.get_by_role("link", name="Your school’s statement").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Statement"))).to_be_visible()
    expect(page.locator("#statement-balance")).to_contain_text("Your school owes £60.00")
    assert_accessible(page)
    fits_a_phone(page)
    page.get_by_text("Choose other dates").click()
    for legend, (day, month, year) in (("From", ("1", "4", "2026")), ("To", ("31", "3", "2026"))):
        dates = page.get_by_role("group", name=legend)
        dates.get_by_label("Day").fill(day)
        dates.get_by_label("Month").fill(month)
        dates.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Show the statement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be the same as or after")
    assert_accessible(page)
