"""Booking pages: a school's bookings, one booking's frozen terms and contacts, its
calendar file, session dates, delivery, completion, a problem reported, cancellation and
feedback.

Only the two schools of a booking see it; anyone else gets a 404 (`services.booking_for_user`).
"""

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.billing import invoices
from elp.bookings import disputes, feedback, services, session_dates
from elp.bookings.calendar import calendar_file
from elp.bookings.forms import (
    CancelForm,
    DeliverForm,
    FeedbackForm,
    ReportProblemForm,
    SessionDatesForm,
    VersionedForm,
)
from elp.bookings.models import BookingStatus
from elp.bookings.transitions import LOOKS
from elp.errors import InvalidInput, link_refusals
from elp.settings import services as settings
from elp.timeutil import uk_today
from elp.unit_of_work import unit_of_work

bp = Blueprint("bookings", __name__, url_prefix="/bookings")
# Each state's words and colour, for the status tag wherever a booking is shown.
bp.add_app_template_global(LOOKS, "booking_looks")
link_refusals(bp, "booking_id", "bookings.show", "Go to the booking")


@bp.get("")
@school_user_required
def index():
    return render_template(
        "bookings/index.html", sections=services.school_bookings(current_user.school)
    )


@bp.get("/<int:booking_id>")
@school_user_required
def show(booking_id):
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


@bp.route("/<int:booking_id>/deliver", methods=["GET", "POST"])
@school_user_required
def deliver(booking_id):
    """Ask when the last session was, then mark the booking as delivered."""
    booking = services.booking_for_user(booking_id, current_user)
    services.check_can_deliver(booking, current_user)
    form = DeliverForm()
    if not form.is_submitted():
        form.filled_from(booking)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.mark_delivered(
                    booking, current_user, form.last_session_on.data, form.started_from
                )
        except InvalidInput as problem:
            _show_problem(form, problem, booking, "last_session_on")
        else:
            flash("The booking is marked as delivered", "success")
            return redirect(url_for(".show", booking_id=booking_id))
    return render_template("bookings/deliver.html", booking=booking, form=form, today=uk_today())


@bp.post("/<int:booking_id>/complete")
@school_user_required
def complete(booking_id):
    booking = services.booking_for_user(booking_id, current_user)
    form = VersionedForm()
    with unit_of_work():
        services.confirm_completed(booking, current_user, form.started_from)
    flash("You have confirmed the booking is completed", "success")
    return redirect(url_for(".show", booking_id=booking_id))


@bp.route("/<int:booking_id>/report-problem", methods=["GET", "POST"])
@school_user_required
def report_problem(booking_id):
    """Instead of confirming a delivered booking, say what went wrong; an ELP admin settles
    it."""
    booking = services.booking_for_user(booking_id, current_user)
    services.check_allowed(booking, "report_problem", current_user)
    form = ReportProblemForm()
    if not form.is_submitted():
        form.filled_from(booking)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                disputes.report_problem(booking, current_user, form.reason.data, form.started_from)
        except InvalidInput as problem:
            _show_problem(form, problem, booking, "reason")
        else:
            flash(
                "You have reported a problem: the other school and ELP have been told, and ELP "
                "will settle it",
                "success",
            )
            return redirect(url_for(".show", booking_id=booking_id))
    return render_template("bookings/report_problem.html", booking=booking, form=form)


@bp.route("/<int:booking_id>/session-dates", methods=["GET", "POST"])
@school_user_required
def set_session_dates(booking_id):
    """Set or change the session dates of a confirmed booking."""
    booking = services.booking_for_user(booking_id, current_user)
    session_dates.check_can_set_session_dates(booking, current_user)
    form = SessionDatesForm()
    if not form.is_submitted():
        form.fill(booking)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                session_dates.set_session_dates(booking, current_user, form.days, form.started_from)
        except InvalidInput as problem:
            _show_problem(form, problem, booking, "session_dates")
        else:
            flash("The session dates are saved and the other school has been told", "success")
            return redirect(url_for(".show", booking_id=booking_id))
    return render_template(
        "bookings/session_dates.html",
        booking=booking,
        form=form,
        one_date_a_unit=booking.unit in session_dates.ONE_DATE_A_UNIT,
    )


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


def _show_problem(form, problem, booking, main_field):
    """Show a service's refusal next to its field, keeping what was typed. A form filled from
    an older version of the booking shows the message on its main field and is brought up to
    date, so sending it again means to make this change to the booking as it is now."""
    if problem.field == "version":
        form.filled_from(booking)
        form[main_field].errors.append(problem.message)
    else:
        form[problem.field].errors.append(problem.message)


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
        session_date_changes=session_dates.session_date_changes(booking),
        version_form=VersionedForm().filled_from(booking),
        today=uk_today(),
        form=form,
    )
