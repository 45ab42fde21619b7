"""A booking agreed as a window, in Chromium: the seeking school sets the session dates, the
offering school marks it delivered once the sessions have happened, the seeking school
reports a problem instead of confirming, and an ELP admin finds it from the admin home and
resolves it as cancelled. Every page passes axe-core."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from elp.timeutil import uk_today
from tests.factories import PASSWORD, make_admin, make_booking, make_member, make_offer, make_school

pytestmark = pytest.mark.browser


def test_a_problem_with_a_delivery_is_settled_by_an_admin(
    db, open_page, live_server, assert_accessible, sign_in_with_browser
):
    offering = make_school(name="Katherines Brook School")
    seeking = make_school(name="Kingswood Meadow Primary School")
    make_member(offering, email="marcus@brook.example")
    tom = make_member(seeking, email="tom@kingswood.example")
    make_admin(email="pat@elp.example", full_name="Pat Admin")
    today = uk_today()
    booking = make_booking(
        offer=make_offer(offering, "Speech and language support", capacity=10),
        author=tom,
        quantity=2,
        earliest_start=today - timedelta(days=14),
        latest_end=today + timedelta(days=30),
    )
    db.session.commit()
    seeker, offerer, admin = open_page(), open_page(), open_page()
    sign_in_with_browser(seeker, "tom@kingswood.example", PASSWORD)
    sign_in_with_browser(offerer, "marcus@brook.example", PASSWORD)
    sign_in_with_browser(admin, "pat@elp.example", PASSWORD)
    booking_url = f"{live_server.url}/bookings/{booking.id}"

    # The seeking school sets the two session dates, both already past.
    first, second = today - timedelta(days=10), today - timedelta(days=3)
    seeker.goto(booking_url)
    seeker.get_by_role("link", name="Set the session dates").click()
    assert_accessible(seeker)
    seeker.get_by_label("Session dates").fill(
        f"{first.day}/{first.month}/{first.year}\n{second.day}/{second.month}/{second.year}"
    )
    seeker.get_by_role("button", name="Save the session dates").click()
    expect(seeker.locator("main")).to_contain_text("The session dates are saved")

    # The offering school says when the last session was.
    offerer.goto(booking_url)
    offerer.get_by_role("link", name="Mark as delivered").click()
    expect(offerer.locator("h1")).to_have_text("Mark as delivered")
    assert_accessible(offerer)
    group = offerer.get_by_role("group", name="When was the last session?")
    group.get_by_label("Day").fill(str(second.day))
    group.get_by_label("Month").fill(str(second.month))
    group.get_by_label("Year").fill(str(second.year))
    offerer.get_by_role("button", name="Mark as delivered").click()
    expect(offerer.locator("main")).to_contain_text("The booking is marked as delivered")

    # The seeking school reports a problem instead of confirming.
    seeker.goto(booking_url)
    expect(seeker.get_by_role("button", name="Confirm completed")).to_be_visible()
    seeker.get_by_role("link", name="Report a problem").click()
    assert_accessible(seeker)
    seeker.get_by_role("button", name="Report a problem").click()
    expect(seeker.locator(".govuk-error-summary")).to_contain_text("Enter what the problem is")
    seeker.get_by_label("What is the problem?").fill("The second session did not take place.")
    seeker.get_by_role("button", name="Report a problem").click()
    expect(seeker.locator("main")).to_contain_text("Problem reported")
    assert_accessible(seeker)

    # An ELP admin finds it from the admin home and resolves it as cancelled.
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_role("link", name="Bookings with a problem reported").click()
    assert_accessible(admin)
    admin.get_by_role("link", name="Speech and language support").click()
    expect(admin.locator("main")).to_contain_text("The second session did not take place.")
    assert_accessible(admin)
    admin.get_by_label("Why are you settling it this way?").fill("The school agreed a refund.")
    admin.get_by_role("button", name="Resolve as cancelled").click()
    expect(admin.locator("main")).to_contain_text("The booking is resolved as cancelled")

    seeker.goto(booking_url)
    expect(seeker.locator("main")).to_contain_text("ELP resolved it as cancelled")
    expect(seeker.locator("main")).to_contain_text("The school agreed a refund.")
