"""Two schools, each signed in in its own browser, agree a booking: the seeking school asks
for 5 days, the offering school counters with 3 days at £350 a day, the seeking school
accepts through "Check the booking before you accept", having seen the ELP service charge
and who pays it, and both see the booking and download its calendar file. With JavaScript on and
with it off (as some school networks have it), checking every page with axe-core: without
JavaScript, each page as it is served without scripts."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from elp.billing import services as billing
from elp.billing.models import FeeTerms, Payer
from elp.timeutil import uk_today
from tests.factories import PASSWORD, committed, make_admin, make_member, make_offer, make_school

pytestmark = pytest.mark.browser


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def download_calendar(page):
    with page.expect_download() as download:
        page.get_by_role("link", name="Download calendar file (.ics)").click()
    return Calendar.from_ical(download.value.path().read_bytes())


@pytest.mark.parametrize("java_script_enabled", [True, False], ids=["javascript", "no-javascript"])
def test_two_schools_negotiate_a_booking(
    db, open_page, live_server, assert_accessible, sign_in_with_browser, java_script_enabled
):
    # 5 % of the total, at least £10 and at most £250, VAT at 20 %, the seeking school pays.
    fee_terms = FeeTerms(500, 1_000, 25_000, Payer.SEEKING, 2_000, 30, True)
    committed(billing.create_policy_version, fee_terms, uk_today(), make_admin())
    offering = make_school(name="Katherines Brook School")
    seeking = make_school(name="Kingswood Meadow Primary School")
    offer = make_offer(offering, "Speech and language support", capacity=10, price_pence=40000)
    make_member(offering, email="marcus@brook.example")
    make_member(seeking, email="tom@kingswood.example")
    start = uk_today() + timedelta(days=30)
    seeker = open_page(java_script_enabled)
    offerer = open_page(java_script_enabled)
    sign_in_with_browser(seeker, "tom@kingswood.example", PASSWORD)
    sign_in_with_browser(offerer, "marcus@brook.example", PASSWORD)

    # The seeking school asks for 5 days.
    seeker.goto(f"{live_server.url}/offers/{offer.id}")
    expect(seeker.locator("main")).to_contain_text("On one day at £400.00 it is £20.00 + VAT")
    seeker.get_by_role("link", name="Request support").click()
    expect(seeker.locator("#service-charge")).to_contain_text("+ VAT, paid by your school")
    assert_accessible(seeker)
    seeker.get_by_label("What support do you need?").fill("Strategies for four Year 1 pupils.")
    seeker.get_by_label("How many days").fill("5")
    expect(seeker.get_by_label("Price per day")).to_have_value("400")
    if java_script_enabled:  # the charge on 5 days at £400 (£2,000), as it is typed
        expect(seeker.locator("#service-charge")).to_contain_text(
            "£100.00 + VAT, paid by your school on these terms"
        )
    fill_date(seeker, "Earliest start date", start)
    fill_date(seeker, "Latest end date", start + timedelta(days=60))
    seeker.get_by_label("At the seeking school").check()
    seeker.get_by_role("button", name="Send request").click()
    expect(seeker.get_by_role("heading", name="Your request to Katherines Brook School")).to_be_visible()
    assert_accessible(seeker)

    # The offering school finds it in its Requests and counters: 3 days at £350.
    offerer.goto(f"{live_server.url}/requests")
    assert_accessible(offerer)
    offerer.get_by_role("link", name="Speech and language support").click()
    assert_accessible(offerer)
    offerer.get_by_role("link", name="Make a counter-proposal").click()
    offerer.get_by_label("How many days").fill("3")
    offerer.get_by_label("Price per day").fill("350")
    assert_accessible(offerer)
    offerer.get_by_role("button", name="Send counter-proposal").click()
    expect(offerer.locator("main")).to_contain_text("Waiting for Kingswood Meadow Primary School")

    # The seeking school sees what changed, and the charge on each proposal.
    seeker.reload()
    expect(seeker.locator("main")).to_contain_text("Counter-proposal from Katherines Brook School")
    expect(seeker.locator("main")).to_contain_text("£52.50 + VAT, paid by your school")
    assert_accessible(seeker)
    # "Accept" books nothing yet: it shows the booking, its total and the charge first.
    seeker.get_by_role("link", name="Accept", exact=True).click()
    expect(
        seeker.get_by_role("heading", name="Check the booking before you accept")
    ).to_be_visible()
    expect(seeker.locator("#booking-total")).to_contain_text("£1,050.00")
    expect(seeker.locator("#service-charge")).to_have_text(
        "ELP service charge: £52.50 + VAT, paid by your school"
    )
    expect(seeker.locator("main")).to_contain_text("+ VAT at 20% (£10.50) = £63.00")
    assert_accessible(seeker)
    seeker.get_by_role("button", name="Accept and book").click()
    expect(seeker.locator("main")).to_contain_text("the booking is confirmed")
    expect(seeker.locator("main")).to_contain_text("£1,050")
    assert_accessible(seeker)

    # Both schools see the booking and download the same calendar file.
    offerer.goto(f"{live_server.url}/bookings")
    offerer.get_by_role("link", name="Speech and language support").first.click()
    expect(offerer.locator("main")).to_contain_text("Kingswood Meadow Primary School")
    # The work has not started: it can be marked as delivered from its first day.
    expect(offerer.locator("main")).to_contain_text("You can mark it as delivered once the work")
    expect(offerer.get_by_role("link", name="Set the session dates")).to_be_visible()
    assert_accessible(offerer)
    for calendar in (download_calendar(seeker), download_calendar(offerer)):
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == start
        assert "Speech and language support" in str(event["SUMMARY"])
    db.session.expire_all()
    assert offer.capacity_left == 7
