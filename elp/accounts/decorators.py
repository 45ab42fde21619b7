"""Who may open a page: decorators for views."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def admin_required(view):
    """Only ELP admins; anyone else signed in gets a 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def school_user_required(view):
    """Only users who belong to a school (members and leads)."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.school_id is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def lead_required(view):
    """Only a school lead."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_lead or current_user.school_id is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
