"""ELP admin pages for outgoing email (routes on the admin blueprint): the emails that
could not be sent, with the mail server's error, and "Send again"."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.bounds import page_number
from elp.notifications import services
from elp.unit_of_work import unit_of_work


@bp.get("/emails-not-sent")
@admin_required
def emails_not_sent():
    page = services.failed_emails(page_number(request.args))
    return render_template("notifications/emails_not_sent.html", page=page)


@bp.post("/emails-not-sent/<int:email_id>/send-again")
@admin_required
def send_email_again(email_id):
    with unit_of_work():
        email = services.send_again(email_id, current_user)
    flash(f"The email to {email.to} will be sent again now", "success")
    return redirect(url_for("admin.emails_not_sent"))
