"""The booking's calendar file: RFC 5545, read back with the icalendar library."""

from datetime import date, timedelta

import icalendar

from elp.extensions import db as _db
from tests.factories import make_booking, make_member, make_offer, make_school

JAN = [date(2027, 1, 11), date(2027, 1, 18), date(2027, 1, 25)]


def download(client, booking):
    response = client.get(f"/bookings/{booking.id}/calendar.ics")
    assert response.status_code == 200
    return response, icalendar.Calendar.from_ical(response.data)


def test_each_session_date_is_an_all_day_event(parties, login_as):
    booking = parties.booking
    booking.session_dates = [day.isoformat() for day in reversed(JAN)]
    _db.session.commit()

    response, calendar = download(login_as(parties.seeking_member), booking)

    assert response.mimetype == "text/calendar"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="booking-{booking.id}.ics"'
    )
    assert calendar["VERSION"] == "2.0"
    assert "ELP Exchange" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    assert [event.decoded("DTSTART") for event in events] == JAN
    assert [event.decoded("DTEND") for event in events] == [d + timedelta(days=1) for d in JAN]
    assert [str(event["UID"]) for event in events] == [
        f"booking-{booking.id}-{day.isoformat()}@elp-exchange" for day in JAN
    ]
    for event in events:
        assert event.decoded("DTSTAMP").tzinfo is not None
        assert str(event["SUMMARY"]) == "Phonics catch-up with Kingswood Meadow Primary"
        assert f"http://localhost/bookings/{booking.id}" in str(event["DESCRIPTION"])
        assert "3 days at £350 a day, £1,050 in total" in str(event["DESCRIPTION"])
        assert str(event["STATUS"]) == "CONFIRMED"


def test_the_summary_names_the_other_school_for_each_side(parties, login_as):
    _, calendar = download(login_as(parties.offering_lead), parties.booking)
    summary = str(calendar.walk("VEVENT")[0]["SUMMARY"])
    assert summary == "To arrange: Phonics catch-up with Harlow Fields Infants"


def test_a_window_without_dates_is_one_all_day_event_ending_the_day_after(db, login_as):
    seeking = make_school()
    booking = make_booking(
        offer=make_offer(),
        seeking_school=seeking,
        earliest_start=date(2027, 2, 22),
        latest_end=date(2027, 3, 26),
    )

    _, calendar = download(login_as(booking.request.requested_by), booking)

    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 2, 22)
    assert event.decoded("DTEND") == date(2027, 3, 27)
    assert str(event["UID"]) == f"booking-{booking.id}-2027-02-22@elp-exchange"


def test_the_same_booking_keeps_its_uids_and_a_cancellation_marks_them(parties, login_as):
    booking = parties.booking
    client = login_as(parties.seeking_member)
    _, before = download(client, booking)
    client.post(f"/bookings/{booking.id}/cancel", data={"reason": "Snow closure."})
    _, after = download(client, booking)

    uids = [str(event["UID"]) for event in before.walk("VEVENT")]
    assert uids == [str(event["UID"]) for event in after.walk("VEVENT")]
    (event,) = after.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) > int(before.walk("VEVENT")[0]["SEQUENCE"])


def test_another_school_cannot_download_it(parties, login_as):
    stranger = login_as(make_member())
    assert stranger.get(f"/bookings/{parties.booking.id}/calendar.ics").status_code == 404
