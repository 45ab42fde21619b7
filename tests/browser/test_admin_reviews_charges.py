"""An ELP admin reviews service charges in real Chromium: filters the list, records an
offline payment, waives a charge and downloads the CSV, with axe-core checks on each page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from elp.billing import services
from elp.timeutil import uk_today
from tests.factories import (
    PASSWORD,
    make_admin,
    make_booking,
    make_member,
    make_offer,
    make_school,
)

pytestmark = pytest.mark.browser


def booked_charge(seeking_name, district, quantity):
    seeking = make_school(name=seeking_name, district=district)
    offer = make_offer(make_school(name="Kingswood Meadow Primary"), "Phonics catch-up")
    booking = make_booking(offer=offer, author=make_member(seeking), quantity=quantity)
    (charge,) = services.charges_for_booking(booking)
    return charge


def test_an_admin_filters_charges_records_a_payment_waives_one_and_downloads_the_csv(
    db, page, live_server, assert_accessible, sign_in_with_browser
):
    make_admin(email="pat@elp.example", full_name="Pat Admin")
    harlow = booked_charge("Harlow Fields Infants", "Harlow", 3)  # £52.50
    tendring = booked_charge("Clacton Coast Primary", "Tendring", 10)  # £175.00
    db.session.commit()

    sign_in_with_browser(page, "pat@elp.example", PASSWORD)
    page.get_by_role("link", name="Charges").first.click()
    expect(page.get_by_role("heading", name="Service charges")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("District").select_option("Harlow")
    page.get_by_role("button", name="Filter charges").click()
    expect(page.locator("#charge-count")).to_have_text("1 charge")
    expect(page.locator("#charges")).to_contain_text(harlow.invoice_number)
    expect(page.locator("#charges")).not_to_contain_text(tendring.invoice_number)
    expect(page.locator("#filter-total")).to_contain_text("£52.50")
    assert_accessible(page)

    page.get_by_role("link", name=harlow.invoice_number).click()
    page.get_by_role("button", name="Record offline payment").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record offline payment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date the payment was received"
    )
    assert_accessible(page)
    received = uk_today()
    page.get_by_label("Day").fill(str(received.day))
    page.get_by_label("Month").fill(str(received.month))
    page.get_by_label("Year").fill(str(received.year))
    page.get_by_label("Payment reference").fill("BACS HARLOW 52.50")
    page.get_by_role("button", name="Record offline payment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Payment recorded")
    expect(page.locator("#charge-history")).to_contain_text("Payment recorded")
    expect(page.locator("#charge-history")).to_contain_text("by Pat Admin")
    assert_accessible(page)

    page.goto(live_server.url + "/admin/charges?district=Tendring")
    page.get_by_role("link", name=tendring.invoice_number).click()
    page.get_by_role("button", name="Waive").click()
    page.get_by_role("button", name="Waive").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for waiving the charge"
    )
    assert_accessible(page)
    page.get_by_label("Why is the charge waived?").fill("Pilot school: no charge this year.")
    page.get_by_role("button", name="Waive").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("credit note CN-")
    expect(page.locator("#credit-notes")).to_contain_text("Pilot school")
    assert_accessible(page)

    page.goto(live_server.url + "/admin/charges")
    expect(page.locator("#charge-count")).to_have_text("2 charges")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these charges as CSV").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Invoice number,Invoice date,Due date,School URN,School name")
    assert len(lines) == 3
    assert any(harlow.invoice_number in line and "BACS HARLOW 52.50" in line for line in lines)
    assert any(tendring.invoice_number in line and ",Waived," in line for line in lines)
