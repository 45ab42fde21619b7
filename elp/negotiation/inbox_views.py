"""The Requests inbox: a school's received and sent requests, filtered by status."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from elp.accounts.decorators import school_user_required
from elp.bounds import page_number
from elp.negotiation import inbox

bp = Blueprint("inbox", __name__)


@bp.get("/requests")
@school_user_required
def requests():
    box = request.args.get("box", inbox.RECEIVED)
    box = box if box in inbox.BOXES else inbox.RECEIVED
    status = request.args.get("status", inbox.ALL)
    status = status if status in inbox.STATUS_FILTERS else inbox.ALL
    school_id = current_user.school_id
    return render_template(
        "negotiation/inbox.html",
        box=box,
        status=status,
        statuses=inbox.STATUS_FILTERS,
        unread=inbox.unread_counts(school_id),
        page=inbox.inbox_page(school_id, box, status, page_number(request.args)),
    )
