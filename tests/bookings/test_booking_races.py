"""The two schools acting on one booking at once: exactly one wins, the other is told, and
the units are given back at most once. Each school is a separate app context, so a
separate session and connection, as two requests on two workers would be."""

import threading

from elp.accounts.models import User
from elp.bookings import feedback, services
from elp.bookings.models import Booking, Feedback
from elp.errors import ActionRefused
from elp.extensions import db as _db
from elp.offers.models import Offer
from elp.timeutil import uk_today
from elp.unit_of_work import unit_of_work


def race(app, booking_id, first, second):
    """The first school reads the booking; the second reads it, acts and commits; then the
    first acts on what it read. Return the first school's refusal, if any."""
    read, acted, outcome = threading.Event(), threading.Event(), {}

    def first_school():
        with app.app_context(), app.test_request_context():
            booking = _db.session.get(Booking, booking_id)
            booking.feedback  # noqa: B018  (read, as the page did, before the other acts)
            read.set()
            acted.wait(10)
            try:
                with unit_of_work():
                    first(booking)
            except ActionRefused as refusal:
                outcome["refused"] = refusal.message
            _db.session.remove()

    thread = threading.Thread(target=first_school)
    thread.start()
    read.wait(10)
    with app.app_context(), app.test_request_context():
        with unit_of_work():
            second(_db.session.get(Booking, booking_id))
        _db.session.remove()
    acted.set()
    thread.join(20)
    return outcome.get("refused")


def user(user_id):
    return _db.session.get(User, user_id)


def test_a_cancellation_racing_a_delivery_is_refused(app, parties):
    booking_id, offer_id = parties.booking.id, parties.booking.offer_id
    seeking_id, offering_id = parties.seeking_member.id, parties.offering_member.id
    _db.session.remove()

    refused = race(
        app,
        booking_id,
        lambda booking: services.cancel(booking, user(seeking_id), "No longer needed."),
        lambda booking: services.mark_delivered(booking, user(offering_id), uk_today()),
    )

    assert refused.startswith("Someone else changed this booking")
    assert _db.session.get(Booking, booking_id).status == "delivered"
    assert _db.session.get(Offer, offer_id).capacity_left == 7


def test_two_cancellations_at_once_give_the_units_back_once(app, parties):
    booking_id, offer_id = parties.booking.id, parties.booking.offer_id
    seeking_id, offering_id = parties.seeking_member.id, parties.offering_member.id
    _db.session.remove()

    refused = race(
        app,
        booking_id,
        lambda booking: services.cancel(booking, user(seeking_id), "No longer needed."),
        lambda booking: services.cancel(booking, user(offering_id), "Our expert is ill."),
    )

    assert refused.startswith("Someone else changed this booking")
    booking = _db.session.get(Booking, booking_id)
    assert booking.cancellation_reason == "Our expert is ill."
    assert _db.session.get(Offer, offer_id).capacity_left == 10


def test_two_colleagues_sending_feedback_at_once_leave_one_and_are_told(app, parties):
    booking = parties.booking
    booking.status = "completed"
    _db.session.commit()
    booking_id = booking.id
    lead_id, member_id = parties.seeking_lead.id, parties.seeking_member.id
    _db.session.remove()

    refused = race(
        app,
        booking_id,
        lambda booking: feedback.leave_feedback(booking, user(member_id), 4, "Good."),
        lambda booking: feedback.leave_feedback(booking, user(lead_id), 5, "Excellent."),
    )

    assert refused == "Your school has already left feedback on this booking."
    written = _db.session.query(Feedback).all()
    assert [(f.author_id, f.rating) for f in written] == [(lead_id, 5)]
