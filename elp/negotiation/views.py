"""Request pages: asking for support on an offer, the negotiation's timeline, and each
action a school can take on it (accept, decline, counter-propose, withdraw, message)."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.billing import services as billing
from elp.bounds import MAX_ID, whole_number
from elp.errors import InvalidInput, link_refusals
from elp.money import MoneyError, parse_pounds
from elp.negotiation import reading, services
from elp.negotiation.forms import (
    AcceptForm,
    CounterForm,
    DeclineForm,
    MessageForm,
    NewRequestForm,
)
from elp.negotiation.models import RequestStatus
from elp.negotiation.terms import MAX_QUANTITY, UNIT_PLURALS
from elp.notifications import read_where_read
from elp.offers import services as offer_services
from elp.offers.services import UNITS
from elp.unit_of_work import unit_of_work

bp = Blueprint("negotiation", __name__)
link_refusals(bp, "request_id", "negotiation.show", "Go to the request")
link_refusals(bp, "offer_id", "offers.show", "Go to the offer")


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
    return render_template(
        "negotiation/new.html",
        form=form,
        offer=offer,
        service_charge=_charge_on_typed_terms(
            form, {"seeking": "your school", "offering": offer.school.name}
        ),
    )


def _charge_on_typed_terms(form, names):
    """The ELP service charge in words: its rule, and its amount once there is a quantity
    and a price: sent with the form, or asked for as the school types (`?quantity=3&price=
    350`, fetched by static/js/service-charge.js) before anything is sent."""
    terms = billing.terms_in_force()
    rule = billing.rule_words(terms, names)
    if form.terms is not None:
        typed_wrong = form.quantity.errors or form.price.errors
        total = None if typed_wrong else form.terms.total()
    else:
        total = _total_asked_for(request.args)
    if total is None:
        return rule  # no terms yet, or terms that are no booking's (0 days, say)
    found = billing.quote(total, terms)
    return f"{billing.charge_words(found, names)} on these terms ({rule})"


def _total_asked_for(args):
    """Quantity × price per unit from the query string, or None unless both read well."""
    quantity = whole_number(args.get("quantity"), MAX_QUANTITY)
    try:
        price = parse_pounds(args.get("price") or "")
    except MoneyError:
        return None
    return quantity * price if quantity and price else None


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
        charges=_charges(support_request, party),
        form=message_form,
    )
    # Only news is recorded: opening an unchanged request writes nothing and commits
    # nothing, so its readers never queue for SQLite's one write lock.
    if reading.has_news(support_request, read_at):
        with unit_of_work():
            reading.mark_read(support_request, current_user.school_id)
    return page


def _charges(support_request, party):
    """{proposal id: the ELP service charge on its terms, in words} while the request is
    open (an agreed one's charge is on its booking), under the fee policy in force."""
    if support_request.status != RequestStatus.OPEN:
        return {}
    terms = billing.terms_in_force()
    names = _payer_names(support_request, party)
    return {
        proposal.id: billing.charge_words(billing.quote(proposal.total_pence, terms), names)
        for proposal in support_request.proposals
    }


def _booking_link(support_request):
    booking = services.booking_of(support_request)
    return url_for("bookings.show", booking_id=booking.id) if booking else None


@bp.route("/requests/<int:request_id>/accept", methods=["GET", "POST"])
@school_user_required
def accept(request_id):
    """ "Check the booking before you accept": the terms, the total and the ELP service
    charge; only this page's "Accept and book" books. A proposal superseded while the page
    was open, or a request no longer open, is refused with a link to the request."""
    support_request = services.request_for_user(request_id, current_user)
    form = AcceptForm.for_proposal(whole_number(request.args.get("proposal"), MAX_ID))
    proposal = services.proposal_to_accept(support_request, form.checked_proposal_id, current_user)
    party = services.party_for(support_request, current_user)
    found = billing.quote(proposal.total_pence)
    purchase_order_asked = bool(found.share_of(party)) and billing.purchase_orders_required(
        current_user.school_id
    )
    if form.validate_on_submit() and _purchase_order_ok(form, purchase_order_asked):
        with unit_of_work():
            booking = services.accept(support_request, form.checked_proposal_id, current_user)
            if purchase_order_asked:
                billing.purchase_order_given_at_booking(
                    booking, form.purchase_order_number.data, current_user
                )
        flash("You accepted the proposal: the booking is confirmed", "success")
        return redirect(url_for("bookings.show", booking_id=booking.id))
    form.proposal_id.data = str(proposal.id)
    return render_template(
        "negotiation/accept.html",
        form=form,
        support_request=support_request,
        proposal=proposal,
        party=party,
        quote=found,
        charge=billing.charge_words(found, _payer_names(support_request, party)),
        own_share=found.share_of(party),
        purchase_order_asked=purchase_order_asked,
    )


def _purchase_order_ok(form, asked):
    """The purchase order number a school that needs one gave, checked before booking."""
    if not asked:
        return True
    try:
        if billing.clean_purchase_order_number(form.purchase_order_number.data) is None:
            raise InvalidInput("purchase_order_number", "Enter your school’s purchase order number")
    except InvalidInput as problem:
        form.purchase_order_number.errors = [*form.purchase_order_number.errors, problem.message]
        return False
    return True


def _payer_names(support_request, party):
    """Each side of the request as the user's school reads it: its own is "your school"."""
    return {
        "seeking": "your school" if party == "seeking" else support_request.seeking_school.name,
        "offering": "your school" if party == "offering" else support_request.offering_school.name,
    }


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
    latest = support_request.latest_proposal
    names = _payer_names(support_request, services.party_for(support_request, current_user))
    return render_template(
        "negotiation/counter.html",
        form=form,
        support_request=support_request,
        latest=latest,
        charge=billing.charge_words(billing.quote(latest.total_pence), names),
        service_charge=_charge_on_typed_terms(form, names),
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
