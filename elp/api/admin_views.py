"""ELP admin pages for API tokens: list, issue (the secret is shown once), revoke."""

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.api import services
from elp.api.forms import IssueTokenForm
from elp.unit_of_work import unit_of_work


@bp.get("/api-tokens")
@admin_required
def api_tokens():
    return render_template("api/tokens.html", form=IssueTokenForm(), tokens=services.list_tokens())


@bp.post("/api-tokens")
@admin_required
def issue_api_token():
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


@bp.post("/api-tokens/<int:token_id>/revoke")
@admin_required
def revoke_api_token(token_id):
    with unit_of_work():
        token = services.revoke_token(token_id, actor=current_user)
    flash(f"Token “{token.name}” revoked: requests that use it are refused from now on.", "success")
    return redirect(url_for(".api_tokens"))
