"""Request pages: asking for support on an offer, the negotiation's timeline, and each
action a school can take on it (accept, decline, counter-propose, withdraw, message)."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.bounds import MAX_ID, whole_number
from elp.errors import InvalidInput
from elp.negotiation import reading, services
from elp.negotiation.forms import CounterForm, DeclineForm, MessageForm, NewRequestForm
from elp.negotiation.terms import UNIT_PLURALS
from elp.notifications import read_where_read
from elp.offers import services as offer_services
from elp.offers.services import UNITS
from elp.unit_of_work import unit_of_work

bp = Blueprint("negotiation", __name__)


@bp.app_template_filter("unit_count")
def unit_count(quantity, unit):
    """ "3 days", "1 half day"."""
    return f"{quantity} {UNITS[unit] if quantity == 1 else UNIT_PLURALS[unit]}"


@bp.app_template_filter("iso_date")
def iso_date(text):
    """A session date as a proposal stores it ("2027-01-14") back into a date."""
    return date.fromisoformat(text)


@bp.route("/offers/<int:offer_id>/request", methods=["GET", "POST"])
@school_user_required
def new(offer_id):
    offer = offer_services.offer_for_viewer(offer_id, current_user)
    services.check_can_request(offer, current_user)
    form = NewRequestForm.for_offer(offer)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                support_request = services.start_request(
                    offer, current_user, form.need.data, form.terms
                )
        except InvalidInput as problem:
            form.add_error(problem.field, problem.message)
        else:
            flash(f"Your request has been sent to {offer.school.name}", "success")
            return redirect(url_for(".show", request_id=support_request.id))
    return render_template("negotiation/new.html", form=form, offer=offer)


@bp.get("/requests/<int:request_id>")
@school_user_required
def show(request_id):
    read_where_read()  # first: a commit would make the page reload what it read
    support_request, read_at = services.request_and_reading(request_id, current_user)
    return _show(support_request, read_at)


def _show(support_request, read_at, message_form=None):
    """The request page; `read_at` is when the school last read the request (None: never).
    `message_form` is a message sent back with its errors; the page writes out an empty
    message box itself (making a form for it was a twentieth of the page's time)."""
    party = services.party_for(support_request, current_user)
    timeline = reading.timeline(support_request)  # first: it reads the proposals too
    page = render_template(
        "negotiation/show.html",
        support_request=support_request,
        party=party,
        actions={t.action: t for t in services.available_actions(support_request, party)},
        timeline=timeline,
        booking_link=_booking_link(support_request),
        form=message_form,
    )
    # Only news is recorded: opening an unchanged request writes nothing and commits
    # nothing, so its readers never queue for SQLite's one write lock.
    if reading.has_news(support_request, read_at):
        with unit_of_work():
            reading.mark_read(support_request, current_user.school_id)
    return page


def _booking_link(support_request):
    booking = services.booking_of(support_request)
    return url_for("bookings.show", booking_id=booking.id) if booking else None


@bp.post("/requests/<int:request_id>/accept")
@school_user_required
def accept(request_id):
    support_request = services.request_for_user(request_id, current_user)
    proposal_id = whole_number(request.form.get("proposal_id"), MAX_ID)
    with unit_of_work():
        booking = services.accept(support_request, proposal_id, current_user)
    flash("You accepted the proposal: the booking is confirmed", "success")
    return redirect(url_for("bookings.show", booking_id=booking.id))


@bp.route("/requests/<int:request_id>/counter", methods=["GET", "POST"])
@school_user_required
def counter(request_id):
    support_request = _request_allowing(request_id, "counter")
    form = CounterForm.for_request(support_request)

    def answer_the_latest():
        # Answer the proposal now on show if it is sent again, having read it.
        form.answering.data = str(support_request.latest_proposal.id)

    if _carry_out(
        form,
        lambda: services.counter(support_request, current_user, form.terms, form.answering_id),
        "Your counter-proposal has been sent",
        refused=answer_the_latest,
    ):
        return redirect(url_for(".show", request_id=request_id))
    return render_template(
        "negotiation/counter.html",
        form=form,
        support_request=support_request,
        latest=support_request.latest_proposal,
    )


@bp.route("/requests/<int:request_id>/decline", methods=["GET", "POST"])
@school_user_required
def decline(request_id):
    support_request = _request_allowing(request_id, "decline")
    form = DeclineForm()
    if _carry_out(
        form,
        lambda: services.decline(support_request, current_user, form.reason.data),
        "You declined the request",
    ):
        return redirect(url_for(".show", request_id=request_id))
    return render_template("negotiation/decline.html", form=form, support_request=support_request)


@bp.route("/requests/<int:request_id>/withdraw", methods=["GET", "POST"])
@school_user_required
def withdraw(request_id):
    support_request = _request_allowing(request_id, "withdraw")
    if request.method == "POST":
        with unit_of_work():
            services.withdraw(support_request, current_user)
        flash("You withdrew your request", "success")
        return redirect(url_for(".show", request_id=request_id))
    return render_template("negotiation/withdraw.html", support_request=support_request)


@bp.post("/requests/<int:request_id>/messages")
@school_user_required
def send_message(request_id):
    support_request = _request_allowing(request_id, "message")
    form = MessageForm()
    if _carry_out(
        form,
        lambda: services.send_message(support_request, current_user, form.body.data),
        "Your message has been sent",
    ):
        return redirect(url_for(".show", request_id=request_id, _anchor="messages"))
    return _show(support_request, reading.last_read_at(support_request, current_user.school_id), form)


def _request_allowing(request_id, action):
    """The user's school's request (404 for anyone else's), refusing (409) an action its
    table does not allow the school now, before any form is shown or read."""
    support_request = services.request_for_user(request_id, current_user)
    party = services.party_for(support_request, current_user)
    services.check_allowed(support_request, action, party)
    return support_request


def _carry_out(form, act, done, refused=None):
    """Once the form is sent and reads well, carry out `act` (one service call) in one unit
    of work and flash `done`; return True. Input the service refuses is shown next to its
    field, as the form's own errors are, after calling `refused`; nothing is saved."""
    if not form.validate_on_submit():
        return False
    try:
        with unit_of_work():
            act()
    except InvalidInput as problem:
        form.add_error(problem.field, problem.message)
        if refused is not None:
            refused()
        return False
    flash(done, "success")
    return True
