"""The admin home page shows this week's figures, counted as the reports count them."""

import re
from datetime import UTC, datetime

from elp.audit import record
from elp.extensions import db as _db
from elp.reports.dashboard import this_weeks_figures
from elp.timeutil import utcnow
from tests.factories import days, make_booking, make_request


def test_the_week_counts_requests_and_bookings_sent_since_monday(db):
    now = datetime(2026, 6, 3, 12, tzinfo=UTC)
    inside = [datetime(2026, 5, 31, 23, 30, tzinfo=UTC), datetime(2026, 6, 3, 11, tzinfo=UTC)]
    outside = [datetime(2026, 5, 31, 22, 30, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC)]
    expected_value = 0
    for number, when in enumerate(inside + outside):
        booking = make_booking(quantity=number + 1)
        booking.request.created_at = when
        booking.created_at = when
        if when in inside:
            expected_value += booking.total_pence
    cancelled = make_booking()
    cancelled.created_at = inside[1]
    cancelled.request.created_at = inside[1]
    cancelled.status = "cancelled"
    make_request().created_at = inside[0]
    _db.session.commit()

    week = this_weeks_figures(now)

    assert week.period.first_day.isoformat() == "2026-06-01"
    assert week.new_requests == len(inside) + 2  # the cancelled booking's request, the open one
    assert week.bookings == len(inside)
    assert week.booked_value == expected_value


def test_the_admin_home_page_shows_the_week_with_links_to_each_list(client, db, admin_client):
    booking = make_booking(quantity=2, price_pence=35000)
    old = make_request()
    old.created_at = utcnow() - days(8)
    _db.session.commit()

    page = admin_client.get("/admin/").get_data(as_text=True)

    week = page[page.index('id="this-week"') : page.index("<h2", page.index('id="this-week"'))]
    assert re.search(r"New requests\s*</dt>\s*<dd[^>]*>\s*1\s*</dd>", week)
    assert re.search(r"Bookings\s*</dt>\s*<dd[^>]*>\s*1\s*</dd>", week)
    assert re.search(r"Booked value\s*</dt>\s*<dd[^>]*>\s*£700\s*</dd>", week)
    assert booking.total_pence == 70000
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', week)]
    assert "/admin/reports/activity" in links
    sent, accepted = (
        next(link for link in links if link.startswith(f"/admin/audit-log?kind={kind}&"))
        for kind in ("request.sent", "request.accepted")
    )
    # Each list is the audit log of that kind of event, this week only.
    record("request.sent", booking.request)
    record("request.accepted", booking.request)
    record("request.sent", old).occurred_at = old.created_at
    _db.session.commit()
    assert re.findall(r"<code>([^<]+)</code>", admin_client.get(sent).get_data(as_text=True)) == [
        "request.sent"
    ]
    listed = admin_client.get(accepted).get_data(as_text=True)
    assert re.findall(r"<code>([^<]+)</code>", listed) == ["request.accepted"]
