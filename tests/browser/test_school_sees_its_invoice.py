"""A seeking school finds its service charge under Charges, opens the invoice, sees how to
pay it offline, prints it without the site around it and downloads it as a PDF, with every
page checked by axe-core."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from elp.billing import services
from tests.factories import PASSWORD, make_booking, make_lead, make_member, make_offer, make_school

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def assert_no_sideways_scrolling(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window"


def test_school_sees_its_invoice(
    app, db, page, live_server, assert_accessible, sign_in_with_browser, real_pdfs, monkeypatch
):
    monkeypatch.setitem(
        app.config,
        "BANK_DETAILS",
        "Payee: Essex Learning Partnership; Sort code: 20-45-77; Account number: 31926819",
    )
    offering = make_school(name="Katherines Brook School")
    seeking = make_school(
        name="Kingswood Meadow Primary School", street="Kingswood Road", town="Basildon",
        postcode="SS16 5HB",
    )  # fmt: skip
    make_lead(seeking, email="tom@kingswood.example")
    offer = make_offer(offering, "Speech and language support", capacity=10, price_pence=40000)
    booking = make_booking(offer=offer, author=make_member(seeking), quantity=3)
    (charge,) = services.charges_for_booking(booking)  # 5 % of £1,200: £60.00
    sign_in_with_browser(page, "tom@kingswood.example", PASSWORD)

    # The school finds its charges in the menu.
    page.get_by_role("link", name=re.compile(r"^Charges( \(\d+\))?$")).click()
    expect(page.get_by_role("heading", name="Your school’s charges")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(charge.invoice_number))
    expect(row).to_contain_text("Speech and language support")
    expect(row).to_contain_text("£60.00")
    expect(row).to_contain_text("Due")
    assert_accessible(page)

    # It opens the invoice: who it is to, what for, and how to pay it offline.
    page.get_by_role("link", name=charge.invoice_number).click()
    expect(page.get_by_role("heading", name=f"Invoice {charge.invoice_number}")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Kingswood Meadow Primary School")
    expect(main).to_contain_text(f"URN {seeking.urn}")
    expect(main).to_contain_text("SS16 5HB")
    expect(main).to_contain_text("Given by")
    expect(main).to_contain_text("Katherines Brook School")
    expect(main).to_contain_text("Sort code")
    expect(main).to_contain_text("20-45-77")
    expect(main).to_contain_text(
        f"Use the invoice number {charge.invoice_number} as the payment reference"
    )
    assert_accessible(page)

    # Printed, only the invoice is on the paper.
    page.emulate_media(media="print")
    expect(page.locator(".elp-header")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.get_by_role("link", name="Download the invoice (PDF)")).to_be_hidden()
    expect(page.get_by_role("heading", name=f"Invoice {charge.invoice_number}")).to_be_visible()
    page.emulate_media(media="screen")

    # And the same invoice as a PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the invoice (PDF)").click()
    assert download.value.suggested_filename == f"{charge.invoice_number}.pdf"
    data = download.value.path().read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(data)).pages)
    assert charge.invoice_number in text and "£60.00" in text

    # Both pages fit a phone without scrolling sideways.
    page.set_viewport_size(PHONE)
    assert_no_sideways_scrolling(page)
    page.get_by_role("link", name="Your school’s charges").click()
    expect(page.locator("td[data-label='Gross']").first).to_have_text("£60.00")
    assert_no_sideways_scrolling(page)
    assert_accessible(page)
