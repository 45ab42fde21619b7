"""An offering school drafts, previews and publishes an offer, in real Chromium."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_lead, make_school

pytestmark = pytest.mark.browser


def test_an_offering_school_drafts_previews_and_publishes_an_offer(
    db, page, live_server, assert_accessible, sign_in_with_browser
):
    make_lead(
        make_school(name="Katherines Brook School", district="Harlow"),
        email="j.price@katherinesbrook.example",
        full_name="Joanne Price",
    )
    sign_in_with_browser(page, "j.price@katherinesbrook.example", PASSWORD)

    page.get_by_role("link", name="Your offers", exact=True).click()
    expect(page.get_by_role("heading", name="Your school’s offers")).to_be_visible()
    expect(page.get_by_text("Your school has no offers yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Write an offer").click()
    expect(page.get_by_role("heading", name="Write an offer")).to_be_visible()
    assert_accessible(page)

    # A first attempt with a price nobody could mean: the error summary says what to fix
    # (and only that: a draft may leave the rest for later).
    page.get_by_label("Title", exact=True).fill("Autism outreach for mainstream classrooms")
    page.get_by_label("Price per unit").fill("three hundred")
    page.get_by_role("button", name="Save as draft").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter the price in pounds, like 350 or 350.00")
    expect(summary).not_to_contain_text("Enter a one-line summary")
    expect(page).to_have_title("Error: Write an offer – ELP Exchange")
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "Autism outreach for mainstream classrooms"
    )
    assert_accessible(page)

    page.get_by_label("One-line summary").fill(
        "Our outreach team helps staff adapt classrooms and routines for autistic pupils."
    )
    page.get_by_label("Description").fill(
        "We visit, observe and write a plan with **practical strategies**.\n\n"
        "- visual timetables\n- sensory breaks"
    )
    page.get_by_label("Category").select_option(label="Special school outreach")
    page.get_by_label("Specialisms (optional)").fill("autism, visual timetables, sensory needs")
    page.get_by_label("KS1", exact=True).check()
    page.get_by_label("KS2", exact=True).check()
    page.get_by_label("Harlow", exact=True).check()
    page.get_by_label("Epping Forest", exact=True).check()
    page.get_by_label("Mixed", exact=True).check()
    page.get_by_label("Expert’s name").fill("Joanne Price")
    page.get_by_label("Expert’s role (optional)").fill("Outreach lead")
    page.get_by_label("Outreach teacher", exact=True).check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Day", exact=True).fill("5")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("A half day", exact=True).check()
    page.get_by_label("Price per unit").fill("175.50")
    page.get_by_label("Capacity this academic year (optional)").fill("20")
    page.get_by_role("button", name="Save as draft").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your offer has been saved as a draft"
    )
    expect(
        page.get_by_role("heading", name="Autism outreach for mainstream classrooms")
    ).to_be_visible()
    expect(
        page.get_by_text("Seeking schools cannot see this offer until it is published")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Preview it as a seeking school will see it").click()
    expect(
        page.get_by_text("This is a preview of how seeking schools will see your offer")
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text("£175.50 per half day")
    expect(page.locator("main")).to_contain_text("20 half days")
    expect(page.locator("main")).to_contain_text("Confirmed by the school on 5 March 2025")
    expect(page.locator("main strong", has_text="practical strategies")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Publish offer").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your offer has been published"
    )
    expect(page.locator(".govuk-tag", has_text="Published")).to_be_visible()
    expect(page.get_by_role("button", name="Pause offer")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Your offers", exact=True).click()
    expect(page.get_by_role("link", name="Published (1)")).to_be_visible()
    expect(
        page.get_by_role("link", name="Autism outreach for mainstream classrooms")
    ).to_be_visible()
    assert_accessible(page)
