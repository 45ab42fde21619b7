"""Notification pages: a user's notifications, opening one, and which kinds also come by
email."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.bounds import page_number
from elp.notifications import in_app
from elp.notifications.forms import EmailChoicesForm
from elp.unit_of_work import unit_of_work

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@school_user_required
def index():
    page = in_app.notifications_for(current_user, page_number(request.args))
    return render_template("notifications/index.html", page=page)


@bp.get("/notifications/<int:notification_id>")
@school_user_required
def open_notification(notification_id):
    """Mark the notification read and go to the page it is about."""
    with unit_of_work():
        notification = in_app.mark_read(current_user, notification_id)
    return redirect(_inside_the_service(notification.link))


@bp.post("/notifications/read-all")
@school_user_required
def read_all():
    with unit_of_work():
        marked = in_app.mark_all_read(current_user)
    if marked:
        flash("All your notifications are marked as read", "success")
    return redirect(url_for(".index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@school_user_required
def preferences():
    choices = in_app.email_choices(current_user)
    form = EmailChoicesForm()
    if form.validate_on_submit():
        with unit_of_work():
            in_app.set_email_choices(current_user, form.kinds.data or [])
        flash("Your email preferences have been saved", "success")
        return redirect(url_for(".preferences"))
    if request.method == "GET":
        form.kinds.data = [choice.kind for choice in choices if choice.email]
    return render_template("notifications/preferences.html", form=form)


def _inside_the_service(link):
    """The link itself if it is a path in this service; a notification never sends anyone
    elsewhere, whatever its row says."""
    if not link.startswith("/") or link.startswith("//") or "\\" in link:
        abort(404)
    return link
