"""Session dates after booking: either school sets them on a booking agreed as a window,
within the window and, for units counted one a day, no more than the quantity; the other
school is told and may change them; each change is a new row, the newest in force; and the
calendar file follows (read back with icalendar)."""

from datetime import date, timedelta

import icalendar
import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.bookings.models import Booking, SessionDatesChange
from elp.extensions import db as _db
from elp.notifications.models import Notification
from tests.factories import make_booking, make_member, make_offer, make_school

START, END = date(2027, 1, 11), date(2027, 3, 26)


@pytest.fixture
def window(db):
    """3 days agreed between 11 January and 26 March 2027, without session dates."""
    offering = make_school(name="Kingswood Meadow Primary")
    seeking = make_school(name="Harlow Fields Infants")
    seeking_member = make_member(seeking)
    booking = make_booking(
        offer=make_offer(offering, "Phonics catch-up", capacity=10),
        author=seeking_member,
        quantity=3,
        earliest_start=START,
        latest_end=END,
    )
    _db.session.execute(Notification.__table__.delete())
    _db.session.commit()
    return booking, make_member(offering), seeking_member


def fresh(booking):
    _db.session.expire_all()
    return _db.session.get(Booking, booking.id)


def typed(*days):
    return "\n".join(f"{day.day}/{day.month}/{day.year}" for day in days)


def set_dates(client, booking, *days, **extra):
    return client.post(
        f"/bookings/{booking.id}/session-dates", data={"session_dates": typed(*days), **extra}
    )


def calendar_of(client, booking):
    response = client.get(f"/bookings/{booking.id}/calendar.ics")
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.data).walk("VEVENT")


def test_without_session_dates_the_calendar_has_one_free_event_to_arrange(window, login_as):
    booking, _, seeking_member = window

    (event,) = calendar_of(login_as(seeking_member), booking)

    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == END + timedelta(days=1)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["SUMMARY"]) == "To arrange: Phonics catch-up with Kingswood Meadow Primary"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_either_school_sets_the_dates_and_the_other_is_told(window, login_as):
    booking, offering_member, seeking_member = window
    client = login_as(seeking_member)

    form = client.get(f"/bookings/{booking.id}/session-dates")
    assert form.status_code == 200 and "Set the session dates" in form.get_data(as_text=True)
    response = set_dates(client, booking, date(2027, 2, 1), date(2027, 1, 18))

    assert response.status_code == 302
    after = fresh(booking)
    assert after.status == "confirmed"
    assert after.session_days == [date(2027, 1, 18), date(2027, 2, 1)]
    (change,) = _db.session.scalars(select(SessionDatesChange)).all()
    assert change.session_dates == ["2027-01-18", "2027-02-01"]
    assert (change.set_by_school_id, change.set_by_id) == (
        seeking_member.school_id,
        seeking_member.id,
    )
    told = _db.session.scalars(select(Notification)).all()
    assert {n.user_id for n in told} == {offering_member.id} | {
        u.id for u in offering_member.school.users
    }
    assert told[0].text == "Harlow Fields Infants set the session dates for ‘Phonics catch-up’"
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "booking.given_session_dates")
    ).one()
    assert event.details["session_dates"] == ["2027-01-18", "2027-02-01"]
    assert event.details["status"] == "confirmed"

    show = login_as(offering_member).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "18 January 2027, 1 February 2027" in show
    assert "Change the session dates" in show


def test_the_other_school_changes_them_and_the_newest_is_in_force(window, login_as):
    booking, offering_member, seeking_member = window
    set_dates(login_as(seeking_member), booking, date(2027, 1, 18), date(2027, 2, 1))
    _db.session.execute(Notification.__table__.delete())
    _db.session.commit()

    offering = login_as(offering_member)
    form = offering.get(f"/bookings/{booking.id}/session-dates").get_data(as_text=True)
    assert "18/1/2027\n1/2/2027" in form  # filled with the dates in force
    response = set_dates(offering, booking, date(2027, 1, 25), date(2027, 2, 1))

    assert response.status_code == 302
    assert fresh(booking).session_days == [date(2027, 1, 25), date(2027, 2, 1)]
    changes = _db.session.scalars(select(SessionDatesChange).order_by(SessionDatesChange.id))
    assert [c.session_dates for c in changes] == [
        ["2027-01-18", "2027-02-01"],
        ["2027-01-25", "2027-02-01"],
    ]  # the first version is kept as it was
    text = _db.session.scalars(select(Notification.text)).first()
    assert text == "Kingswood Meadow Primary changed the session dates for ‘Phonics catch-up’"
    show = login_as(seeking_member).get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "Session dates since booking" in show
    assert "25 January 2027, 1 February 2027 (in force)" in show


def test_the_calendar_follows_the_dates_and_drops_what_they_replaced(window, login_as):
    booking, _, seeking_member = window
    client = login_as(seeking_member)
    (before,) = calendar_of(client, booking)

    set_dates(client, booking, date(2027, 1, 18), date(2027, 2, 1))
    first = calendar_of(client, booking)
    set_dates(client, booking, date(2027, 1, 25), date(2027, 2, 1))
    second = calendar_of(client, booking)

    in_force = [e for e in first if str(e["STATUS"]) == "CONFIRMED"]
    assert [e.decoded("DTSTART") for e in in_force] == [date(2027, 1, 18), date(2027, 2, 1)]
    assert all(str(e["TRANSP"]) == "OPAQUE" for e in in_force)
    assert all(not str(e["SUMMARY"]).startswith("To arrange") for e in in_force)
    # The window's event comes back cancelled under its own UID, so calendars drop it.
    (window_event,) = [e for e in first if str(e["UID"]) == str(before["UID"])]
    assert str(window_event["STATUS"]) == "CANCELLED"
    assert int(window_event["SEQUENCE"]) > int(before["SEQUENCE"])

    by_uid = {str(e["UID"]): e for e in second}
    assert str(by_uid[f"booking-{booking.id}-2027-01-25@elp-exchange"]["STATUS"]) == "CONFIRMED"
    assert str(by_uid[f"booking-{booking.id}-2027-02-01@elp-exchange"]["STATUS"]) == "CONFIRMED"
    assert str(by_uid[f"booking-{booking.id}-2027-01-18@elp-exchange"]["STATUS"]) == "CANCELLED"
    assert str(by_uid[str(before["UID"])]["STATUS"]) == "CANCELLED"
    sequences = {int(e["SEQUENCE"]) for e in second}
    assert len(sequences) == 1 and sequences.pop() > int(first[0]["SEQUENCE"])


def test_a_session_on_the_windows_first_day_takes_the_windows_event(window, login_as):
    booking, _, seeking_member = window
    client = login_as(seeking_member)
    set_dates(client, booking, START, date(2027, 2, 1))

    events = calendar_of(client, booking)

    assert [(e.decoded("DTSTART"), str(e["STATUS"])) for e in events] == [
        (START, "CONFIRMED"),
        (date(2027, 2, 1), "CONFIRMED"),
    ]
    assert events[0].decoded("DTEND") == START + timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter at least one session date"),
        ("10/1/2027", "Each session date must be between 11 January 2027 and 26 March 2027"),
        ("27/3/2027", "(27 March 2027 is not)"),
        ("11/1/2027\n12/1/2027\n13/1/2027\n14/1/2027", "Enter 3 session dates or fewer"),
        ("12/1/2027\n12/1/2027", "Enter each session date once"),
        ("12/1/2027\nnext Tuesday", "(date 2, ‘next Tuesday’, is not a date)"),
        ("31/2/2027", "is not a date"),
    ],
)
def test_bad_dates_are_refused_keep_what_was_typed_and_change_nothing(
    window, login_as, text, message
):
    booking, _, seeking_member = window

    response = login_as(seeking_member).post(
        f"/bookings/{booking.id}/session-dates", data={"session_dates": text}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message in page
    assert text.split("\n")[-1] in page
    after = fresh(booking)
    assert (after.session_dates, after.version) == ([], 1)
    assert _db.session.scalars(select(SessionDatesChange)).all() == []
    assert _db.session.scalars(select(Notification)).all() == []


def test_hours_may_fall_on_more_days_than_the_quantity(db, login_as):
    member = make_member()
    booking = make_booking(
        offer=make_offer(unit="hour", price_pence=6_000),
        author=member,
        quantity=2,
        earliest_start=START,
        latest_end=END,
    )

    response = set_dates(
        login_as(member), booking, date(2027, 1, 12), date(2027, 1, 13), date(2027, 1, 14)
    )

    assert response.status_code == 302
    assert len(fresh(booking).session_days) == 3


def test_a_stale_form_is_refused_with_what_was_typed_kept(window, login_as):
    booking, offering_member, seeking_member = window
    old_version = fresh(booking).version
    set_dates(login_as(offering_member), booking, date(2027, 1, 18))

    response = set_dates(login_as(seeking_member), booking, date(2027, 2, 8), version=old_version)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this booking while you were looking at it" in page
    assert "8/2/2027" in page
    assert fresh(booking).session_days == [date(2027, 1, 18)]


def test_dates_cannot_be_set_once_delivered(window, login_as):
    booking, _, seeking_member = window
    booking.status = "delivered"
    _db.session.commit()

    response = set_dates(login_as(seeking_member), booking, date(2027, 1, 18))

    assert response.status_code == 409
    assert "A delivered booking cannot be given session dates." in response.get_data(as_text=True)
    assert fresh(booking).session_dates == []
