"""Pages for joining, signing in and managing a school's users."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from elp import what_needs_you
from elp.accounts import services
from elp.accounts.decorators import lead_required, school_user_required
from elp.accounts.forms import (
    AcceptInvitationForm,
    ConfirmForm,
    ForgotPasswordForm,
    InviteForm,
    JoinForm,
    ResetPasswordForm,
    SignInForm,
)
from elp.accounts.models import ROLE_NAMES, normalise_email
from elp.errors import InvalidInput, link_refusals
from elp.extensions import limiter
from elp.security import begin_browser_session, end_browser_session, user_of_ended_browser_session
from elp.unit_of_work import unit_of_work

bp = Blueprint("accounts", __name__)
link_refusals(bp, "user_id", "accounts.colleagues", "Go to your colleagues", pass_value=False)
link_refusals(bp, "invitation_id", "accounts.colleagues", "Go to your colleagues", pass_value=False)
link_refusals(bp, "session_id", "accounts.your_sessions", "Go to your sessions", pass_value=False)

# Per client address, on the forms that guess at secrets or send email.
SIGN_IN_LIMIT = "10 per minute"
JOIN_LIMIT = "10 per minute"
PASSWORD_RESET_LIMIT = "5 per minute"
# Per email address, from any client, so no one can fill a colleague's inbox with links.
RESET_LINKS_PER_EMAIL = "5 per hour"


def _email_asked_for():
    return "reset-link:" + normalise_email(request.form.get("email", ""))


@bp.before_app_request
def sign_out_users_who_lost_access():
    """Sign out, on their next request, a removed user or a user of a suspended school, and
    forget a session that has been ended elsewhere."""
    # Flask-Login already treats an inactive user, or an ended session, as not signed in;
    # this also tells them why and clears the session.
    if request.endpoint == "static" or (not current_user.is_anonymous and current_user.is_active):
        return None
    if current_user.is_anonymous:
        user = user_of_ended_browser_session()
    else:
        user = current_user._get_current_object()  # the proxy turns anonymous on sign-out
    if user is None:
        return None
    end_browser_session()
    if user.is_active:
        return None  # signed out from another browser, or by a new password: nothing to tell
    school = user.school
    if school is not None and school.is_suspended:
        message = services.suspension_message(school)
    else:
        message = services.ACCOUNT_CLOSED
    flash(message)
    if request.blueprint == "api":
        return None  # the API answers a caller it cannot identify with its own JSON 401
    return redirect(url_for("accounts.sign_in"))


def _show_error(form, error: InvalidInput):
    """Show a refusal from a service next to each field it is about."""
    for field, message in error.problems.items():
        errors = getattr(form, field).errors
        if message not in errors:
            errors.append(message)
    form._errors = None  # WTForms caches form.errors; the lists just grew


def _safe_next(target):
    """Return `target` only if it is a path on this site, so sign-in cannot redirect away."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers treat a backslash as a slash and drop tabs and newlines: "/\evil" is "//evil".
    if "\\" in target or any(ord(character) < 33 for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("accounts/home.html")
    if current_user.is_admin:
        return render_template("accounts/dashboard.html", role_name=ROLE_NAMES[current_user.role])
    return render_template(
        "accounts/what_needs_you.html",
        needs=what_needs_you.for_school(current_user.school_id, current_user.id),
        role_name=ROLE_NAMES[current_user.role],
    )


@bp.get("/accessibility")
def accessibility():
    return render_template("accounts/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("accounts/privacy.html")


# Signing in and out


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def sign_in():
    next_page = _safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_page or url_for("accounts.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.sign_in(form.email.data, form.password.data)
        except InvalidInput as error:
            _show_error(form, error)
        else:
            begin_browser_session(user)
            return redirect(next_page or url_for("accounts.home"))
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = ConfirmForm()
    if form.validate_on_submit():
        end_browser_session()
        flash("You have signed out", "success")
        return redirect(url_for("accounts.home"))
    return render_template("accounts/sign_out.html", form=form)


# Joining with an access code


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT, methods=["POST"])
def join():
    form = JoinForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.redeem_access_code(
                    form.access_code.data,
                    full_name=form.full_name.data,
                    job_title=form.job_title.data,
                    email=form.email.data,
                    password=form.password.data,
                )
        except InvalidInput as error:
            _show_error(form, error)
        else:
            begin_browser_session(user)
            flash(f"You have joined ELP Exchange as the lead for {user.school.name}", "success")
            return redirect(url_for("accounts.home"))
    return render_template("accounts/join.html", form=form)


# Colleagues


@bp.get("/school/colleagues")
@school_user_required
def colleagues():
    """Everyone at the school; members see who their lead is, leads manage the list."""
    return render_template(
        "accounts/colleagues.html",
        colleagues=services.colleagues(current_user.school_id),
        leads=services.school_leads(current_user.school_id),
        invitations=(
            services.open_invitations(current_user.school_id) if current_user.is_lead else []
        ),
        role_names=ROLE_NAMES,
    )


@bp.route("/school/colleagues/<int:user_id>/make-lead", methods=["GET", "POST"])
@lead_required
def make_lead(user_id):
    colleague = services.find_colleague(current_user, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        with unit_of_work():
            services.make_lead(current_user, colleague)
        flash(f"{colleague.full_name} is now a school lead", "success")
        return redirect(url_for("accounts.colleagues"))
    return _confirm_lead_change(
        colleague,
        question=f"Make {colleague.full_name} a school lead?",
        explanation=f"{colleague.full_name} will be able to invite and remove colleagues and "
        "make others leads, as you can. You stay a lead too.",
        button="Make school lead",
    )


@bp.route("/school/colleagues/<int:user_id>/hand-over", methods=["GET", "POST"])
@lead_required
def hand_over_lead(user_id):
    colleague = services.find_colleague(current_user, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        with unit_of_work():
            services.hand_over_lead(current_user, colleague)
        flash(f"{colleague.full_name} is now the school lead and you are a member", "success")
        return redirect(url_for("accounts.colleagues"))
    return _confirm_lead_change(
        colleague,
        question=f"Hand the school lead role to {colleague.full_name}?",
        explanation=f"{colleague.full_name} will become a school lead and you will become a "
        "member: you will no longer be able to invite or remove colleagues.",
        button="Hand over the lead role",
    )


def _confirm_lead_change(colleague, question, explanation, button):
    return render_template(
        "_confirm.html",
        question=question,
        caption=current_user.school.name,
        explanation=explanation,
        button=button,
        button_classes="",
        action=request.path,
        cancel_text="Cancel",
        cancel_href=url_for("accounts.colleagues"),
        back_text="Back to colleagues",
        back_href=url_for("accounts.colleagues"),
    )


@bp.route("/school/colleagues/invite", methods=["GET", "POST"])
@lead_required
def invite_colleague():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                invitation = services.invite_colleague(
                    current_user, form.email.data, full_name=form.full_name.data
                )
        except InvalidInput as error:
            _show_error(form, error)
        else:
            flash(f"Invitation sent to {invitation.email}", "success")
            return redirect(url_for("accounts.colleagues"))
    return render_template("accounts/invite.html", form=form)


@bp.route("/school/colleagues/<int:user_id>/remove", methods=["GET", "POST"])
@lead_required
def remove_colleague(user_id):
    colleague = services.find_colleague(current_user, user_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.remove_colleague(current_user, colleague)
        flash(f"{colleague.full_name} has been removed and can no longer sign in", "success")
        return redirect(url_for("accounts.colleagues"))
    return render_template("accounts/remove_colleague.html", colleague=colleague, form=form)


@bp.route("/school/colleagues/invitations/<int:invitation_id>/cancel", methods=["GET", "POST"])
@lead_required
def cancel_invitation(invitation_id):
    invitation = services.find_school_invitation(current_user, invitation_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.cancel_invitation(current_user, invitation)
        flash(f"The invitation to {invitation.email} has been cancelled", "success")
        return redirect(url_for("accounts.colleagues"))
    return render_template("accounts/cancel_invitation.html", invitation=invitation, form=form)


@bp.route("/invitations/<invitation_token>", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT, methods=["POST"])
def accept_invitation(invitation_token):
    try:
        invitation = services.open_invitation(invitation_token)
    except services.LinkUnusable as problem:
        return _link_unusable(problem, "Sign in", url_for("accounts.sign_in"))
    form = AcceptInvitationForm(full_name=invitation.full_name)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.accept_invitation(
                    invitation_token,
                    full_name=form.full_name.data,
                    job_title=form.job_title.data,
                    password=form.password.data,
                )
        except InvalidInput as error:
            _show_error(form, error)
        except services.LinkUnusable as problem:
            return _link_unusable(problem, "Sign in", url_for("accounts.sign_in"))
        else:
            begin_browser_session(user)
            flash(f"Welcome to ELP Exchange. You are now a member of {user.school.name}", "success")
            return redirect(url_for("accounts.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


def _link_unusable(problem, next_step_text, next_step_href):
    page = render_template(
        "accounts/link_unusable.html",
        problem=problem,
        next_step_text=next_step_text,
        next_step_href=next_step_href,
    )
    return page, problem.status


# Forgotten passwords


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(PASSWORD_RESET_LIMIT, methods=["POST"])
@limiter.limit(RESET_LINKS_PER_EMAIL, key_func=_email_asked_for, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.request_password_reset(form.email.data)
        return render_template("accounts/forgot_password_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<reset_token>", methods=["GET", "POST"])
@limiter.limit(PASSWORD_RESET_LIMIT, methods=["POST"])
def reset_password(reset_token):
    try:
        user = services.user_for_reset_link(reset_token)
    except services.LinkUnusable as problem:
        return _link_unusable(problem, "Ask for a new link", url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.reset_password(reset_token, form.password.data)
        except InvalidInput as error:
            _show_error(form, error)
        else:
            end_browser_session()
            flash("Your password has been changed. Sign in with your new password", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form, user=user)


# Pages in their own modules, registered on this blueprint when it is imported.
from elp.accounts import account_views, session_views  # noqa: E402, F401
