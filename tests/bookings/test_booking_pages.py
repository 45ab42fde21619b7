"""The booking pages as each school sees them: the list, the frozen terms and contacts,
the buttons from the table, the cancellation and feedback forms, and bad input."""

from datetime import date, timedelta

import pytest

from elp.bookings.models import Booking, Feedback
from elp.extensions import db as _db
from elp.notifications.models import Notification
from tests.bookings.conftest import last_session_form
from tests.factories import make_booking, make_member, make_offer, make_school


def page_of(client, booking):
    response = client.get(f"/bookings/{booking.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_bookings_page_lists_the_schools_bookings_by_status(parties, login_as):
    seeking = parties.seeking_member.school
    cancelled = make_booking(offer=make_offer(seeking, "Maths mastery"))
    cancelled.status = "cancelled"
    make_booking(offer=make_offer(make_school(), "Someone else's booking"))
    _db.session.commit()

    page = login_as(parties.seeking_member).get("/bookings").get_data(as_text=True)

    assert "Your school’s bookings" in page
    assert "Upcoming (1)" in page and "Cancelled (1)" in page and "Completed (0)" in page
    assert f'href="/bookings/{parties.booking.id}">Phonics catch-up</a>' in page
    assert "From Kingswood Meadow Primary" in page
    assert f'href="/bookings/{cancelled.id}">Maths mastery</a>' in page
    assert "Someone else" not in page
    assert page.index("Phonics catch-up") < page.index("Maths mastery")


def test_the_navigation_has_bookings_for_school_users(parties, login_as):
    page = login_as(parties.seeking_member).get("/bookings").get_data(as_text=True)
    assert 'href="/bookings"' in page


def test_the_booking_page_shows_the_frozen_terms_and_both_schools_contacts(parties, login_as):
    booking = parties.booking
    booking.session_dates = ["2027-01-18", "2027-01-11"]
    booking.note = "Mornings only, please."
    booking.offer.title = "Renamed since"
    _db.session.commit()

    page = page_of(login_as(parties.seeking_member), booking)

    assert '<h1 class="govuk-heading-l">Phonics catch-up</h1>' in page
    for text in ("3 days", "£350 per day", "£1,050", "11 January 2027, 18 January 2027",
                 "At the seeking school", "Alex Expert (SLE)", "Mornings only, please."):  # fmt: skip
        assert text in page
    assert "Renamed since" not in page
    assert "Helen Carter" in page and 'href="mailto:helen@kingswood.example"' in page
    assert "David Okafor" in page and 'href="mailto:david@harlow.example"' in page
    assert "Download calendar file (.ics)" in page
    assert f'href="/bookings/{booking.id}/calendar.ics"' in page


@pytest.mark.parametrize(
    ("state", "party", "shown", "hidden"),
    [
        ("confirmed", "offering", ["Mark as delivered", "Cancel booking"], ["Confirm completed"]),
        ("confirmed", "seeking", ["Cancel booking"], ["Mark as delivered", "Confirm completed"]),
        ("delivered", "seeking", ["Confirm completed"], ["Cancel booking", "Mark as delivered"]),
        ("delivered", "offering", [], ["Confirm completed", "Cancel booking", "Mark as delivered"]),
        ("completed", "seeking", [], ["Confirm completed", "Cancel booking", "Mark as delivered"]),
    ],
)
def test_the_buttons_follow_the_table(parties, login_as, state, party, shown, hidden):
    parties.booking.status = state
    _db.session.commit()
    page = page_of(login_as(parties.user(party)), parties.booking)
    for label in shown:
        assert label in page
    for label in hidden:
        assert label not in page


def test_another_schools_booking_is_not_found_on_any_page(parties, login_as):
    client = login_as(make_member())
    booking_id = parties.booking.id
    for method, path in [
        ("GET", ""), ("GET", "/calendar.ics"), ("POST", "/deliver"), ("POST", "/complete"),
        ("GET", "/cancel"), ("POST", "/cancel"), ("POST", "/feedback"),
    ]:  # fmt: skip
        response = client.open(f"/bookings/{booking_id}{path}", method=method, data={"reason": "x"})
        assert response.status_code == 404, path
    _db.session.expire_all()
    assert _db.session.get(Booking, booking_id).status == "confirmed"


# --- Cancelling through the page ----------------------------------------------------------


def test_a_cancellation_without_a_reason_shows_the_error_and_changes_nothing(parties, login_as):
    client = login_as(parties.offering_member)
    response = client.post(f"/bookings/{parties.booking.id}/cancel", data={"reason": "  "})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Cancel booking" in page
    assert "govuk-error-summary" in page
    assert "Enter the reason for cancelling the booking" in page
    _db.session.expire_all()
    assert _db.session.get(Booking, parties.booking.id).status == "confirmed"
    assert _db.session.query(Notification).count() == 0


def test_a_too_long_reason_is_kept_and_refused(parties, login_as):
    client = login_as(parties.offering_member)
    reason = "Because " * 200
    response = client.post(f"/bookings/{parties.booking.id}/cancel", data={"reason": reason})

    page = response.get_data(as_text=True)
    assert "The reason must be 1,000 characters or fewer" in page
    assert reason.strip() in page


def test_cancelling_shows_the_reason_on_the_booking_and_tells_the_other_school(
    parties, login_as, sent_emails
):
    client = login_as(parties.offering_member)
    response = client.post(
        f"/bookings/{parties.booking.id}/cancel",
        data={"reason": "Our expert is ill.\nWe are sorry."},
    )
    assert response.status_code == 302

    page = page_of(client, parties.booking)
    assert "The booking is cancelled and the other school has been told why" in page
    assert "Cancelled by Kingswood Meadow Primary" in page
    assert "Our expert is ill.<br>We are sorry." in page
    # The voided invoice's credit note goes to the paying school's leads (issue 22 part 4).
    credit_notes = [m for m in sent_emails if m["Subject"].startswith("Credit note CN-")]
    assert [message["To"] for message in credit_notes] == [parties.seeking_lead.email]
    told = [message for message in sent_emails if message not in credit_notes]
    assert sorted(message["To"] for message in told) == sorted(
        [parties.seeking_lead.email, parties.seeking_member.email]
    )
    assert {message["Subject"] for message in told} == {
        "Kingswood Meadow Primary cancelled the booking for ‘Phonics catch-up’"
    }


def test_the_cancel_page_of_a_delivered_booking_is_refused(parties, login_as):
    parties.booking.status = "delivered"
    _db.session.commit()
    response = login_as(parties.seeking_member).get(f"/bookings/{parties.booking.id}/cancel")
    assert response.status_code == 409
    assert "A delivered booking cannot be cancelled." in response.get_data(as_text=True)


# --- Delivery, completion and feedback through the pages ----------------------------------


def test_a_booking_goes_from_delivered_to_feedback_on_both_sides(parties, login_as):
    booking = parties.booking
    offering = login_as(parties.offering_member)
    offering.post(f"/bookings/{booking.id}/deliver", data=last_session_form())
    assert "The booking is marked as delivered" in page_of(offering, booking)

    seeking = login_as(parties.seeking_member)
    seeking.post(f"/bookings/{booking.id}/complete")
    page = page_of(seeking, booking)
    assert "You have confirmed the booking is completed" in page
    assert "How would you rate this booking?" in page

    seeking.post(f"/bookings/{booking.id}/feedback", data={"rating": "5", "comment": "Superb."})
    page = page_of(seeking, booking)
    assert "Thank you: your feedback has been saved" in page
    assert "You rated this booking 5 out of 5" in page
    assert "How would you rate this booking?" not in page

    offering = login_as(parties.offering_lead)
    page = page_of(offering, booking)
    assert "Harlow Fields Infants has left feedback. It shows once you have written yours" in page
    assert "Superb." not in page

    offering.post(f"/bookings/{booking.id}/feedback", data={"rating": "4", "comment": "Lovely."})
    page = page_of(offering, booking)
    assert "Harlow Fields Infants: 5 out of 5" in page and "Superb." in page
    assert "Kingswood Meadow Primary: 4 out of 5" in page and "Lovely." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a rating from 1 to 5"),
        ({"rating": "9"}, "Choose a rating from 1 to 5"),
        ({"rating": "five"}, "Choose a rating from 1 to 5"),
        ({"rating": "3", "comment": "x" * 2001}, "The comment must be 2,000 characters or fewer"),
    ],
)
def test_bad_feedback_is_refused_on_the_page_and_nothing_is_saved(parties, login_as, data, message):
    parties.booking.status = "completed"
    _db.session.commit()
    client = login_as(parties.seeking_member)

    response = client.post(f"/bookings/{parties.booking.id}/feedback", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page and message in page
    assert _db.session.query(Feedback).count() == 0


def test_sending_feedback_twice_is_refused_clearly(parties, login_as):
    parties.booking.status = "completed"
    _db.session.commit()
    client = login_as(parties.seeking_member)
    url = f"/bookings/{parties.booking.id}/feedback"

    assert client.post(url, data={"rating": "5"}).status_code == 302
    again = client.post(url, data={"rating": "1"})

    assert again.status_code == 409
    assert "Your school has already left feedback on this booking." in again.get_data(as_text=True)
    assert [f.rating for f in _db.session.query(Feedback)] == [5]
    assert _db.session.query(Notification).count() == 2


def test_one_schools_feedback_shows_on_its_own_after_seven_days(parties, login_as):
    parties.booking.status = "completed"
    _db.session.commit()
    login_as(parties.seeking_member).post(
        f"/bookings/{parties.booking.id}/feedback", data={"rating": "2", "comment": "Late twice."}
    )
    written = _db.session.query(Feedback).one()
    written.created_at = written.created_at - timedelta(days=7)
    _db.session.commit()

    page = page_of(login_as(parties.offering_member), parties.booking)
    assert "Harlow Fields Infants: 2 out of 5" in page and "Late twice." in page


def test_the_offer_page_shows_the_average_rating_and_published_comments(parties, login_as):
    offer = parties.booking.offer
    parties.booking.status = "completed"
    other = make_booking(offer=offer)
    other.status = "completed"
    _db.session.commit()
    for booking, rating, comment in [(parties.booking, 5, "Superb."), (other, 4, "Useful.")]:
        _db.session.add(
            Feedback(booking=booking, author_school_id=booking.seeking_school_id,
                     author_id=booking.request.requested_by_id, rating=rating, comment=comment)
        )  # fmt: skip
        _db.session.add(
            Feedback(booking=booking, author_school_id=booking.offering_school_id,
                     author_id=parties.offering_lead.id, rating=1, comment="About the school.")
        )  # fmt: skip
    _db.session.commit()

    page = login_as(make_member()).get(f"/offers/{offer.id}").get_data(as_text=True)

    assert "Average rating: 4.5 out of 5, from 2 ratings" in page
    assert "Superb." in page and "Useful." in page
    assert "About the school." not in page


def test_an_offer_without_feedback_says_so(db, login_as):
    offer = make_offer()
    page = login_as(make_member()).get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "No school has left feedback on this offer yet." in page


def test_session_dates_are_listed_in_order(parties, login_as):
    parties.booking.session_dates = [date(2027, 3, 1).isoformat(), date(2027, 2, 1).isoformat()]
    _db.session.commit()
    page = page_of(login_as(parties.seeking_member), parties.booking)
    assert "1 February 2027, 1 March 2027" in page


def test_a_delivered_booking_says_when_it_completes_by_itself(parties, login_as, app):
    parties.booking.status = "delivered"
    _db.session.commit()
    page = page_of(login_as(parties.seeking_member), parties.booking)
    assert (
        "Confirm it is completed, or report a problem if it was not delivered as agreed. "
        "Otherwise it completes by itself 14 days after delivery." in page
    )
