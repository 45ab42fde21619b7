"""ELP admin pages for the moderation queue (routes on the admin blueprint): offers newly
published or edited since they were approved, what changed, and approving them. Hiding and
unhiding are the offers pages' own (`admin.hide_offer`, `admin.unhide_offer`)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.bounds import MAX_ID, page_number, whole_number
from elp.extensions import db
from elp.offers import moderation_queue
from elp.offers.models import PUBLISHED, Offer
from elp.unit_of_work import unit_of_work


@bp.get("/moderation")
@admin_required
def moderation():
    page = moderation_queue.queue(page_number(request.args))
    hidden = db.session.scalars(
        db.select(Offer)
        .where(Offer.hidden_at.is_not(None), Offer.status == PUBLISHED)
        .order_by(Offer.hidden_at.desc())
        .limit(moderation_queue.QUEUE_PAGE_SIZE)
    ).all()
    return render_template(
        "offers/moderation.html",
        page=page,
        changes={entry.offer_id: moderation_queue.what_changed(entry) for entry in page.items},
        hidden=hidden,
    )


@bp.post("/moderation/<int:offer_id>/approve")
@admin_required
def approve_offer(offer_id):
    offer = db.get_or_404(Offer, offer_id)
    seen_version = whole_number(request.form.get("version"), MAX_ID)
    with unit_of_work():
        moderation_queue.approve(offer, current_user, seen_version)
    flash(f"‘{offer.title}’ has been approved and taken out of the queue", "success")
    return redirect(url_for("admin.moderation"))
