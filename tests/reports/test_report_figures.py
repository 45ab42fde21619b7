"""Each report's figures equal what the test counts itself from the rows it made.

The rows: requests and bookings at chosen moments of 2025 (some on the edge of a month in UK
time), from schools in three districts, on offers in two categories. Every expectation is
worked out here in plain Python from that list, never by the code under test.
"""

import re
from collections import Counter
from datetime import UTC, datetime
from statistics import median
from zoneinfo import ZoneInfo

import pytest

from elp.reports.catalogue import REPORTS
from tests.factories import days, make_offer, make_school
from tests.reports.conftest import read_csv, request_at

UK = ZoneInfo("Europe/London")
YEAR_2025 = "start_date=1&start_date=1&start_date=2025&end_date=31&end_date=12&end_date=2025"
PRICE = 35000


def at(*parts):
    return datetime(*parts, tzinfo=UTC)


def uk_month(moment):
    return moment.astimezone(UK).strftime("%Y-%m")


@pytest.fixture
def world(db):
    """Make the rows, and return the list of what was made."""
    schools = {
        "chelmsford": make_school(name="Moulsham Infant School", district="Chelmsford"),
        "chelmsford 2": make_school(name="Writtle Junior School", district="Chelmsford"),
        "harlow": make_school(name="Harlow Fields School", district="Harlow"),
        "basildon": make_school(name="Basildon Academy", district="Basildon"),
    }
    offers = {
        "autism": make_offer(schools["harlow"], "Autism outreach", category="Specialist teaching",
                             capacity=None, price_pence=PRICE),
        "phonics": make_offer(schools["chelmsford 2"], "Phonics for KS1",
                              category="Pupil achievement", capacity=None, price_pence=PRICE),
    }  # fmt: skip
    from elp.offers.models import Specialism

    offers["autism"].specialisms = [Specialism(name="autism"), Specialism(name="communication")]
    offers["phonics"].specialisms = [Specialism(name="phonics")]
    db.session.commit()
    # (sent at, seeking school, offer, outcome, days to agree, quantity)
    specs = [
        (at(2025, 1, 15, 10), "chelmsford", "autism", "completed", 3, 2),
        (at(2025, 1, 31, 23, 30), "chelmsford", "autism", None, 0, 1),  # GMT: still January
        (at(2025, 3, 31, 23, 30), "basildon", "phonics", "confirmed", 1, 4),  # BST: 1 April
        (at(2025, 4, 10, 9), "harlow", "phonics", "cancelled", 2, 3),
        (at(2025, 6, 30, 22, 59), "chelmsford 2", "autism", "confirmed", 10, 5),  # June
        (at(2025, 6, 30, 23, 0), "basildon", "autism", "completed", 5, 2),  # 1 July, UK time
        (at(2025, 7, 20, 12), "harlow", "phonics", None, 0, 1),
        (at(2025, 12, 31, 23, 59), "chelmsford", "phonics", "confirmed", 0.5, 1),  # books 2026
        (at(2024, 12, 31, 23, 59), "harlow", "autism", "completed", 4, 2),  # before the period
    ]
    made = []
    for sent, school, offer, outcome, agree_days, quantity in specs:
        _, booking = request_at(sent, schools[school], offers[offer], outcome, days(agree_days),
                                quantity)  # fmt: skip
        made.append(
            {
                "sent": sent,
                "district": schools[school].district,
                "offer": offer,
                "category": offers[offer].category.name,
                "specialisms": [s.name for s in offers[offer].specialisms],
                "giver": offers[offer].school.district,
                "outcome": outcome,
                "agreed": booking.created_at if booking else None,
                "days": agree_days,
                "value": quantity * PRICE,
            }
        )
    return made


def in_2025(moment):
    return moment is not None and moment.astimezone(UK).year == 2025


def standing(row):
    """A booking that counts as booked: agreed in 2025 and not cancelled."""
    return row["outcome"] not in (None, "cancelled") and in_2025(row["agreed"])


def test_requests_bookings_and_value_by_month(admin_client, world):
    rows = read_csv(admin_client.get(f"/admin/reports/activity.csv?{YEAR_2025}"))

    assert rows[0] == ["month", "requests", "bookings", "booked_value", "service_charges"]
    requests = Counter(uk_month(row["sent"]) for row in world if in_2025(row["sent"]))
    bookings = Counter(uk_month(row["agreed"]) for row in world if standing(row))
    value = Counter()
    for row in world:
        if standing(row):
            value[uk_month(row["agreed"])] += row["value"]
    expected = [
        [f"2025-{month:02d}", str(requests[f"2025-{month:02d}"]),
         str(bookings[f"2025-{month:02d}"]), f"{value[f'2025-{month:02d}'] / 100:.2f}"]
        for month in range(1, 13)
    ]  # fmt: skip
    assert [row[:4] for row in rows[1:]] == expected  # service charges: their own test
    # The month edges fell where UK time puts them.
    assert requests["2025-01"] == 2 and requests["2025-04"] == 2 and requests["2025-07"] == 2


def test_the_activity_page_shows_the_same_figures_in_a_table_with_totals(admin_client, world):
    page = admin_client.get(f"/admin/reports/activity?{YEAR_2025}").get_data(as_text=True)

    total_requests = sum(1 for row in world if in_2025(row["sent"]))
    total_bookings = sum(1 for row in world if standing(row))
    total_value = sum(row["value"] for row in world if standing(row))
    total_row = re.search(r'<th scope="row" class="govuk-table__header">Total</th>(.*?)</tr>',
                          page, re.DOTALL).group(1)  # fmt: skip
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", total_row)
    assert cells[:3] == [str(total_requests), str(total_bookings), f"£{total_value / 100:,.2f}"]
    assert "1 January 2025 to 31 December 2025, all districts" in page


def test_activity_for_one_district_counts_the_asking_schools_in_it(admin_client, world):
    rows = read_csv(
        admin_client.get(f"/admin/reports/activity.csv?{YEAR_2025}&district=Chelmsford")
    )

    mine = [row for row in world if row["district"] == "Chelmsford"]
    assert sum(int(row[1]) for row in rows[1:]) == sum(1 for r in mine if in_2025(r["sent"]))
    assert sum(int(row[2]) for row in rows[1:]) == sum(1 for r in mine if standing(r))


def test_conversion_from_request_to_agreement_and_completion(admin_client, world):
    rows = read_csv(admin_client.get(f"/admin/reports/conversion.csv?{YEAR_2025}"))

    assert rows[0] == ["district", "requests", "agreed", "completed", "median_days_to_agreement"]
    sent = [row for row in world if in_2025(row["sent"])]
    expected = []
    for district in sorted({row["district"] for row in sent}):
        mine = [row for row in sent if row["district"] == district]
        agreed = [row for row in mine if row["outcome"]]
        expected.append(
            [
                district,
                str(len(mine)),
                str(len(agreed)),
                str(sum(1 for row in mine if row["outcome"] == "completed")),
                f"{median(row['days'] for row in agreed):.1f}" if agreed else "",
            ]
        )
    agreed = [row for row in sent if row["outcome"]]
    expected.append(
        [
            "All districts",
            str(len(sent)),
            str(len(agreed)),
            str(sum(1 for row in sent if row["outcome"] == "completed")),
            f"{median(row['days'] for row in agreed):.1f}",
        ]
    )
    assert rows[1:] == expected


def test_top_categories_and_specialisms_requested_and_booked(admin_client, world):
    rows = read_csv(admin_client.get(f"/admin/reports/specialisms.csv?{YEAR_2025}"))

    assert rows[0] == ["kind", "name", "requests", "bookings"]
    requested, booked = Counter(), Counter()
    for row in world:
        names = [("category", row["category"])] + [("specialism", s) for s in row["specialisms"]]
        for name in names:
            requested[name] += in_2025(row["sent"])
            booked[name] += standing(row)
    found = {
        (kind, name): (int(requests), int(bookings)) for kind, name, requests, bookings in rows[1:]
    }
    assert found == {name: (requested[name], booked[name]) for name in requested}
    assert [row[1] for row in rows[1:] if row[0] == "category"] == [
        name for _, name in sorted(
            (name for name in requested if name[0] == "category"),
            key=lambda name: (-requested[name], -booked[name], name[1]),
        )
    ]  # fmt: skip


def test_which_districts_give_and_which_receive(admin_client, world):
    rows = read_csv(admin_client.get(f"/admin/reports/districts.csv?{YEAR_2025}"))

    assert rows[0] == ["receiving_district", "giving_district", "bookings", "booked_value"]
    pairs, values = Counter(), Counter()
    for row in world:
        if standing(row):
            pairs[(row["district"], row["giver"])] += 1
            values[(row["district"], row["giver"])] += row["value"]
    assert {(r, g): (int(n), v) for r, g, n, v in rows[1:]} == {
        pair: (count, f"{values[pair] / 100:.2f}") for pair, count in pairs.items()
    }


def test_the_district_table_has_a_row_and_column_for_every_district(admin_client, world):
    page = admin_client.get(f"/admin/reports/districts?{YEAR_2025}").get_data(as_text=True)

    matrix = page[page.index("each row is the district") :]
    row = re.search(r'<th scope="row" class="govuk-table__header">Basildon</th>(.*?)</tr>',
                    matrix, re.DOTALL).group(1)  # fmt: skip
    cells = [int(cell) for cell in re.findall(r"<td[^>]*>([^<]*)</td>", row)]
    from elp.accounts.models import DISTRICT_NAMES

    assert len(cells) == len(DISTRICT_NAMES) + 1
    given_to_basildon = Counter(
        r["giver"] for r in world if standing(r) and r["district"] == "Basildon"
    )
    assert cells[:-1] == [given_to_basildon[name] for name in DISTRICT_NAMES]
    assert cells[-1] == sum(given_to_basildon.values())


def test_every_report_page_has_its_charts_and_they_are_svg(admin_client, world):
    for slug in REPORTS:
        page = admin_client.get(f"/admin/reports/{slug}?{YEAR_2025}").get_data(as_text=True)
        charts = re.findall(
            r'<img class="govuk-!-width-full" src="([^"]+)" alt="Chart: [^"]+"', page
        )
        assert charts, slug
        for chart in charts:
            response = admin_client.get(chart.replace("&amp;", "&"))
            assert response.status_code == 200
            assert response.mimetype == "image/svg+xml"
            svg = response.get_data(as_text=True)
            assert "<svg" in svg and "<script" not in svg
            assert response.headers["Content-Security-Policy"] == (
                "default-src 'none'; style-src 'unsafe-inline'"
            )
