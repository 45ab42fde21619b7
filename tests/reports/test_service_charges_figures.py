"""Service charges in the reports and on the admin home page, checked against figures the test
works out itself from the charges it made."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from elp.billing import services
from elp.extensions import db as _db
from elp.reports.dashboard import this_weeks_figures
from elp.timeutil import uk_today
from tests.factories import make_booking, make_member, make_offer, make_school
from tests.reports.conftest import read_csv

UK = ZoneInfo("Europe/London")
YEAR_2025 = "start_date=1&start_date=1&start_date=2025&end_date=31&end_date=12&end_date=2025"


def a_charge(school, quantity, price_pence=20_000):
    offer = make_offer(make_school(district="Maldon"), "Autism outreach", price_pence=price_pence)
    booking = make_booking(offer=offer, author=make_member(school), quantity=quantity)
    (charge,) = services.charges_for_booking(booking)
    return charge


@pytest.fixture
def charges(db):
    """(invoiced at, paying school's district, status, quantity) for each charge made."""
    schools = {name: make_school(district=name) for name in ("Harlow", "Tendring")}
    specs = [
        (datetime(2025, 1, 10, 9, tzinfo=UTC), "Harlow", "pending", 2),
        (datetime(2025, 1, 31, 23, 30, tzinfo=UTC), "Tendring", "paid", 3),  # still January
        (datetime(2025, 5, 31, 23, 30, tzinfo=UTC), "Harlow", "paid", 5),  # 1 June in the UK
        (datetime(2025, 6, 15, 9, tzinfo=UTC), "Harlow", "void", 4),  # not counted
        (datetime(2025, 6, 16, 9, tzinfo=UTC), "Tendring", "waived", 4),  # not counted
        (datetime(2025, 9, 1, 9, tzinfo=UTC), "Tendring", "refunded", 6),
        (datetime(2024, 12, 31, 23, 0, tzinfo=UTC), "Harlow", "paid", 2),  # before the period
    ]
    made = []
    for when, district, status, quantity in specs:
        charge = a_charge(schools[district], quantity)
        charge.created_at = when
        charge.status = status
        made.append({"when": when, "district": district, "status": status,
                     "net": charge.net_pence})  # fmt: skip
    _db.session.commit()
    return made


def expected_by_month(charges, district=None):
    totals = Counter()
    for charge in charges:
        month = charge["when"].astimezone(UK)
        if month.year != 2025 or charge["status"] in ("void", "waived"):
            continue
        if district and charge["district"] != district:
            continue
        totals[f"{month:%Y-%m}"] += charge["net"]
    return [f"{totals[f'2025-{month:02d}'] / 100:.2f}" for month in range(1, 13)]


def test_service_charges_by_month_count_what_was_invoiced_and_stands(admin_client, charges):
    rows = read_csv(admin_client.get(f"/admin/reports/activity.csv?{YEAR_2025}"))

    assert rows[0] == ["month", "requests", "bookings", "booked_value", "service_charges"]
    assert [row[4] for row in rows[1:]] == expected_by_month(charges)
    assert rows[1][4] != "0.00" and rows[6][4] != "0.00"  # the month edges are UK time


def test_service_charges_for_a_district_count_its_paying_schools(admin_client, charges):
    rows = read_csv(admin_client.get(f"/admin/reports/activity.csv?{YEAR_2025}&district=Harlow"))

    assert [row[4] for row in rows[1:]] == expected_by_month(charges, "Harlow")


def test_the_activity_page_shows_service_charges_in_its_table(admin_client, charges):
    page = admin_client.get(f"/admin/reports/activity?{YEAR_2025}").get_data(as_text=True)

    total_row = re.search(r'<th scope="row" class="govuk-table__header">Total</th>(.*?)</tr>',
                          page, re.DOTALL).group(1)  # fmt: skip
    total = sum(float(value) for value in expected_by_month(charges))
    assert re.findall(r"<td[^>]*>([^<]*)</td>", total_row)[-1] == f"£{total:,.2f}"
    assert "Service charges" in page


def test_the_week_counts_charges_outstanding_and_overdue(db):
    school = make_school(district="Harlow")
    today = uk_today()
    made = []
    for quantity, status, due in [
        (2, "pending", today + timedelta(days=3)),
        (3, "pending", today - timedelta(days=1)),  # overdue
        (4, "pending", today),  # due today: not overdue yet
        (5, "paid", today - timedelta(days=10)),
        (6, "void", today - timedelta(days=10)),
    ]:
        charge = a_charge(school, quantity)
        charge.status, charge.due_date = status, due
        made.append(charge)
    _db.session.commit()

    week = this_weeks_figures()

    pending = [charge for charge in made if charge.status == "pending"]
    late = [charge for charge in pending if charge.due_date < today]
    assert week.charges_outstanding == (len(pending), sum(c.gross_pence for c in pending))
    assert week.charges_overdue == (1, sum(c.gross_pence for c in late))


def test_the_admin_home_page_links_to_the_charges_outstanding_and_overdue(admin_client, db):
    school = make_school(district="Harlow")
    late, outstanding = a_charge(school, 2), a_charge(school, 3)
    late.due_date = uk_today() - timedelta(days=2)
    _db.session.commit()

    page = admin_client.get("/admin/").get_data(as_text=True)

    week = page[page.index('id="this-week"') : page.index("<h2", page.index('id="this-week"'))]
    both = late.gross_pence + outstanding.gross_pence
    assert re.search(rf"Charges outstanding\s*</dt>\s*<dd[^>]*>\s*2 \(£{both / 100:,.0f}\)", week)
    assert re.search(rf"Charges overdue\s*</dt>\s*<dd[^>]*>\s*1 \(£{late.gross_pence / 100:,.0f}\)",
                     week)  # fmt: skip
    assert 'href="/admin/charges?status=pending"' in week
    assert 'href="/admin/charges?status=overdue"' in week
    listed = admin_client.get("/admin/charges?status=overdue").get_data(as_text=True)
    assert late.invoice_number in listed and outstanding.invoice_number not in listed
