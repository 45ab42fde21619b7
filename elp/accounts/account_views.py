"""Your account: your name, job title, password and email address (routes on the accounts
blueprint)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from elp.accounts import services
from elp.accounts.forms import (
    AccountDetailsForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
)
from elp.accounts.views import _link_unusable, _show_error, bp
from elp.errors import InvalidInput
from elp.extensions import limiter
from elp.security import browser_session_token, renew_browser_session
from elp.unit_of_work import unit_of_work

# Forms that check the current password are a way to guess it: as slow as signing in.
CURRENT_PASSWORD_LIMIT = "10 per minute"


@bp.get("/account")
@login_required
def your_account():
    return render_template("accounts/your_account.html")


@bp.route("/account/details", methods=["GET", "POST"])
@login_required
def change_details():
    form = AccountDetailsForm(obj=current_user)
    if form.validate_on_submit():
        with unit_of_work():
            services.change_details(current_user, form.full_name.data, form.job_title.data)
        flash("Your name and job title have been saved", "success")
        return redirect(url_for("accounts.your_account"))
    return render_template("accounts/change_details.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(CURRENT_PASSWORD_LIMIT, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.change_password(current_user, form.current_password.data,
                                         form.password.data, browser_session_token())  # fmt: skip
        except InvalidInput as error:
            _show_error(form, error)
        else:
            # The session cookie names the password it signed in with: name the new one.
            renew_browser_session(current_user._get_current_object())
            flash("Your password has been changed, and every other browser has been signed "
                  "out", "success")  # fmt: skip
            return redirect(url_for("accounts.your_account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(CURRENT_PASSWORD_LIMIT, methods=["POST"])
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                new_email = services.request_email_change(
                    current_user, form.email.data, form.current_password.data
                )
        except InvalidInput as error:
            _show_error(form, error)
        else:
            return render_template("accounts/change_email_sent.html", new_email=new_email)
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/confirm/<email_token>", methods=["GET", "POST"])
def confirm_email_change(email_token):
    """The link sent to the new address: a button, so a mail scanner opening the link
    changes nothing."""
    next_step = ("Go to Your account", url_for("accounts.your_account"))
    try:
        user, new_email = services.email_change_for_link(email_token)
    except services.LinkUnusable as problem:
        return _link_unusable(problem, *next_step)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            with unit_of_work():
                services.confirm_email_change(email_token)
        except services.LinkUnusable as problem:
            return _link_unusable(problem, *next_step)
        flash(f"Your email address is now {new_email}. Use it to sign in", "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("accounts.your_account"))
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/confirm_email_change.html", form=form, user=user,
                           new_email=new_email)  # fmt: skip
