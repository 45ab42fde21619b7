"""ELP admins read the audit log: newest first, paged, filtered, read-only, and as CSV."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from elp.audit import AuditEvent
from elp.extensions import db as _db
from elp.reports.audit_log import CSV_COLUMNS
from elp.timeutil import utcnow
from tests.factories import (
    days,
    make_admin,
    make_booking,
    make_member,
    make_offer,
    make_request,
    make_school,
)


@pytest.fixture
def admin(db, login_as):
    admin = make_admin(full_name="Pat Admin", email="pat@elp.example")
    login_as(admin)
    return admin


def add_event(action, subject_type="School", subject_id=None, actor=None, at=None, reason=None,
              **details):  # fmt: skip
    event = AuditEvent(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor.id if actor else None,
        occurred_at=at or utcnow(),
        reason=reason,
        details=details,
    )
    _db.session.add(event)
    _db.session.commit()
    return event


def actions(response):
    assert response.status_code == 200
    return re.findall(r"<code>([^<]+)</code>", response.get_data(as_text=True))


def csv_rows(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_the_admin_home_page_links_to_the_audit_log(client, admin):
    assert 'href="/admin/audit-log"' in client.get("/admin/").get_data(as_text=True)


def test_events_are_listed_newest_first_fifty_a_page(client, admin):
    now = utcnow()
    for number in range(55):
        add_event(f"test.event_{number:02d}", at=now - days(55 - number))

    first = actions(client.get("/admin/audit-log"))
    second = actions(client.get("/admin/audit-log?page=2"))

    assert first == [f"test.event_{number:02d}" for number in range(54, 4, -1)]
    assert second == [f"test.event_{number:02d}" for number in range(4, -1, -1)]
    assert "55 events" in client.get("/admin/audit-log").get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "10001", "two", "9" * 5000])
def test_a_page_number_out_of_bounds_is_a_clear_400(client, admin, page):
    response = client.get(f"/admin/audit-log?page={page}")

    assert response.status_code == 400
    assert "The page must be a whole number from 1 to 10,000." in response.get_data(as_text=True)


def test_the_log_is_read_only(client, admin):
    event = add_event("school.added")

    assert client.post("/admin/audit-log").status_code == 405
    assert client.post("/admin/audit-log.csv").status_code == 405
    page = client.get("/admin/audit-log").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    assert 'method="post"' not in main
    assert _db.session.get(AuditEvent, event.id) is not None


def test_events_are_filtered_by_who_did_them_by_name_or_email(client, admin):
    sam = make_member(full_name="Sam Seeker", email="sam@seeking.example")
    add_event("by.sam", actor=sam)
    add_event("by.pat", actor=admin)
    add_event("by.the_service")

    assert actions(client.get("/admin/audit-log?actor=seeker")) == ["by.sam"]
    assert actions(client.get("/admin/audit-log?actor=PAT@ELP")) == ["by.pat"]
    assert actions(client.get("/admin/audit-log?actor=nobody")) == []


def test_events_are_filtered_by_kind(client, admin):
    add_event("school.added")
    add_event("school.suspended")

    assert actions(client.get("/admin/audit-log?kind=school.suspended")) == ["school.suspended"]


def test_a_kind_the_log_does_not_hold_is_refused_with_a_message(client, admin):
    add_event("school.added")

    page = client.get("/admin/audit-log?kind=made.up").get_data(as_text=True)

    assert "Choose a kind of event from the list" in page
    assert "<title>Error: " in page
    assert "<code>" not in page


def test_events_about_a_school_are_those_about_what_belongs_to_it_or_naming_it(client, admin):
    school = make_school(name="Moulsham Infant School", urn="115123")
    other = make_school(name="Harlow Fields School")
    user = make_member(school)
    offer = make_offer(school)
    asked = make_request(offer=make_offer(other), seeking_school=school)
    offered = make_booking(offer=make_offer(school), seeking_school=other)
    add_event("about.the_school", "School", school.id)
    add_event("about.its_user", "User", user.id)
    add_event("about.its_offer", "Offer", offer.id)
    add_event("about.a_request_it_sent", "SupportRequest", asked.id)
    add_event("about.a_booking_it_gives", "Booking", offered.id)
    add_event("about.its_access_code", "AccessCode", 999, school_id=school.id)
    add_event("about.another_school", "School", other.id)
    add_event("about.another_school_user", "User", make_member(other).id)
    add_event("about.a_category", "Category", 1)

    expected = {
        "about.the_school",
        "about.its_user",
        "about.its_offer",
        "about.a_request_it_sent",
        "about.a_booking_it_gives",
        "about.its_access_code",
    }
    assert set(actions(client.get("/admin/audit-log?school=moulsham"))) == expected
    assert set(actions(client.get("/admin/audit-log?school=115123"))) == expected
    # The booking and the request are the other school's too, and the booking's service
    # charge is levied on it as the seeking school.
    assert set(actions(client.get("/admin/audit-log?school=Harlow+Fields"))) == {
        "about.a_request_it_sent",
        "about.a_booking_it_gives",
        "charge.issued",
        "about.another_school",
        "about.another_school_user",
    }


def test_an_event_about_a_service_charge_belongs_to_the_school_that_pays_it(client, admin):
    from elp.billing import services as billing_services

    payer = make_school(name="Moulsham Infant School")
    offering = make_school(name="Harlow Fields School")
    booking = make_booking(offer=make_offer(offering), seeking_school=payer)
    charge = billing_services.charges_for_booking(booking)[0]
    add_event("about.its_charge", "Charge", charge.id)

    assert "about.its_charge" in actions(client.get("/admin/audit-log?school=moulsham"))
    assert "about.its_charge" not in actions(client.get("/admin/audit-log?school=Harlow+Fields"))


def test_events_are_filtered_by_period_in_uk_days(client, admin):
    # 23:30 UTC on 31 May is 00:30 on 1 June in UK summer time.
    add_event("may.last_minute", at=datetime(2026, 5, 31, 22, 59, tzinfo=UTC))
    add_event("june.first_minute", at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC))
    add_event("june.last_minute", at=datetime(2026, 6, 30, 22, 59, tzinfo=UTC))
    add_event("july.first_minute", at=datetime(2026, 6, 30, 23, 0, tzinfo=UTC))

    response = client.get(
        "/admin/audit-log?start_date=1&start_date=6&start_date=2026"
        "&end_date=30&end_date=6&end_date=2026"
    )

    assert actions(response) == ["june.last_minute", "june.first_minute"]
    only_start = client.get("/admin/audit-log?start_date=1&start_date=7&start_date=2026")
    assert actions(only_start) == ["july.first_minute"]


def test_a_period_that_ends_before_it_starts_is_refused_with_a_clear_message(client, admin):
    add_event("school.added")

    response = client.get(
        "/admin/audit-log?start_date=2&start_date=6&start_date=2026"
        "&end_date=1&end_date=6&end_date=2026"
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Audit log" in page
    assert "govuk-error-summary" in page
    assert (
        '<a href="#end_date">The end date must be the same as or after the start date</a>' in page
    )
    assert 'value="2"' in page  # what was typed is kept
    assert "<code>" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "start_date=31&start_date=2&start_date=2026",
            "Start date must be a real date, like 14 9 2025",
        ),
        ("end_date=1&end_date=1&end_date=99999", "End date must be a real date, like 14 9 2025"),
        ("end_date=1&end_date=1&end_date=9999", "End date must be in the years 2000 to 2099"),
        ("actor=" + "a" * 201, "Enter 200 characters or fewer"),
    ],
)
def test_bad_filters_are_refused_with_a_message(client, admin, query, message):
    page = client.get(f"/admin/audit-log?{query}").get_data(as_text=True)

    assert message in page
    assert "<title>Error: " in page


def test_the_csv_export_has_the_filtered_events_with_their_columns(client, admin):
    school = make_school()
    add_event("school.suspended", "School", school.id, actor=admin, reason="=HYPERLINK(1)",
              at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC), school_id=school.id)  # fmt: skip
    add_event("school.added", "School", school.id)

    rows = csv_rows(client.get("/admin/audit-log.csv?kind=school.suspended"))

    assert rows[0] == CSV_COLUMNS == [
        "id", "occurred_at", "actor_id", "actor_name", "actor_email", "action",
        "subject_type", "subject_id", "reason", "details",
    ]  # fmt: skip
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["occurred_at"] == "2026-06-01T10:00:00+01:00"
    assert row["actor_name"] == "Pat Admin"
    assert row["actor_email"] == "pat@elp.example"
    assert row["action"] == "school.suspended"
    assert row["subject_type"] == "School"
    assert row["subject_id"] == str(school.id)
    assert row["reason"] == "'=HYPERLINK(1)"  # never read as a formula
    assert row["details"] == f'{{"school_id": {school.id}}}'


def test_the_page_links_to_the_csv_of_the_same_filters(client, admin):
    add_event("school.added")

    page = client.get("/admin/audit-log?kind=school.added").get_data(as_text=True)

    assert 'href="/admin/audit-log.csv?kind=school.added' in page


def test_the_csv_export_of_a_bad_period_is_a_clear_400(client, admin):
    response = client.get(
        "/admin/audit-log.csv?start_date=2&start_date=6&start_date=2026"
        "&end_date=1&end_date=6&end_date=2026"
    )

    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.get_data(
        as_text=True
    )
