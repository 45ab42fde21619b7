"""The reports pages: who may read them, the filters, bad periods, and schools joined."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from elp.accounts.models import DISTRICT_NAMES
from elp.extensions import db as _db
from elp.reports.catalogue import REPORTS
from elp.timeutil import UK_TIME
from tests.factories import make_admin, make_lead, make_member, make_school
from tests.reports.conftest import read_csv

BACKWARDS = "start_date=2&start_date=6&start_date=2025&end_date=1&end_date=6&end_date=2025"
ADDRESSES = [f"/admin/reports/{slug}{suffix}" for slug in REPORTS for suffix in ("", ".csv")] + [
    "/admin/reports",
    "/admin/reports/activity/counts.svg",
    "/admin/reports/unmet-demand/searches.svg",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_only_elp_admins_may_read_reports(client, db, login_as, address):
    assert client.get(address).status_code == 302  # to sign in
    login_as(make_member())
    assert client.get(address).status_code == 403
    login_as(make_lead())
    assert client.get(address).status_code == 403
    login_as(make_admin())
    assert client.get(address).status_code == 200


def test_the_admin_home_page_and_the_reports_page_lead_to_every_report(admin_client):
    assert 'href="/admin/reports"' in admin_client.get("/admin/").get_data(as_text=True)
    page = admin_client.get("/admin/reports").get_data(as_text=True)
    for slug, report in REPORTS.items():
        assert f'href="/admin/reports/{slug}"' in page
        assert report.title in page


@pytest.mark.parametrize("slug", REPORTS)
def test_a_period_that_ends_before_it_starts_is_refused_clearly(admin_client, slug):
    page = admin_client.get(f"/admin/reports/{slug}?{BACKWARDS}").get_data(as_text=True)

    assert "<title>Error: " in page
    assert (
        '<a href="#end_date">The end date must be the same as or after the start date</a>' in page
    )
    assert "<table" not in page and "<img" not in page
    for suffix in (".csv", "/chart.svg"):
        response = admin_client.get(f"/admin/reports/{slug}{suffix}?{BACKWARDS}")
        assert response.status_code == 400
        assert "The end date must be the same as or after the start date" in response.get_data(
            as_text=True
        )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start_date=1&start_date=1&start_date=2000&end_date=1&end_date=1&end_date=2011",
         "The period must be 10 years or shorter"),
        ("start_date=1&start_date=13&start_date=2025", "Start date must be a real date, like 14 9 2025"),
        ("start_date=1&start_date=1&start_date=1999", "Start date must be in the years 2000 to 2099"),
        ("district=Narnia", "Choose a district from the list"),
    ],
)  # fmt: skip
def test_bad_filters_are_refused_with_a_message(admin_client, query, message):
    page = admin_client.get(f"/admin/reports/activity?{query}").get_data(as_text=True)

    assert message in page
    assert "<title>Error: " in page


def test_with_no_dates_a_report_covers_the_last_twelve_months(admin_client):
    rows = read_csv(admin_client.get("/admin/reports/activity.csv"))

    months = [row[0] for row in rows[1:]]
    assert len(months) == 12
    assert months[-1] == f"{datetime.now(UK_TIME):%Y-%m}"


def test_the_csv_file_is_named_after_the_report_district_and_period(admin_client):
    response = admin_client.get(
        "/admin/reports/conversion.csv?district=Castle+Point"
        "&start_date=1&start_date=4&start_date=2025&end_date=31&end_date=3&end_date=2026"
    )

    assert response.headers["Content-Disposition"] == (
        'attachment; filename="elp-conversion-castle-point-2025-04-01-to-2026-03-31.csv"'
    )


def test_schools_joined_and_not_by_district(admin_client, db):
    def joined_on(school, when):
        user = make_member(school)
        user.created_at = when
        _db.session.commit()

    plan = [  # (district, first user joined at, a second user at)
        ("Harlow", datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC)),
        ("Harlow", datetime(2024, 6, 1, tzinfo=UTC), None),
        ("Harlow", None, None),
        ("Tendring", datetime(2026, 1, 5, tzinfo=UTC), None),  # after the period
        ("Tendring", None, None),
        ("Maldon", datetime(2025, 12, 31, 23, 59, tzinfo=UTC), None),
    ]
    for district, first, second in plan:
        school = make_school(district=district)
        for when in (first, second):
            if when:
                joined_on(school, when)

    rows = read_csv(
        admin_client.get(
            "/admin/reports/schools-joined.csv"
            "?start_date=1&start_date=1&start_date=2025&end_date=31&end_date=12&end_date=2025"
        )
    )

    assert rows[0] == ["district", "schools", "joined", "not_joined", "joined_during_period"]
    end = datetime(2026, 1, 1, tzinfo=UTC)
    schools, joined, during = Counter(), Counter(), Counter()
    for district, first, _ in plan:
        schools[district] += 1
        joined[district] += bool(first and first < end)
        during[district] += bool(first and datetime(2025, 1, 1, tzinfo=UTC) <= first < end)
    assert rows[1:] == [
        [name, str(schools[name]), str(joined[name]), str(schools[name] - joined[name]),
         str(during[name])]
        for name in DISTRICT_NAMES
    ]  # fmt: skip
