"""Demo negotiations: requests in every state between the demo schools that have logins,
made through the same services the pages use, so every screen has something to show.

Each scenario is identified by its offer and seeking school; one already there is left
alone, so loading twice changes nothing.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from elp.accounts.models import User
from elp.bookings import disputes as booking_disputes
from elp.bookings import feedback as booking_feedback
from elp.bookings import services as bookings
from elp.extensions import db
from elp.negotiation import services as negotiation
from elp.negotiation.models import SupportRequest
from elp.negotiation.terms import ProposalTerms
from elp.negotiation.timers import expire_request
from elp.offers.models import Offer
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work

TOM = "tom.reid@kingswood-meadow.example"
HELEN = "helen.carter@kingswood-meadow.example"
DAVID = "david.okafor@springfield-meadows.example"
SARAH = "sarah.lin@springfield-meadows.example"
JOANNE = "joanne.price@katherines-brook.example"
MARCUS = "marcus.bell@katherines-brook.example"


@dataclass
class Step:
    """One thing a demo user does after the request is sent: `action` is counter, message,
    accept, decline, withdraw, expire, deliver, complete, report_problem, cancel or
    feedback."""

    who: str
    action: str
    quantity: int | None = None
    price_pence: int | None = None
    text: str = ""
    rating: int | None = None


@dataclass
class Scenario:
    asker: str
    offer_title: str
    need: str
    quantity: int
    steps: list[Step] = field(default_factory=list)
    price_pence: int | None = None  # None: the offer's own price


SCENARIOS = [
    # Open: the offering school has answered with less than was asked.
    Scenario(
        TOM,
        "Speech and language support in the classroom",
        "Four pupils in Year 1 have language disorder and our teaching assistants need "
        "strategies they can use every day.",
        5,
        [
            Step(
                MARCUS,
                "message",
                text="Thank you for asking. Our specialist works Tuesdays "
                "and Thursdays; could those days suit?",
            ),
            Step(
                MARCUS,
                "counter",
                quantity=3,
                price_pence=35000,
                text="We can realistically give three days this term.",
            ),
        ],
    ),
    # Open: a new request waiting for the offering school.
    Scenario(
        SARAH,
        "Phonics catch-up for Year 2 and Year 3",
        "Twelve Year 7 pupils still decode slowly; we would like our English team to learn "
        "how you teach phonics catch-up.",
        4,
    ),
    # Agreed, booking confirmed.
    Scenario(
        HELEN,
        "Early career teacher mentoring: training mentors who make a difference",
        "Three new mentors this year; we want them trained before the spring term.",
        3,
        [Step(DAVID, "accept")],
    ),
    # Agreed after a counter-proposal, delivered, waiting for the seeking school to confirm.
    Scenario(
        DAVID,
        "Autism outreach for mainstream classrooms",
        "Two autistic pupils joining Year 7 need a transition plan and classroom adjustments.",
        3,
        [
            Step(
                JOANNE,
                "counter",
                quantity=2,
                text="Two days will cover the plan and a follow-up visit.",
            ),
            Step(DAVID, "accept"),
            Step(JOANNE, "deliver"),
        ],
    ),
    # Completed, with feedback from both schools.
    Scenario(
        JOANNE,
        "Phonics catch-up for Year 2 and Year 3",
        "Our outreach team supports pupils who missed phonics; we want to learn your "
        "catch-up routine.",
        2,
        [
            Step(HELEN, "accept"),
            Step(HELEN, "deliver"),
            Step(JOANNE, "complete"),
            Step(
                JOANNE,
                "feedback",
                rating=5,
                text="Practical and well-paced; our staff use the routine every morning now.",
            ),
            Step(
                HELEN, "feedback", rating=4, text="A well-prepared team, a pleasure to work with."
            ),
        ],
    ),
    # Delivered, and the school that asked reported a problem: waiting for an ELP admin.
    Scenario(
        MARCUS,
        "Early career teacher mentoring: training mentors who make a difference",
        "Two early career teachers in our sixth form need a mentor each from January.",
        2,
        [
            Step(DAVID, "accept"),
            Step(DAVID, "deliver"),
            Step(
                MARCUS,
                "report_problem",
                text="Only the first of the two days took place; the second was not rearranged.",
            ),
        ],
    ),
    # Agreed, then cancelled before delivery.
    Scenario(
        TOM,
        "Autism outreach for mainstream classrooms",
        "Advice for our nurture group staff on supporting autistic pupils.",
        2,
        [
            Step(JOANNE, "accept"),
            Step(
                TOM,
                "cancel",
                text="Our nurture group has closed for the term while the room is rebuilt.",
            ),
        ],
    ),
    # Declined by the offering school.
    Scenario(
        JOANNE,
        "Disciplinary literacy in secondary English and across the curriculum",
        "Help our secondary outreach staff teach reading in science.",
        4,
        [
            Step(
                DAVID,
                "decline",
                text="Our English lead is on leave until Easter; please "
                "ask again in the summer term.",
            ),
        ],
    ),
    # Withdrawn by the school that asked.
    Scenario(
        SARAH,
        "Speech and language support in the classroom",
        "Support for two Year 8 pupils with speech sound difficulties.",
        2,
        [Step(SARAH, "withdraw")],
    ),
    # Expired unanswered.
    Scenario(
        HELEN,
        "Disciplinary literacy in secondary English and across the curriculum",
        "Our Year 6 teachers want to prepare pupils for reading across secondary subjects.",
        2,
        [Step(HELEN, "expire")],
    ),
]


def load_demo_requests():
    """Play every scenario not there yet; return how many requests were made."""
    users = {user.email: user for user in db.session.scalars(select(User))}
    offers = {offer.title: offer for offer in db.session.scalars(select(Offer))}
    made = 0
    for scenario in SCENARIOS:
        asker, offer = users.get(scenario.asker), offers.get(scenario.offer_title)
        if asker is None or offer is None or _already_there(offer, asker):
            continue
        _play(scenario, offer, asker, users)
        made += 1
    return made


def _already_there(offer, asker):
    return db.session.scalar(
        select(SupportRequest.id).where(
            SupportRequest.offer_id == offer.id,
            SupportRequest.seeking_school_id == asker.school_id,
        )
    )


def _play(scenario, offer, asker, users):
    with unit_of_work():
        support_request = negotiation.start_request(
            offer, asker, scenario.need, _terms(scenario.quantity, scenario.price_pence, offer)
        )
    for step in scenario.steps:
        _do(step, support_request, users[step.who])


def _do(step, support_request, user):
    if step.action == "expire":
        expire_request(support_request, support_request.expires_at)
        return
    with unit_of_work():
        if step.action == "counter":
            latest = support_request.latest_proposal
            terms = _terms(
                step.quantity,
                step.price_pence or latest.price_pence,
                support_request.offer,
                note=step.text,
            )
            negotiation.counter(support_request, user, terms, latest.id)
        elif step.action == "message":
            negotiation.send_message(support_request, user, step.text)
        elif step.action == "accept":
            negotiation.accept(support_request, support_request.latest_proposal.id, user)
        elif step.action == "decline":
            negotiation.decline(support_request, user, step.text)
        elif step.action == "withdraw":
            negotiation.withdraw(support_request, user)
        else:
            _do_to_booking(step, bookings.booking_of_request(support_request), user)


def _do_to_booking(step, booking, user):
    if step.action == "deliver":
        # The demo's bookings start weeks ahead: it plays the delivery on the first day.
        bookings.mark_delivered(booking, user, booking.first_day, today=booking.first_day)
    elif step.action == "complete":
        bookings.confirm_completed(booking, user)
    elif step.action == "report_problem":
        booking_disputes.report_problem(booking, user, step.text)
    elif step.action == "cancel":
        bookings.cancel(booking, user, step.text)
    elif step.action == "feedback":
        booking_feedback.leave_feedback(booking, user, step.rating, step.text)
    else:
        raise ValueError(f"unknown demo step {step.action!r}")


def _terms(quantity, price_pence, offer, note=""):
    start = utcnow().date() + timedelta(days=21)
    return ProposalTerms(
        quantity=quantity,
        price_pence=price_pence if price_pence is not None else offer.price_pence,
        earliest_start=start,
        latest_end=start + timedelta(days=70),
        delivery_mode=offer.delivery_mode,
        note=note,
    )
