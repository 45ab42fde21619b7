"""Your sessions: where you are signed in, and signing out of the other browsers (routes on
the accounts blueprint)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from elp.accounts import sessions
from elp.accounts.views import bp
from elp.security import browser_session_token
from elp.unit_of_work import unit_of_work


@bp.get("/account/sessions")
@login_required
def your_sessions():
    this_browser = sessions.live_session(browser_session_token())
    return render_template(
        "accounts/sessions.html",
        signed_in_sessions=sessions.signed_in_sessions(current_user),
        this_browser_id=this_browser.id if this_browser else None,
    )


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id):
    with unit_of_work():
        user_session = sessions.find_other_session(
            current_user, session_id, browser_session_token()
        ) or abort(404)
        sessions.end_session(user_session)
    flash(f"You have signed out of {user_session.browser}", "success")
    return redirect(url_for("accounts.your_sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    with unit_of_work():
        sessions.end_other_sessions(current_user, browser_session_token())
    flash("You have signed out of every other session", "success")
    return redirect(url_for("accounts.your_sessions"))
