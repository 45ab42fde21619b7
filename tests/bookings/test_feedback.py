"""Feedback on a completed booking: the rules for leaving it, the reveal rule (both have
written, or FEEDBACK_REVEAL_DAYS since the first), and the offer's rating."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elp.bookings import feedback
from elp.bookings.models import Feedback
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db as _db
from elp.notifications.models import Notification, OutboxEmail
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work
from tests.factories import make_booking, make_lead, make_offer

pytestmark = pytest.mark.usefixtures("in_request")


@pytest.fixture
def completed(parties):
    parties.booking.status = "completed"
    _db.session.commit()
    return parties


def leave(booking, user, rating=5, comment="Transformed our phonics teaching."):
    with unit_of_work():
        return feedback.leave_feedback(booking, user, rating, comment)


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


# --- Leaving feedback ---------------------------------------------------------------------


def test_each_school_leaves_one_and_the_other_school_is_told(completed):
    booking = completed.booking
    leave(booking, completed.seeking_member, 4, "  Very helpful.\r\nWould book again.  ")

    (written,) = booking.feedback
    assert (written.rating, written.comment) == (4, "Very helpful.\nWould book again.")
    assert written.author_school_id == completed.seeking_member.school_id
    told = _db.session.execute(select(Notification.user_id, Notification.kind)).all()
    assert sorted(told) == sorted(
        [(completed.offering_lead.id, "feedback"), (completed.offering_member.id, "feedback")]
    )
    emails = sorted(_db.session.scalars(select(OutboxEmail.to)))
    assert emails == sorted([completed.offering_lead.email, completed.offering_member.email])


@pytest.mark.parametrize("state", ["confirmed", "delivered", "cancelled"])
def test_feedback_waits_for_completion(parties, state):
    parties.booking.status = state
    _db.session.commit()
    with pytest.raises(ActionRefused, match="once the booking is completed"):
        leave(parties.booking, parties.seeking_member)
    assert count(Feedback) == 0


@pytest.mark.parametrize("rating", [0, 6, -1, None])
def test_a_rating_outside_one_to_five_is_refused(completed, rating):
    with pytest.raises(InvalidInput, match="Choose a rating from 1 to 5"):
        leave(completed.booking, completed.seeking_member, rating)
    assert count(Feedback) == count(Notification) == 0


def test_a_comment_over_two_thousand_characters_is_refused(completed):
    with pytest.raises(InvalidInput, match="2,000 characters or fewer"):
        leave(completed.booking, completed.seeking_member, 3, "x" * 2001)
    leave(completed.booking, completed.seeking_member, 3, "x" * 2000)
    assert count(Feedback) == 1


def test_a_second_feedback_from_the_same_school_is_refused(completed):
    leave(completed.booking, completed.seeking_member)
    with pytest.raises(ActionRefused, match="already left feedback"):
        leave(completed.booking, completed.seeking_lead, 1, "Changed my mind.")
    assert count(Feedback) == 1
    assert count(Notification) == 2


# --- Who sees it when ---------------------------------------------------------------------


def test_nothing_shows_while_only_one_school_has_written(completed):
    booking = completed.booking
    leave(booking, completed.seeking_member)
    first = booking.feedback[0].created_at
    days = timedelta(days=7)

    assert feedback.visible_feedback(booking) == []
    assert feedback.visible_feedback(booking, now=first + days - timedelta(seconds=1)) == []
    assert feedback.reveal_at(booking) == first + days


def test_all_shows_once_both_schools_have_written(completed):
    booking = completed.booking
    leave(booking, completed.seeking_member, 5)
    leave(booking, completed.offering_member, 4)
    assert [f.rating for f in feedback.visible_feedback(booking)] == [5, 4]


def test_one_schools_feedback_shows_seven_days_after_it_was_written(completed):
    booking = completed.booking
    leave(booking, completed.seeking_member)
    first = booking.feedback[0].created_at
    assert feedback.visible_feedback(booking, now=first + timedelta(days=7)) == booking.feedback


def test_the_wait_follows_the_setting(app, completed):
    booking = completed.booking
    leave(booking, completed.seeking_member)
    app.config["FEEDBACK_REVEAL_DAYS"] = 2
    try:
        assert feedback.reveal_at(booking) == booking.feedback[0].created_at + timedelta(days=2)
    finally:
        app.config["FEEDBACK_REVEAL_DAYS"] = 7


# --- The offer's rating -------------------------------------------------------------------


def completed_booking(offer):
    booking = make_booking(offer=offer)
    booking.status = "completed"
    _db.session.commit()
    return booking


def write(booking, party, rating, comment, days_ago=0):
    """Feedback written `days_ago`, straight in the database (no notifications needed)."""
    school_id = booking.seeking_school_id if party == "seeking" else booking.offering_school_id
    author = make_lead(_db.session.get(type(booking.seeking_school), school_id))
    written = Feedback(
        booking=booking,
        author_school_id=school_id,
        author_id=author.id,
        rating=rating,
        comment=comment,
        created_at=utcnow() - timedelta(days=days_ago),
    )
    _db.session.add(written)
    _db.session.commit()
    return written


def test_the_offer_rating_counts_only_published_seeking_school_feedback(db):
    offer = make_offer(capacity=None)
    answered = completed_booking(offer)
    write(answered, "seeking", 5, "Superb.", days_ago=1)
    write(answered, "offering", 1, "About the school, not the offer.")
    old = completed_booking(offer)
    write(old, "seeking", 4, None, days_ago=8)
    too_new = completed_booking(offer)
    write(too_new, "seeking", 1, "Not shown yet.", days_ago=6)
    write(completed_booking(make_offer()), "seeking", 1, "Another offer.", days_ago=30)

    rating = feedback.offer_rating(offer)

    assert (rating.average, rating.count) == (4.5, 2)
    assert [f.comment for f in rating.comments] == ["Superb."]


def test_an_offer_without_published_feedback_has_no_rating(db):
    rating = feedback.offer_rating(make_offer())
    assert (rating.average, rating.count, rating.comments) == (None, 0, [])
