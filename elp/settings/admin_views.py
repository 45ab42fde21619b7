"""ELP admin pages for the settings: the negotiation and booking days, and the search synonym
table with the progress of the index rebuild it starts (routes on the admin blueprint)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.errors import InvalidInput
from elp.search import reindex_runs, synonym_table
from elp.settings import services
from elp.settings.forms import DaysForm, SynonymsForm
from elp.unit_of_work import unit_of_work


@bp.get("/settings")
@admin_required
def settings():
    return render_template(
        "settings/index.html",
        proposal_expiry_days=services.proposal_expiry_days(),
        auto_complete_days=services.auto_complete_days(),
        synonyms_saved=synonym_table.stored_text() is not None,
        reindex=reindex_runs.latest(),
    )


@bp.route("/settings/days", methods=["GET", "POST"])
@admin_required
def settings_days():
    form = DaysForm()
    if not form.is_submitted():
        form.proposal_expiry_days.data = str(services.proposal_expiry_days())
        form.auto_complete_days.data = str(services.auto_complete_days())
    elif form.validate():
        try:
            with unit_of_work():
                changed = services.change_days(
                    current_user,
                    form.days("proposal_expiry_days"),
                    form.days("auto_complete_days"),
                )
        except InvalidInput as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash("The days have been saved" if changed else "Nothing was changed", "success")
            return redirect(url_for("admin.settings"))
    return render_template("settings/days.html", form=form)


@bp.route("/settings/synonyms", methods=["GET", "POST"])
@admin_required
def settings_synonyms():
    form = SynonymsForm()
    if not form.is_submitted():
        form.table.data = synonym_table.current_text()
    elif form.validate():
        try:
            with unit_of_work():
                changed = synonym_table.change(current_user, form.table.data)
        except InvalidInput as error:
            form.table.errors.extend(error.message.split("\n"))
        else:
            if changed:
                reindex_runs.start()
                flash(
                    "The synonym table has been saved; the search index is being rebuilt", "success"
                )
            else:
                flash("Nothing was changed", "success")
            return redirect(url_for("admin.settings_synonyms"))
    return render_template(
        "settings/synonyms.html", form=form, reindex=reindex_runs.latest(), states=reindex_runs
    )
