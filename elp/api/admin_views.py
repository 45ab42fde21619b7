"""ELP admin pages for API tokens: list, issue (the secret is shown once), revoke."""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from elp.accounts.decorators import admin_required
from elp.api import services
from elp.api.forms import IssueTokenForm
from elp.unit_of_work import unit_of_work

bp = Blueprint("api_tokens", __name__)


@bp.get("")
@admin_required
def index():
    return render_template("api/tokens.html", form=IssueTokenForm(), tokens=services.list_tokens())


@bp.post("")
@admin_required
def issue():
    form = IssueTokenForm()
    if not form.validate_on_submit():
        return render_template("api/tokens.html", form=form, tokens=services.list_tokens())
    with unit_of_work():
        token, secret = services.issue_token(
            form.name.data, form.description.data, actor=current_user
        )
    response = make_response(render_template("api/token_issued.html", token=token, secret=secret))
    # The secret is on this page only: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:token_id>/revoke")
@admin_required
def revoke(token_id):
    with unit_of_work():
        token = services.revoke_token(token_id, actor=current_user)
    flash(f"Token “{token.name}” revoked: requests that use it are refused from now on.", "success")
    return redirect(url_for("api_tokens.index"))
