"""ELP admin pages for offers: every offer with hiding and unhiding, the categories, and the
Offers CSV import (the moderation queue is in `moderation_views`)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.bounds import MAX_ID, page_number, search_text, whole_number
from elp.extensions import db
from elp.offers import offer_import, services
from elp.offers.forms import CategoryForm, HideOfferForm, OfferImportForm
from elp.offers.models import Category
from elp.unit_of_work import unit_of_work


@bp.get("/offers")
@admin_required
def offers():
    filters = {
        "status": request.args.get("status") or None,
        "category_id": whole_number(request.args.get("category"), MAX_ID),
        "moderation": request.args.get("moderation") or None,
        "text": search_text(request.args) or None,
    }
    page = services.admin_offers(page=page_number(request.args), **filters)
    return render_template(
        "offers/admin_offers.html", page=page, filters=filters, categories=services.categories()
    )


@bp.route("/offers/<int:offer_id>/hide", methods=["GET", "POST"])
@admin_required
def hide_offer(offer_id):
    offer = services.offer_by_id(offer_id)
    services.check_can_hide(offer)
    form = HideOfferForm()
    if form.validate_on_submit():
        with unit_of_work():
            told = services.hide_offer(offer, form.reason.data, current_user)
        if told:
            flash(f"‘{offer.title}’ is hidden and its school has been told why", "success")
        else:
            flash(
                f"‘{offer.title}’ is hidden. {offer.school.name} has no users on ELP Exchange, "
                "so no one has been told: tell the school yourself",
                "success",
            )
        return redirect(url_for(".offers"))
    return render_template(
        "offers/admin_hide.html", form=form, offer=offer, told=services.people_to_tell(offer)
    )


@bp.post("/offers/<int:offer_id>/unhide")
@admin_required
def unhide_offer(offer_id):
    offer = services.offer_by_id(offer_id)
    with unit_of_work():
        services.unhide_offer(offer, current_user)
    flash(f"‘{offer.title}’ is no longer hidden", "success")
    return redirect(url_for(".offers"))


@bp.route("/offers/import", methods=["GET", "POST"])
@admin_required
def import_offers():
    form = OfferImportForm()
    report = None
    if form.validate_on_submit():
        try:
            rows = offer_import.read_offer_rows(form.file.data.read())
        except offer_import.ImportRefused as refusal:
            form.file.errors.append(str(refusal))
        else:
            with unit_of_work():
                report = offer_import.import_offers(
                    rows, skip_invalid=form.skip_invalid.data, actor=current_user
                )
    return render_template("offers/admin_import.html", form=form, report=report)


@bp.route("/categories", methods=["GET", "POST"])
@admin_required
def categories():
    form = CategoryForm()
    if form.validate_on_submit():
        with unit_of_work():
            category = services.add_category(form.name.data, current_user)
        flash(f"Category ‘{category.name}’ added", "success")
        return redirect(url_for(".categories"))
    return render_template(
        "offers/admin_categories.html",
        form=form,
        categories=services.categories(),
        offer_counts=services.offer_counts_by_category(),
    )


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@admin_required
def rename_category(category_id):
    category = db.get_or_404(Category, category_id)
    form = CategoryForm(category=category, data={"name": category.name})
    if form.validate_on_submit():
        with unit_of_work():
            services.rename_category(category, form.name.data, current_user)
        flash(f"Category renamed to ‘{category.name}’", "success")
        return redirect(url_for(".categories"))
    return render_template("offers/admin_rename_category.html", form=form, category=category)
