"""A seeking school's head signs in to "What needs you", finds the counter-proposal waiting
for its answer with the date to answer by, opens it, and the count of what is new drops:
the notification about it is read where the request is read. Checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from elp.extensions import db as _db
from elp.negotiation.models import Proposal
from elp.notifications.in_app import notify
from elp.timeutil import format_date, utcnow
from tests.factories import PASSWORD, days, make_member, make_offer, make_request, make_school

pytestmark = pytest.mark.browser


def test_seeking_school_sees_the_request_waiting_opens_it_and_the_count_drops(
    db, open_page, live_server, assert_accessible, sign_in_with_browser
):
    offering = make_school(name="Katherines Brook School")
    seeking = make_school(name="Kingswood Meadow Primary School")
    offer = make_offer(offering, "Speech and language support", price_pence=40000)
    marcus = make_member(offering, email="marcus@brook.example")
    tom = make_member(seeking, email="tom@kingswood.example")
    request = make_request(offer, author=tom)
    # The offering school counters with 3 days, and its school is told in the app.
    first = request.latest_proposal
    expires = utcnow() + days(5)
    request.proposals.append(
        Proposal(
            author_school_id=offering.id,
            author_id=marcus.id,
            quantity=3,
            unit=first.unit,
            price_pence=35000,
            total_pence=105000,
            earliest_start=first.earliest_start,
            latest_end=first.latest_end,
            session_dates=[],
            delivery_mode=first.delivery_mode,
            expires_at=expires,
        )
    )
    request.expires_at = expires
    request.last_activity_school_id, request.last_activity_at = offering.id, utcnow()
    notify(
        seeking.id,
        "new_proposal",
        "Katherines Brook School made a counter-proposal on Speech and language support",
        "negotiation.show",
        request_id=request.id,
    )
    _db.session.commit()

    page = open_page()
    sign_in_with_browser(page, "tom@kingswood.example", PASSWORD)
    page.goto(f"{live_server.url}/")

    expect(page.get_by_role("heading", name="What needs you", exact=True)).to_be_visible()
    waiting = page.locator("#what-needs-you li")
    expect(waiting).to_have_count(1)
    expect(waiting.first).to_contain_text(
        "Katherines Brook School made a counter-proposal on ‘Speech and language support’"
    )
    expect(waiting.first).to_contain_text(f"Answer by {format_date(expires)}")
    expect(page.get_by_role("link", name=re.compile(r"^Requests \(1\)$"))).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^Notifications \(1 unread"))
    ).to_be_visible()
    assert_accessible(page)

    waiting.first.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text("Counter-proposal from Katherines Brook School")
    # Read where it is read: the header no longer counts it, on this very page.
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/")
    # Still to answer, but no longer new.
    expect(page.locator("#what-needs-you li")).to_have_count(1)
    expect(page.locator("#what-needs-you li").first).not_to_contain_text("New")
