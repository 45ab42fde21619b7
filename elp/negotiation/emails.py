"""What the negotiation's notification emails say beyond their one sentence: who acted
for which school, the terms of the latest proposal, the words they wrote, and by when the
other school must answer (`notifications.in_app.EmailDetails`)."""

from elp.negotiation.models import RequestStatus
from elp.notifications.email_details import EmailDetails, acted_by, quote, terms_of
from elp.notifications.in_app import notify
from elp.timeutil import format_datetime

# Notification texts become email subjects, which the outbox keeps to 200 characters.
NOTIFICATION_TEXT_MAX = 200


def tell(support_request, school_id, kind, text, details=None):
    """Notify every user of a school of an action on the request (in the app, and by email
    with `details`)."""
    if len(text) > NOTIFICATION_TEXT_MAX:
        text = text[: NOTIFICATION_TEXT_MAX - 1] + "…"
    notify(
        school_id, kind, text, "negotiation.show", details=details, request_id=support_request.id
    )


def about(support_request):
    return (
        f"This is {support_request.seeking_school.name}’s request for "
        f"‘{support_request.offer.title}’, offered by {support_request.offering_school.name}"
    )


def request_details(support_request, user, quoted_heading="", quoted="", *, answering=None):
    """The email of an action by `user` (None: by the service's timers) on the request:
    the latest proposal's terms, what they wrote, and, while the request waits on the
    school told (`answering`; by default, when `user`'s school made the latest proposal),
    the date its latest proposal expires."""
    proposal = support_request.latest_proposal
    terms, deadline = (), ""
    if proposal is not None:
        named_by = support_request.offering_school.name
        terms = terms_of(proposal, proposal.unit, price_named_by=named_by)
        if answering is None:
            answering = user is not None and proposal.author_school_id == user.school_id
        if answering and support_request.status == RequestStatus.OPEN:
            # The offering school answers a seeking school's proposal, and may also decline.
            choices = (
                "accept the proposal, make a counter-proposal or decline the request"
                if proposal.author_school_id == support_request.seeking_school_id
                else "accept the proposal or make a counter-proposal"
            )
            deadline = (
                f"Answer by {format_datetime(proposal.expires_at)}: {choices}. If nobody "
                "answers by then, the request expires."
            )
    return EmailDetails(
        acted_by=acted_by(user) if user is not None else "",
        about=about(support_request),
        terms_heading="The latest proposal" if proposal is not None else "",
        terms=terms,
        quoted_heading=quoted_heading,
        quoted=quote(quoted) if quoted else "",
        deadline=deadline,
        next_step="See the request on ELP Exchange",
    )
