"""The negotiation services: what each action records, who is told, and each refusal."""

from datetime import timedelta

import pytest

from elp.bookings import services as bookings
from elp.bookings.models import Booking
from elp.errors import ActionRefused, InvalidInput, NotFound
from elp.extensions import db as _db
from elp.negotiation import reading, services
from elp.negotiation.models import Proposal, RequestRead, SupportRequest
from elp.negotiation.terms import changes_between
from elp.notifications.models import Notification, OutboxEmail
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work
from tests.factories import make_admin, make_member, make_offer, make_request, make_school
from tests.negotiation.helpers import good_terms

pytestmark = pytest.mark.usefixtures("service_context")


def _start(schools, offer=None, **changes):
    with unit_of_work():
        return services.start_request(
            offer or schools.offer, schools.seeking_member, "Coaching for our phonics lead.",
            good_terms(**changes),
        )  # fmt: skip


def _told(kind):
    """{email: count} of the in-app notifications of this kind."""
    rows = _db.session.query(Notification).filter(Notification.kind == kind).all()
    return sorted(row.user_id for row in rows)


def _emails():
    return sorted(email.to for email in _db.session.query(OutboxEmail))


def test_starting_a_request_records_the_first_proposal_and_its_expiry(app, schools):
    support_request = _start(schools, quantity=4)
    proposal = support_request.latest_proposal
    assert (support_request.status, support_request.offering_school_id) == (
        "open",
        schools.offering.id,
    )
    assert (proposal.quantity, proposal.unit, proposal.total_pence) == (4, "day", 4 * 35000)
    assert proposal.author_school_id == schools.seeking.id
    days = app.config["PROPOSAL_EXPIRY_DAYS"]
    assert support_request.expires_at == proposal.expires_at
    assert timedelta(days=days - 1) < proposal.expires_at - utcnow() <= timedelta(days=days)
    assert _db.session.get(RequestRead, (support_request.id, schools.seeking.id)) is not None


def test_each_event_tells_every_active_user_of_the_other_school_once(schools, sent_emails):
    offering_users = sorted([schools.offering_lead.id, schools.offering_member.id])
    seeking_users = sorted([schools.seeking_lead.id, schools.seeking_member.id])
    removed = make_member(schools.offering, active=False)
    support_request = _start(schools)
    assert _told("new_request") == offering_users and removed.id not in _told("new_request")
    assert len(sent_emails) == 2
    assert {message["To"] for message in sent_emails} == {
        schools.offering_lead.email,
        schools.offering_member.email,
    }

    with unit_of_work():
        services.counter(support_request, schools.offering_member, good_terms(quantity=2),
                         support_request.latest_proposal.id)  # fmt: skip
    assert _told("new_proposal") == seeking_users
    with unit_of_work():
        services.send_message(support_request, schools.seeking_lead, "Two days is fine.")
    assert _told("message") == offering_users
    with unit_of_work():
        services.accept(support_request, support_request.latest_proposal.id, schools.seeking_lead)
    assert _told("accepted") == offering_users
    # The booking's invoice also goes to the paying school's lead (tests/billing).
    invoices = [message for message in sent_emails if message["Subject"].startswith("Invoice ")]
    assert [message["To"] for message in invoices] == [schools.seeking_lead.email]
    assert len(sent_emails) == 2 + 2 + 2 + 2 + 1
    assert len(_emails()) == 9


def test_declining_and_withdrawing_tell_the_other_school(schools):
    first = _start(schools)
    with unit_of_work():
        services.decline(first, schools.offering_lead, "Fully booked until summer.")
    assert _told("declined") == sorted([schools.seeking_lead.id, schools.seeking_member.id])
    offering_emails = sorted([schools.offering_lead.email, schools.offering_member.email])
    seeking_emails = sorted([schools.seeking_lead.email, schools.seeking_member.email])
    assert _emails() == sorted(offering_emails + seeking_emails)  # the request, the decline
    assert first.decline_reason == "Fully booked until summer." and first.closed_at

    second = _start(schools)
    with unit_of_work():
        services.withdraw(second, schools.seeking_member)
    assert _told("withdrawn") == sorted([schools.offering_lead.id, schools.offering_member.id])
    assert _emails() == sorted(3 * offering_emails + seeking_emails)  # two requests, a withdrawal
    assert second.status == "withdrawn" and second.closed_at


def test_nothing_is_told_or_sent_when_the_action_is_rolled_back(schools, sent_emails):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    with pytest.raises(RuntimeError), unit_of_work():
        services.send_message(support_request, schools.offering_member, "Tuesdays?")
        raise RuntimeError("the server stopped before the commit")
    assert _told("message") == [] and _emails() == [] and sent_emails == []


def test_a_proposal_is_never_changed_once_written(schools):
    support_request = _start(schools, quantity=4)
    proposal = support_request.latest_proposal
    proposal.quantity = 2
    with pytest.raises(ValueError, match="never changed once written"):
        _db.session.flush()
    _db.session.rollback()
    assert _db.session.get(Proposal, proposal.id).quantity == 4


def test_a_counter_proposal_starts_the_clock_again(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    support_request.expires_at = utcnow() + timedelta(hours=3)
    support_request.reminded_at = utcnow()
    _db.session.commit()
    with unit_of_work():
        proposal = services.counter(support_request, schools.offering_member, good_terms(),
                                    support_request.latest_proposal.id)  # fmt: skip
    assert support_request.reminded_at is None
    assert support_request.expires_at == proposal.expires_at > utcnow() + timedelta(days=9)
    assert support_request.last_activity_school_id == schools.offering.id


def test_accepting_books_the_terms_and_takes_the_capacity(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=4)
    with unit_of_work():
        booking = services.accept(
            support_request, support_request.latest_proposal.id, schools.offering_member
        )
    assert (booking.quantity, booking.total_pence, booking.request_id) == (
        4,
        140000,
        support_request.id,
    )
    assert support_request.status == "agreed" and support_request.closed_at
    assert schools.offer.capacity_left == 6
    assert bookings.booking_of_request(support_request).id == booking.id


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("seeking_member", "You cannot accept your own proposal"),
        ("seeking_lead", "You cannot accept your own proposal"),
    ],
)
def test_a_school_cannot_accept_its_own_proposal(schools, who, message):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    with pytest.raises(ActionRefused, match=message), unit_of_work():
        services.accept(support_request, support_request.latest_proposal.id, getattr(schools, who))
    assert _db.session.query(Booking).count() == 0


def test_a_stale_proposal_id_is_refused(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    stale = support_request.latest_proposal.id
    with unit_of_work():
        services.counter(support_request, schools.seeking_member, good_terms(quantity=2), stale)
    with pytest.raises(ActionRefused, match="There is a newer proposal"), unit_of_work():
        services.accept(support_request, stale, schools.offering_member)
    with pytest.raises(InvalidInput, match="There is a newer proposal"), unit_of_work():
        services.counter(support_request, schools.offering_member, good_terms(), stale)
    assert _db.session.query(Proposal).count() == 2 and support_request.status == "open"


def test_accepting_twice_in_a_row_books_once(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    proposal_id = support_request.latest_proposal.id
    with unit_of_work():
        services.accept(support_request, proposal_id, schools.offering_member)
    with pytest.raises(ActionRefused, match="An agreed request cannot be accepted"), unit_of_work():
        services.accept(support_request, proposal_id, schools.offering_member)
    assert _db.session.query(Booking).count() == 1


def test_acceptance_beyond_the_capacity_left_is_refused_and_changes_nothing(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=8)
    make_request(schools.offer, quantity=5)  # another school's
    schools.offer.units_booked = 5
    _db.session.commit()
    with pytest.raises(ActionRefused, match="not enough capacity left"), unit_of_work():
        services.accept(
            support_request, support_request.latest_proposal.id, schools.offering_member
        )
    _db.session.expire_all()
    assert support_request.status == "open" and schools.offer.units_booked == 5
    assert _db.session.query(Booking).count() == 0 and _told("accepted") == []


def test_a_price_on_request_offer_is_agreed_once_a_counter_names_the_price(schools):
    offer = make_offer(schools.offering, price_pence=None)
    support_request = _start(schools, offer, price_pence=None)
    assert support_request.latest_proposal.total_pence is None
    with pytest.raises(ActionRefused, match="has no price yet"), unit_of_work():
        services.accept(support_request, support_request.latest_proposal.id, schools.offering_lead)
    with pytest.raises(InvalidInput, match="Enter the price per unit"), unit_of_work():
        services.counter(support_request, schools.offering_lead, good_terms(price_pence=None),
                         support_request.latest_proposal.id)  # fmt: skip
    with unit_of_work():
        services.counter(support_request, schools.offering_lead, good_terms(price_pence=42000),
                         support_request.latest_proposal.id)  # fmt: skip
    with unit_of_work():
        booking = services.accept(
            support_request, support_request.latest_proposal.id, schools.seeking_member
        )
    assert (booking.price_pence, booking.total_pence) == (42000, 3 * 42000)


def test_a_priced_offer_needs_a_price_even_in_the_first_proposal(schools):
    with pytest.raises(InvalidInput, match="Enter the price per unit"):
        _start(schools, price_pence=None)
    assert _db.session.query(SupportRequest).count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": 11}, "quantity"),
        ({"total_pence": 1}, "total"),
        ({"earliest_start": utcnow().date() - timedelta(days=2)}, "earliest_start"),
        ({"latest_end": utcnow().date() + timedelta(days=3)}, "latest_end"),
        ({"delivery_mode": "teleport"}, "delivery_mode"),
        ({"note": "x" * 2001}, "note"),
        ({"session_dates": [utcnow().date() + timedelta(days=20)] * 2}, "session_dates"),
    ],
)
def test_bad_terms_are_refused_by_the_service_with_nothing_saved(schools, changes, field):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    with pytest.raises(InvalidInput) as refusal, unit_of_work():
        services.counter(support_request, schools.offering_member, good_terms(**changes),
                         support_request.latest_proposal.id)  # fmt: skip
    assert refusal.value.field == field
    assert _db.session.query(Proposal).count() == 1 and _told("new_proposal") == []


def test_a_request_needs_words_and_a_visible_offer_of_another_school(schools):
    with pytest.raises(InvalidInput, match="Enter what support you need"), unit_of_work():
        services.start_request(schools.offer, schools.seeking_member, "  ", good_terms())
    with pytest.raises(ActionRefused, match="your own school’s offer"), unit_of_work():
        services.start_request(schools.offer, schools.offering_member, "Help", good_terms())
    paused = make_offer(schools.offering, status="paused")
    with pytest.raises(ActionRefused, match="not published"), unit_of_work():
        services.start_request(paused, schools.seeking_member, "Help", good_terms())
    assert _db.session.query(SupportRequest).count() == 0


def test_only_the_two_schools_can_load_a_request(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    assert services.request_for_user(support_request.id, schools.offering_lead) == support_request
    assert services.party_for(support_request, schools.seeking_lead) == "seeking"
    for outsider in (make_member(make_school()), make_admin()):
        with pytest.raises(NotFound):
            services.request_for_user(support_request.id, outsider)
    with pytest.raises(NotFound):
        services.request_for_user(support_request.id + 1000, schools.offering_lead)


def test_reading_a_request_twice_keeps_one_row_with_the_later_time(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    with unit_of_work():
        reading.mark_read(support_request, schools.offering.id)
    first = _db.session.get(RequestRead, (support_request.id, schools.offering.id)).read_at
    support_request.last_activity_at = utcnow()  # something new to read
    assert reading.has_news(support_request, first)
    with unit_of_work():
        reading.mark_read(support_request, schools.offering.id)
    _db.session.expire_all()
    rows = _db.session.query(RequestRead).all()
    assert len(rows) == 1 and rows[0].read_at >= first


def test_the_timeline_marks_what_each_proposal_changed(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=5)
    with unit_of_work():
        services.send_message(support_request, schools.offering_member, "Five is a lot.")
        services.counter(support_request, schools.offering_member,
                         good_terms(quantity=3, delivery_mode="online"),
                         support_request.latest_proposal.id)  # fmt: skip
    entries = reading.timeline(support_request)
    assert [entry.kind for entry in entries] == ["proposal", "message", "proposal"]
    first = support_request.proposals[0]
    assert changes_between(None, first) == set() == entries[0].changed
    assert {"quantity", "total_pence", "delivery_mode"} <= entries[2].changed
    assert "price_pence" not in entries[2].changed


def test_the_timeline_names_who_sent_each_entry_and_from_which_school(schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    with unit_of_work():
        services.send_message(support_request, schools.offering_member, "Tuesdays?")
    entries = reading.timeline(support_request)
    assert [(entry.school_name, entry.author_name) for entry in entries] == [
        (schools.seeking.name, schools.seeking_member.full_name),
        (schools.offering.name, schools.offering_member.full_name),
    ]
