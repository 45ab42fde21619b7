"""Pages for saved searches: save the current search, list, run, delete, and unsubscribe."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.errors import link_refusals
from elp.search import saved_searches
from elp.unit_of_work import unit_of_work

bp = Blueprint("saved_searches", __name__)
link_refusals(
    bp, "saved_search_id", "saved_searches.index", "Go to your saved searches", pass_value=False
)


@bp.get("")
@school_user_required
def index():
    return render_template(
        "search/saved/index.html",
        saved_searches=saved_searches.saved_searches_of(current_user),
        describe=saved_searches.describe,
    )


@bp.post("")
@school_user_required
def save():
    with unit_of_work():
        saved, new = saved_searches.save_search(
            current_user, request.form, request.form.get("name")
        )
    if new:
        flash(
            f"Search saved as “{saved.name}”. We will email you when new offers match it.",
            "success",
        )
    else:
        flash(f"You had already saved this search, as “{saved.name}”.", "success")
    return redirect(url_for("saved_searches.index"))


@bp.get("/<int:saved_search_id>/results")
@school_user_required
def results(saved_search_id):
    """Open a saved search's results, newest first (the link on "What needs you"), which
    clears its new matches there."""
    with unit_of_work():
        saved = saved_searches.open_results(current_user, saved_search_id)
    return redirect(url_for("search.search", **{**saved.params, "sort": "newest"}))


@bp.route("/<int:saved_search_id>/delete", methods=["GET", "POST"])
@school_user_required
def delete(saved_search_id):
    """Ask before deleting a saved search, then delete it."""
    if request.method == "POST":
        with unit_of_work():
            saved = saved_searches.delete_saved_search(current_user, saved_search_id)
        flash(f"Saved search “{saved.name}” deleted.", "success")
        return redirect(url_for("saved_searches.index"))
    saved = saved_searches.saved_search_of(current_user, saved_search_id)
    return render_template(
        "_confirm.html",
        question=f"Are you sure you want to delete the saved search “{saved.name}”?",
        caption=None,
        explanation="We will stop emailing you about new offers that match it. "
        "You can save the search again at any time.",
        button="Delete saved search",
        action=url_for("saved_searches.delete", saved_search_id=saved.id),
        cancel_text="Keep the saved search",
        cancel_href=url_for("saved_searches.index"),
        back_text="Back to saved searches",
        back_href=url_for("saved_searches.index"),
    )


@bp.post("/<int:saved_search_id>/alerts")
@school_user_required
def alerts(saved_search_id):
    on = request.form.get("alerts") == "on"
    with unit_of_work():
        saved = saved_searches.set_alerts(current_user, saved_search_id, on)
    if on:
        flash(f"Emails turned on for “{saved.name}”.", "success")
    else:
        flash(f"Emails turned off for “{saved.name}”.", "success")
    return redirect(url_for("saved_searches.index"))


@bp.route("/unsubscribe/<unsubscribe_token>", methods=["GET", "POST"])
def unsubscribe(unsubscribe_token):
    """The link in every alert email: works without signing in; GET asks, POST stops emails."""
    saved = saved_searches.saved_search_for_token(unsubscribe_token)
    if saved is None:
        return render_template("search/saved/unsubscribe_invalid.html"), 404
    if request.method == "POST":
        with unit_of_work():
            saved_searches.unsubscribe(saved)
        return render_template("search/saved/unsubscribed.html", saved=saved)
    return render_template("search/saved/unsubscribe.html", saved=saved)
