"""Offer pages: a school writes and manages its offers; anyone signed in reads them. The
ELP admins' offer pages are in `admin_views` and `moderation_views`."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from elp.accounts.decorators import school_user_required
from elp.billing import services as billing
from elp.bookings.feedback import offer_rating
from elp.errors import InvalidInput, link_refusals
from elp.money import format_pence
from elp.negotiation.open_requests import open_request_counts, open_request_on
from elp.offers import services
from elp.offers.forms import OfferForm
from elp.offers.markdown import render_markdown
from elp.offers.models import DELIVERY_MODES, STATUSES
from elp.unit_of_work import unit_of_work

bp = Blueprint("offers", __name__, url_prefix="/offers")
link_refusals(bp, "offer_id", "offers.show", "Go to the offer")
bp.add_app_template_filter(render_markdown, "offer_markdown")
bp.add_app_template_global(DELIVERY_MODES, "delivery_modes")

# --- The offering school ------------------------------------------------------------------


@bp.get("/mine")
@school_user_required
def mine():
    status = request.args.get("status", "all")
    status = status if status in STATUSES else "all"
    sort = request.args.get("sort", "updated")
    sort = sort if sort in services.SORTS else "updated"
    school = current_user.school
    offers = services.school_offers(school, None if status == "all" else status, sort)
    return render_template(
        "offers/mine.html",
        offers=offers,
        open_requests=open_request_counts([offer.id for offer in offers]),
        hidden_offers=services.hidden_offers(school),
        counts=services.status_counts(school),
        status=status,
        sort=sort,
    )


@bp.route("/new", methods=["GET", "POST"])
@school_user_required
def new():
    form = OfferForm(school=current_user.school)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                offer = services.create_offer(current_user.school, form.details, current_user)
        except InvalidInput as problem:
            # A colleague saved an offer with the same title meanwhile.
            form.add_errors(problem.problems)
        else:
            flash("Your offer has been saved as a draft", "success")
            return redirect(url_for(".show", offer_id=offer.id))
    return render_template("offers/form.html", form=form, offer=None)


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
@school_user_required
def edit(offer_id):
    offer = services.offer_of_own_school(offer_id, current_user)
    services.check_allowed(offer, "edit")
    form = OfferForm.for_offer(offer)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                changed = services.update_offer(
                    offer, form.details, current_user, started_from=form.started_from
                )
        except InvalidInput as problem:
            # Changed meanwhile: the offer itself, or what the form checked is no longer so
            # (units booked past the new capacity, a colleague's offer with the same title).
            form.add_errors(problem.problems)
            if "version" in problem.problems:
                form.start_again_from(offer)
        else:
            flash(
                "Your changes have been saved" if changed else "You did not change anything",
                "success",
            )
            return redirect(url_for(".show", offer_id=offer.id))
    return render_template("offers/form.html", form=form, offer=offer)


@bp.get("/<int:offer_id>/preview")
@school_user_required
def preview(offer_id):
    offer = services.offer_of_own_school(offer_id, current_user)
    return render_template(
        "offers/preview.html",
        offer=offer,
        actions=services.available_actions(offer),
        missing=_missing_before_publishing(offer),
    )


def _missing_before_publishing(offer):
    return services.missing_before_publishing(offer) if offer.status == "draft" else {}


@bp.route("/<int:offer_id>/archive", methods=["GET", "POST"])
@school_user_required
def archive(offer_id):
    """Ask before archiving (an archived offer cannot come back), then archive."""
    offer = services.offer_of_own_school(offer_id, current_user)
    if request.method == "POST":
        return change_status(offer_id, "archive")
    services.check_allowed(offer, "archive")
    return render_template(
        "_confirm.html",
        question=f"Are you sure you want to archive ‘{offer.title}’?",
        caption=offer.school.name,
        explanation=(
            "Seeking schools will no longer see it, and an archived offer cannot come back: "
            "to offer this support again you would write a new offer. Requests and bookings "
            "already made stay as they are."
        ),
        button="Archive offer",
        action=url_for(".archive", offer_id=offer.id),
        cancel_text="Keep the offer",
        cancel_href=url_for(".show", offer_id=offer.id),
        back_text="Back to your offer",
        back_href=url_for(".show", offer_id=offer.id),
    )


@bp.post("/<int:offer_id>/<any(publish, pause, resume):action>")
@school_user_required
def change_status(offer_id, action):
    offer = services.offer_of_own_school(offer_id, current_user)
    try:
        with unit_of_work():
            transition = services.change_status(offer, action, current_user)
    except InvalidInput as problem:  # an unfinished draft: what it still needs, on its page
        return _offer_page(offer, problem.problems)
    flash(f"Your offer has been {transition.done}", "success")
    return redirect(url_for(".show", offer_id=offer.id))


# --- Everyone signed in -------------------------------------------------------------------


@bp.get("/<int:offer_id>")
@login_required
def show(offer_id):
    offer = services.offer_for_viewer(offer_id, current_user)
    return _offer_page(offer)


def _offer_page(offer, problems=None):
    """The offer page; `problems` ({field: message}) are why it could not be published,
    shown in the error summary, each linking to its field on the offer form."""
    own = offer.school_id == current_user.school_id
    return render_template(
        "offers/show.html",
        offer=offer,
        own=own,
        actions=services.available_actions(offer) if own else [],
        missing=_missing_before_publishing(offer) if own else {},
        problems=[
            {"text": message, "href": url_for(".edit", offer_id=offer.id, _anchor=field)}
            for field, message in (problems or {}).items()
        ],
        rating=offer_rating(offer),
        open_request_id=open_request_on(offer, current_user.school_id),
        service_charge=_service_charge(offer, own),
    )


def _service_charge(offer, own):
    """The ELP service charge on this offer's terms, in words, as the reader's school pays
    it: the rule, and what it comes to on one unit at the offer's price."""
    asking = "the school that asks for support"
    seeking = "your school" if current_user.school_id and not own else asking
    names = {"seeking": seeking, "offering": "your school" if own else offer.school.name}
    terms = billing.terms_in_force()
    words = billing.rule_words(terms, names)
    if offer.price_pence is None:
        return words
    one_unit = billing.amount_words(billing.quote(offer.price_pence, terms))
    price = format_pence(offer.price_pence, whole_pounds_short=False)
    return f"{words}. On one {services.UNITS[offer.unit]} at {price} it is {one_unit}"

