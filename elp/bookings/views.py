"""Booking pages: a school's bookings, one booking's frozen terms and contacts, its
calendar file, delivery, completion, cancellation and feedback.

Only the two schools of a booking see it; anyone else gets a 404 (`services.booking_for_user`).
"""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.billing import invoices
from elp.bookings import feedback, services
from elp.bookings.calendar import calendar_file
from elp.bookings.forms import CancelForm, FeedbackForm
from elp.bookings.models import BookingStatus
from elp.errors import InvalidInput
from elp.notifications import read_where_read
from elp.settings import services as settings
from elp.unit_of_work import unit_of_work

bp = Blueprint("bookings", __name__, url_prefix="/bookings")


@bp.get("")
@school_user_required
def index():
    return render_template(
        "bookings/index.html", sections=services.school_bookings(current_user.school)
    )


@bp.get("/<int:booking_id>")
@school_user_required
def show(booking_id):
    read_where_read()  # first: a commit would make the page reload what it read
    booking = services.booking_for_user(booking_id, current_user)
    return _booking_page(booking, FeedbackForm())


@bp.get("/<int:booking_id>/calendar.ics")
@school_user_required
def calendar(booking_id):
    booking = services.booking_for_user(booking_id, current_user)
    return Response(
        calendar_file(booking, current_user.school_id),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="booking-{booking.id}.ics"'},
    )


@bp.post("/<int:booking_id>/deliver")
@school_user_required
def deliver(booking_id):
    booking = services.booking_for_user(booking_id, current_user)
    with unit_of_work():
        services.mark_delivered(booking, current_user)
    flash("The booking is marked as delivered", "success")
    return redirect(url_for(".show", booking_id=booking_id))


@bp.post("/<int:booking_id>/complete")
@school_user_required
def complete(booking_id):
    booking = services.booking_for_user(booking_id, current_user)
    with unit_of_work():
        services.confirm_completed(booking, current_user)
    flash("You have confirmed the booking is completed", "success")
    return redirect(url_for(".show", booking_id=booking_id))


@bp.route("/<int:booking_id>/cancel", methods=["GET", "POST"])
@school_user_required
def cancel(booking_id):
    booking = services.booking_for_user(booking_id, current_user)
    services.check_allowed(booking, "cancel", current_user)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.cancel(booking, current_user, form.reason.data)
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash("The booking is cancelled and the other school has been told why", "success")
            return redirect(url_for(".show", booking_id=booking_id))
    return render_template("bookings/cancel.html", booking=booking, form=form)


@bp.post("/<int:booking_id>/feedback")
@school_user_required
def leave_feedback(booking_id):
    booking = services.booking_for_user(booking_id, current_user)
    feedback.check_feedback_open(booking, current_user)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                feedback.leave_feedback(booking, current_user, form.rating_value, form.comment.data)
        except InvalidInput as problem:
            form[problem.field].errors.append(problem.message)
        else:
            flash("Thank you: your feedback has been saved", "success")
            return redirect(url_for(".show", booking_id=booking_id))
    return _booking_page(booking, form)


def _booking_page(booking, form):
    school_id = current_user.school_id
    own_feedback = feedback.feedback_of(booking, school_id)
    return render_template(
        "bookings/show.html",
        booking=booking,
        party=booking.party_of(school_id),
        other_school=services.other_school(booking, school_id),
        contacts=services.contacts(booking),
        actions=services.actions_for(booking, current_user),
        own_feedback=own_feedback,
        visible_feedback=feedback.visible_feedback(booking),
        reveal_at=feedback.reveal_at(booking),
        can_leave_feedback=booking.status == BookingStatus.COMPLETED and own_feedback is None,
        auto_complete_days=settings.auto_complete_days(),
        own_charges=invoices.school_charges_for_booking(booking, school_id),
        form=form,
    )
