"""Feedback on a completed booking: each school rates it 1–5 with a comment, once.

Neither school sees the other's feedback until both have written, or until
FEEDBACK_REVEAL_DAYS have passed since the first of them wrote (so nobody answers a bad
rating with another). The reveal time is exact: the first feedback's `created_at` plus that
many days (UTC), not the end of a calendar day and not counted from completion, because a
booking completed long ago whose first feedback arrives late still gets its week for the
other school to answer.

On the offer page, an offer's rating is the seeking schools' published feedback: the
offering school's feedback on a booking is about the school it worked with, not about its
own offer, so it shows on the booking page only.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from elp.bookings.models import Booking, BookingStatus, Feedback
from elp.bookings.services import tell_other_school
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db
from elp.timeutil import utcnow

COMMENT_MAX = 2_000
RATINGS = range(1, 6)
ALREADY_WRITTEN = "Your school has already left feedback on this booking."


def reveal_days():
    return timedelta(days=current_app.config["FEEDBACK_REVEAL_DAYS"])


def leave_feedback(booking, user, rating, comment):
    """Add the user's school's feedback on a completed booking, and tell the other school."""
    check_feedback_open(booking, user)
    if rating not in RATINGS:
        raise InvalidInput("rating", "Choose a rating from 1 to 5")
    comment = (comment or "").strip().replace("\r\n", "\n")
    if len(comment) > COMMENT_MAX:
        raise InvalidInput("comment", f"The comment must be {COMMENT_MAX:,} characters or fewer")
    feedback = Feedback(
        booking=booking,
        author_school_id=user.school_id,
        author_id=user.id,
        rating=rating,
        comment=comment or None,
    )
    db.session.add(feedback)
    try:
        db.session.flush()
    except IntegrityError:
        # A colleague's feedback was saved between the check above and this one.
        db.session.rollback()
        raise ActionRefused(ALREADY_WRITTEN) from None
    tell_other_school(booking, user, "feedback", "left feedback on the booking for ‘{title}’")
    return feedback


def check_feedback_open(booking, user):
    """Refuse feedback on a booking not completed, or from a school that has written."""
    if booking.status != BookingStatus.COMPLETED:
        raise ActionRefused(
            "Feedback can be left once the booking is completed: the school that asked for "
            "support confirms it is completed after delivery."
        )
    if feedback_of(booking, user.school_id) is not None:
        raise ActionRefused(ALREADY_WRITTEN)


def feedback_of(booking, school_id):
    """The feedback this school wrote on the booking, or None."""
    return next((f for f in booking.feedback if f.author_school_id == school_id), None)


def reveal_at(booking):
    """When the feedback shows even if only one school has written; None before any."""
    if not booking.feedback:
        return None
    return min(f.created_at for f in booking.feedback) + reveal_days()


def visible_feedback(booking, now=None):
    """The booking's feedback both schools may read: all of it once both have written or
    the reveal time has come, none before."""
    written = list(booking.feedback)
    if len({f.author_school_id for f in written}) == 2:
        return written
    first_shows = reveal_at(booking)
    if first_shows is not None and (now or utcnow()) >= first_shows:
        return written
    return []


@dataclass(frozen=True)
class OfferRating:
    average: float | None  # to one decimal place; None without published feedback
    count: int
    comments: list  # published Feedback with a comment, newest first, author school loaded


def offer_rating(offer, now=None):
    """The average of the seeking schools' published ratings of an offer, and their
    comments, in two queries however many bookings it has."""
    published = _published_seeking_feedback(offer, now or utcnow())
    average, count = db.session.execute(
        select(func.avg(Feedback.rating), func.count(Feedback.id)).join(Booking).where(published)
    ).one()
    comments = db.session.scalars(
        select(Feedback)
        .join(Booking)
        .where(published, Feedback.comment.is_not(None))
        .options(joinedload(Feedback.author_school))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    ).all()
    return OfferRating(
        average=None if not count else round(float(average), 1), count=count, comments=comments
    )


def _published_seeking_feedback(offer, now):
    """The condition for feedback a seeking school wrote on this offer's bookings that the
    reveal rule lets everyone read (the SQL form of `visible_feedback`)."""
    other = aliased(Feedback)
    answered = exists().where(
        other.booking_id == Feedback.booking_id,
        other.author_school_id != Feedback.author_school_id,
    )
    # Unanswered, this feedback is the first on its booking, so its own time starts the wait.
    return (
        (Booking.offer_id == offer.id)
        & (Feedback.author_school_id == Booking.seeking_school_id)
        & or_(answered, Feedback.created_at <= now - reveal_days())
    )
