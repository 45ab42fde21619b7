"""ELP admin pages for bookings: the bookings with a problem reported, and settling one as
completed or cancelled."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.bookings import disputes, services
from elp.bookings.forms import ResolveForm
from elp.bookings.transitions import ADMIN, BOOKING
from elp.errors import InvalidInput
from elp.unit_of_work import unit_of_work


@bp.get("/bookings")
@admin_required
def disputed_bookings():
    return render_template("bookings/admin/disputed.html", bookings=services.disputed_bookings())


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
@admin_required
def booking(booking_id):
    """A booking as an admin sees it; on a disputed one, the form that settles it."""
    booking = services.booking_for_admin(booking_id)
    actions = BOOKING.actions_for(booking.status, ADMIN)
    form = ResolveForm()
    if request.method == "POST":
        # Refused with a clear message when the booking is not disputed (any more).
        outcome = request.form.get("outcome", "")
        BOOKING.check(booking.status, disputes.RESOLUTIONS.get(outcome, "resolve_completed"), ADMIN)
        if form.validate_on_submit():
            try:
                with unit_of_work():
                    disputes.resolve(
                        booking, current_user, outcome, form.reason.data, form.started_from
                    )
            except InvalidInput as problem:
                if problem.field == "version":
                    form.filled_from(booking)
                    form.reason.errors.append(problem.message)
                elif problem.field == "outcome":
                    form.reason.errors.append(problem.message)
                else:
                    form[problem.field].errors.append(problem.message)
            else:
                flash(
                    f"The booking is resolved as {booking.status}; both schools have been told",
                    "success",
                )
                return redirect(url_for("admin.booking", booking_id=booking.id))
    else:
        form.filled_from(booking)
    return render_template(
        "bookings/admin/booking.html",
        booking=booking,
        actions=actions,
        form=form,
        contacts=services.contacts(booking),
    )
