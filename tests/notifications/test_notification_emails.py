"""Each kind of notification email says in full what happened: who acted for which school,
the terms, the words they wrote (cut at 1,000 characters), by when to answer, and ends with
one full link to the thing itself."""

import re
from datetime import timedelta

import pytest

from elp.bookings import disputes, session_dates
from elp.bookings import feedback as booking_feedback
from elp.bookings import services as bookings
from elp.negotiation import services as negotiation
from elp.negotiation.timers import expire_requests, send_expiry_reminders
from elp.settings import services as settings
from elp.timeutil import format_date, format_datetime
from elp.unit_of_work import unit_of_work
from elp.urls import absolute_url
from tests.factories import make_admin, make_lead, make_member, make_offer, make_school
from tests.negotiation.helpers import good_terms

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def schools(db):
    offering = make_school(name="Harlow Outreach Primary")
    seeking = make_school(name="Tendring Infants")

    class Schools:
        pass

    schools = Schools()
    schools.offering, schools.seeking = offering, seeking
    schools.offering_lead = make_lead(offering, full_name="Olu Offer", job_title="Head teacher")
    schools.seeking_lead = make_lead(seeking, full_name="Sam Seek", job_title="Deputy head")
    schools.offer = make_offer(offering, "Phonics catch-up", capacity=10, price_pence=35000)
    return schools


@pytest.fixture(autouse=True)
def _in_a_request(app, db):
    with app.test_request_context():
        yield


def _emails_to(sent_emails, user):
    return [message for message in sent_emails if message["To"] == user.email]


def _only_email(sent_emails, user, subject_starts):
    [message] = [
        message for message in _emails_to(sent_emails, user)
        if message["Subject"].startswith(subject_starts)
    ]
    return message, message.get_body(("plain",)).get_content()


def _ends_with_one_link(text, link):
    assert LINK.findall(text) == [link]
    assert text.rstrip().endswith(link)


def _start(schools, **changes):
    with unit_of_work():
        return negotiation.start_request(
            schools.offer, schools.seeking_lead, "Our new phonics lead needs support.",
            good_terms(**changes),
        )


def test_a_new_request_email_carries_the_terms_the_need_and_the_answer_by_date(
    schools, sent_emails
):
    day = good_terms().earliest_start + timedelta(days=1)
    support_request = _start(schools, session_dates=[day])
    message, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants asks")

    proposal = support_request.latest_proposal
    assert "By Sam Seek, Deputy head, for Tendring Infants." in text
    assert "Tendring Infants’s request for ‘Phonics catch-up’, offered by Harlow Outreach" in text
    assert "Terms: 3 × day at £350 = £1,050" in text
    assert f"Session dates: {format_date(day)}" in text
    assert (
        f"Dates: from {format_date(proposal.earliest_start)} to {format_date(proposal.latest_end)}"
        in text
    )
    assert "Delivery: At the seeking school" in text
    assert "What they need:\n\nOur new phonics lead needs support." in text
    assert (
        f"Answer by {format_datetime(proposal.expires_at)}: accept the proposal, make a "
        "counter-proposal or decline the request." in text
    )
    link = absolute_url("negotiation.show", request_id=support_request.id)
    _ends_with_one_link(text, link)
    html = message.get_body(("html",)).get_content()
    assert f'<a href="{link}">' in html and "3 × day at £350 = £1,050" in html
    assert message["List-Unsubscribe"] == f"<{absolute_url('notifications.preferences')}>"


def test_a_counter_proposal_email_carries_the_new_terms_and_the_note(schools, sent_emails):
    support_request = _start(schools)
    with unit_of_work():
        negotiation.counter(
            support_request, schools.offering_lead,
            good_terms(quantity=2, price_pence=40000, note="We can come on Tuesdays."),
            support_request.latest_proposal.id,
        )
    _, text = _only_email(sent_emails, schools.seeking_lead, "Harlow Outreach Primary made")
    assert "By Olu Offer, Head teacher, for Harlow Outreach Primary." in text
    assert "Terms: 2 × day at £400 = £800" in text
    assert "Their note:\n\nWe can come on Tuesdays." in text
    expires_at = support_request.latest_proposal.expires_at
    assert (
        f"Answer by {format_datetime(expires_at)}: accept the proposal or make a "
        "counter-proposal." in text
    )


def test_a_long_message_is_cut_at_1000_characters_never_refused(schools, sent_emails):
    support_request = _start(schools)
    body = ("Tuesdays suit us best. " * 250)[:5000]
    with unit_of_work():
        negotiation.send_message(support_request, schools.offering_lead, body)
    _, text = _only_email(sent_emails, schools.seeking_lead, "Harlow Outreach Primary sent")
    quoted = text.split("Their message:\n\n", 1)[1]
    assert quoted.startswith(body[:1000].rstrip() + "… read the rest on ELP Exchange")
    assert body[:1001] not in text
    # The message waits on nobody: the offering school's answer is still the seeking school's
    # first proposal, so the seeking school is not told to answer.
    assert "Answer by" not in text


def test_accepting_tells_the_terms_booked_and_asks_no_answer(schools, sent_emails):
    support_request = _start(schools)
    with unit_of_work():
        negotiation.counter(
            support_request, schools.offering_lead, good_terms(quantity=2),
            support_request.latest_proposal.id,
        )
    with unit_of_work():
        negotiation.accept(
            support_request, support_request.latest_proposal.id, schools.seeking_lead
        )
    _, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants accepted")
    assert "By Sam Seek, Deputy head, for Tendring Infants." in text
    assert "Terms: 2 × day at £350 = £700" in text
    assert "Answer by" not in text


def test_a_decline_email_gives_the_reason(schools, sent_emails):
    support_request = _start(schools)
    with unit_of_work():
        negotiation.decline(support_request, schools.offering_lead, "Fully booked until summer.")
    _, text = _only_email(sent_emails, schools.seeking_lead, "Harlow Outreach Primary declined")
    assert "Their reason:\n\nFully booked until summer." in text
    assert "By Olu Offer, Head teacher, for Harlow Outreach Primary." in text
    assert "Answer by" not in text


def test_a_withdrawal_email_names_who_withdrew(schools, sent_emails):
    support_request = _start(schools)
    with unit_of_work():
        negotiation.withdraw(support_request, schools.seeking_lead)
    _, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants withdrew")
    assert "By Sam Seek, Deputy head, for Tendring Infants." in text
    _ends_with_one_link(text, absolute_url("negotiation.show", request_id=support_request.id))


def test_the_expiry_reminder_and_the_expiry_emails_carry_the_terms(schools, sent_emails):
    support_request = _start(schools)
    expires_at = support_request.latest_proposal.expires_at
    send_expiry_reminders(expires_at - timedelta(hours=12))
    _, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants’s proposal")
    assert f"Answer by {format_datetime(expires_at)}" in text
    assert "Terms: 3 × day at £350 = £1,050" in text

    expire_requests(expires_at + timedelta(minutes=1))
    _, text = _only_email(sent_emails, schools.seeking_lead, "Your request to Harlow")
    assert "Terms: 3 × day at £350 = £1,050" in text and "Answer by" not in text


def _booking(schools):
    support_request = _start(schools)
    with unit_of_work():
        negotiation.counter(
            support_request, schools.offering_lead, good_terms(),
            support_request.latest_proposal.id,
        )
    with unit_of_work():
        return negotiation.accept(
            support_request, support_request.latest_proposal.id, schools.seeking_lead
        )


def _deliver(booking, user):
    """Mark the booking delivered on the first day of its agreed dates."""
    first = booking.earliest_start
    bookings.mark_delivered(booking, user, last_session_on=first, today=first)


def test_a_delivery_email_says_by_when_to_confirm(schools, sent_emails):
    booking = _booking(schools)
    with unit_of_work():
        _deliver(booking, schools.offering_lead)
    _, text = _only_email(sent_emails, schools.seeking_lead, "Harlow Outreach Primary marked")
    completes_on = booking.delivered_at + timedelta(days=settings.auto_complete_days())
    assert f"by {format_date(completes_on)}" in text
    assert "By Olu Offer, Head teacher, for Harlow Outreach Primary." in text
    assert "Terms: 3 × day at £350 = £1,050" in text
    _ends_with_one_link(text, absolute_url("bookings.show", booking_id=booking.id))


def test_a_cancellation_email_gives_the_reason(schools, sent_emails):
    booking = _booking(schools)
    with unit_of_work():
        bookings.cancel(booking, schools.seeking_lead, "Our phonics lead has left.")
    _, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants cancelled")
    assert "Their reason:\n\nOur phonics lead has left." in text
    assert "By Sam Seek, Deputy head, for Tendring Infants." in text


def test_a_feedback_email_names_who_wrote_it(schools, sent_emails):
    booking = _booking(schools)
    with unit_of_work():
        _deliver(booking, schools.offering_lead)
    with unit_of_work():
        bookings.confirm_completed(booking, schools.seeking_lead)
    with unit_of_work():
        booking_feedback.leave_feedback(booking, schools.seeking_lead, 5, "Superb.")
    _, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants left feedback")
    assert "By Sam Seek, Deputy head, for Tendring Infants." in text
    _ends_with_one_link(text, absolute_url("bookings.show", booking_id=booking.id))


def test_every_user_still_gets_a_member_of_staffs_email(schools, sent_emails):
    member = make_member(schools.offering, full_name="Mo Member")
    _start(schools)
    _, text = _only_email(sent_emails, member, "Tendring Infants asks")
    assert text.startswith("Dear Mo Member,")


def _disputed(schools, reason="The tutor came for one day, not three."):
    booking = _booking(schools)
    with unit_of_work():
        _deliver(booking, schools.offering_lead)
    with unit_of_work():
        disputes.report_problem(booking, schools.seeking_lead, reason)
    return booking


def test_a_problem_reported_email_gives_the_reason_and_what_happens_next(schools, sent_emails):
    admin = make_admin(full_name="Ada Admin")
    booking = _disputed(schools)

    _, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants reported")
    assert "By Sam Seek, Deputy head, for Tendring Infants." in text
    assert "Terms: 3 × day at £350 = £1,050" in text
    assert "The problem they reported:\n\nThe tutor came for one day, not three." in text
    assert "The booking will not complete by itself now. An ELP admin will look" in text
    _ends_with_one_link(text, absolute_url("bookings.show", booking_id=booking.id))
    # The school that reported it has its own copy; the admins are asked to resolve it.
    _only_email(sent_emails, schools.seeking_lead, "Tendring Infants reported")
    _, text = _only_email(sent_emails, admin, "Tendring Infants reported")
    assert "The problem they reported:\n\nThe tutor came for one day, not three." in text
    assert "See the booking and resolve the problem:" in text
    _ends_with_one_link(text, absolute_url("admin.booking", booking_id=booking.id))


@pytest.mark.parametrize(
    ("outcome", "decision"),
    [
        ("completed", "The booking is completed, and its service charge stays due."),
        ("cancelled", "The booking is cancelled: its service charge follows the booking’s"),
    ],
)
def test_a_resolution_email_gives_the_decision_and_its_reason(
    schools, sent_emails, outcome, decision
):
    admin = make_admin(full_name="Ada Admin")
    booking = _disputed(schools)
    with unit_of_work():
        disputes.resolve(booking, admin, outcome, "The register shows three days were taught.")

    for lead in (schools.offering_lead, schools.seeking_lead):
        _, text = _only_email(sent_emails, lead, "ELP resolved the problem")
        assert "ELP’s reason:\n\nThe register shows three days were taught." in text
        assert decision in text
        assert "Terms: 3 × day at £350 = £1,050" in text
        assert "Ada Admin" not in text
        _ends_with_one_link(text, absolute_url("bookings.show", booking_id=booking.id))


def test_session_dates_emails_give_the_new_dates_and_what_they_were(schools, sent_emails):
    booking = _booking(schools)
    first, second = booking.earliest_start, booking.earliest_start + timedelta(days=1)
    with unit_of_work():
        session_dates.set_session_dates(booking, schools.offering_lead, [first])

    _, text = _only_email(sent_emails, schools.seeking_lead, "Harlow Outreach Primary set the")
    assert "By Olu Offer, Head teacher, for Harlow Outreach Primary." in text
    assert f"Session dates: {format_date(first)}" in text
    assert "The session dates were" not in text
    _ends_with_one_link(text, absolute_url("bookings.show", booking_id=booking.id))

    with unit_of_work():
        session_dates.set_session_dates(booking, schools.seeking_lead, [first, second])
    _, text = _only_email(sent_emails, schools.offering_lead, "Tendring Infants changed the")
    assert f"Session dates: {format_date(first)}, {format_date(second)}" in text
    assert f"The session dates were {format_date(first)}." in text
    assert "By Sam Seek, Deputy head, for Tendring Infants." in text
