"""Pages anyone may read, signed in or not."""

from flask import Blueprint, current_app, render_template

bp = Blueprint("pages", __name__)


@bp.get("/contact")
def contact():
    return render_template("pages/contact.html")


@bp.get("/cookies")
def cookies():
    return render_template(
        "pages/cookies.html", session_cookie=current_app.config["SESSION_COOKIE_NAME"]
    )
