"""Delivery, completion and cancellation: what each records, who is told, and what is
refused (nothing changes, and never a 500)."""

import pytest
from sqlalchemy import func, select

from elp.bookings import services
from elp.bookings.models import Booking
from elp.errors import ActionRefused, InvalidInput, NotFound
from elp.extensions import db as _db
from elp.notifications.models import Notification, OutboxEmail
from elp.offers.models import Offer
from elp.timeutil import uk_today
from elp.unit_of_work import unit_of_work
from tests.bookings.conftest import last_session_form
from tests.factories import make_admin, make_booking, make_member, make_offer

pytestmark = pytest.mark.usefixtures("in_request")


def notifications_by_user():
    rows = _db.session.execute(select(Notification.user_id, Notification.kind, Notification.link))
    return sorted(rows.all())


def emails_to():
    return sorted(_db.session.scalars(select(OutboxEmail.to)).all())


def count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


# --- Finding bookings ---------------------------------------------------------------------


def test_either_school_finds_the_booking_and_no_one_else_does(parties):
    booking = parties.booking
    assert services.booking_for_user(booking.id, parties.seeking_member) is booking
    assert services.booking_for_user(booking.id, parties.offering_lead) is booking
    for stranger in (make_member(), make_admin()):
        with pytest.raises(NotFound):
            services.booking_for_user(booking.id, stranger)
    with pytest.raises(NotFound):
        services.booking_for_user(booking.id + 1000, parties.seeking_member)


def test_a_schools_bookings_are_grouped_by_status_on_either_side(parties):
    seeking_school = parties.seeking_member.school
    offering_school = parties.offering_member.school
    given = parties.booking
    received = make_booking(offer=make_offer(seeking_school))
    received.status = "cancelled"
    unrelated = make_booking()
    _db.session.commit()

    for_seeking = services.school_bookings(seeking_school)
    for_offering = services.school_bookings(offering_school)

    assert list(for_seeking) == ["confirmed", "delivered", "disputed", "completed", "cancelled"]
    assert for_seeking["confirmed"] == [given]
    assert for_seeking["cancelled"] == [received]
    assert for_offering["confirmed"] == [given] and for_offering["cancelled"] == []
    assert all(unrelated not in bookings for bookings in for_seeking.values())


def test_the_contacts_are_each_schools_leads(parties):
    found = services.contacts(parties.booking)
    assert found == {
        parties.booking.seeking_school_id: [parties.seeking_lead],
        parties.booking.offering_school_id: [parties.offering_lead],
    }


# --- Delivery and completion --------------------------------------------------------------


def test_marking_delivered_records_when_and_tells_each_user_of_the_seeking_school(parties):
    booking = parties.booking
    with unit_of_work():
        services.mark_delivered(booking, parties.offering_member, uk_today())

    assert booking.status == "delivered" and booking.delivered_at is not None
    link = f"/bookings/{booking.id}"
    assert notifications_by_user() == sorted(
        [
            (parties.seeking_lead.id, "delivered", link),
            (parties.seeking_member.id, "delivered", link),
        ]
    )
    assert emails_to() == sorted([parties.seeking_lead.email, parties.seeking_member.email])
    text = _db.session.scalars(select(Notification.text)).first()
    assert text == "Kingswood Meadow Primary marked ‘Phonics catch-up’ as delivered"


def test_confirming_completed_records_when(parties):
    booking = parties.booking
    with unit_of_work():
        services.mark_delivered(booking, parties.offering_member, uk_today())
    with unit_of_work():
        services.confirm_completed(booking, parties.seeking_lead)
    assert booking.status == "completed" and booking.completed_at >= booking.delivered_at


def test_delivering_twice_is_refused_and_tells_no_one_twice(parties, login_as):
    client = login_as(parties.offering_member)
    first = client.post(f"/bookings/{parties.booking.id}/deliver", data=last_session_form())
    again = client.post(f"/bookings/{parties.booking.id}/deliver", data=last_session_form())

    assert first.status_code == 302
    assert again.status_code == 409
    assert "A delivered booking cannot be delivered." in again.get_data(as_text=True)
    assert count(Notification) == 2  # one each for the seeking school's two users


def test_a_long_school_name_and_title_keep_the_notification_short(parties):
    booking = parties.booking
    parties.offering_member.school.name = "A" * 200
    booking.offer_title = "B" * 120
    _db.session.commit()
    with unit_of_work():
        services.mark_delivered(booking, parties.offering_member, uk_today())
    for text in _db.session.scalars(select(Notification.text)):
        assert len(text) <= 200
        assert "A" * 79 + "…" in text and "B" * 79 + "…" in text


# --- Cancellation -------------------------------------------------------------------------


@pytest.mark.parametrize("canceller", ["seeking", "offering"])
def test_cancelling_records_who_why_and_gives_back_the_units(parties, canceller):
    booking = parties.booking
    offer = booking.offer
    assert offer.capacity_left == 7
    user = parties.user(canceller, "lead")

    with unit_of_work():
        services.cancel(booking, user, "  Our phonics lead has left.  ")

    _db.session.expire_all()
    booking = _db.session.get(Booking, booking.id)
    assert booking.status == "cancelled"
    assert booking.cancellation_reason == "Our phonics lead has left."
    assert (booking.cancelled_by_id, booking.cancelled_by_school_id) == (user.id, user.school_id)
    assert booking.cancelled_at is not None
    assert _db.session.get(Offer, offer.id).capacity_left == 10
    other = "offering" if canceller == "seeking" else "seeking"
    told = {parties.user(other, "lead").id, parties.user(other, "member").id}
    assert {user_id for user_id, kind, _ in notifications_by_user()} == told
    assert {kind for _, kind, _ in notifications_by_user()} == {"cancelled"}
    # The other school's two users are told; the paying school's lead gets the voided
    # invoice's credit note (issue 22 part 4).
    subjects = _db.session.scalars(select(OutboxEmail.subject)).all()
    assert len([subject for subject in subjects if not subject.startswith("Credit note")]) == 2
    assert len([subject for subject in subjects if subject.startswith("Credit note")]) == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter the reason for cancelling the booking"),
        ("   ", "Enter the reason for cancelling the booking"),
        ("x" * 1001, "The reason must be 1,000 characters or fewer"),
    ],
)
def test_a_cancellation_without_a_fit_reason_is_refused_and_changes_nothing(
    parties, reason, message
):
    booking = parties.booking
    with pytest.raises(InvalidInput, match=message) as refusal, unit_of_work():
        services.cancel(booking, parties.seeking_member, reason)
    assert refusal.value.field == "reason"
    _db.session.expire_all()
    assert _db.session.get(Booking, booking.id).status == "confirmed"
    assert _db.session.get(Offer, booking.offer_id).capacity_left == 7
    assert count(Notification) == 0


def test_a_reason_of_exactly_a_thousand_characters_is_accepted(parties):
    with unit_of_work():
        services.cancel(parties.booking, parties.seeking_member, "x" * 1000)
    assert parties.booking.status == "cancelled"


def test_a_delivered_booking_cannot_be_cancelled_and_keeps_its_units(parties):
    booking = parties.booking
    with unit_of_work():
        services.mark_delivered(booking, parties.offering_member, uk_today())
    with (
        pytest.raises(ActionRefused, match="A delivered booking cannot be cancelled"),
        unit_of_work(),
    ):
        services.cancel(booking, parties.seeking_member, "Changed our minds.")
    _db.session.expire_all()
    assert _db.session.get(Booking, booking.id).cancellation_reason is None
    assert _db.session.get(Offer, booking.offer_id).capacity_left == 7


def test_cancelling_twice_gives_the_units_back_once(parties, login_as):
    client = login_as(parties.seeking_member)
    url = f"/bookings/{parties.booking.id}/cancel"
    first = client.post(url, data={"reason": "Ofsted is coming."})
    again = client.post(url, data={"reason": "Ofsted is coming."})

    assert first.status_code == 302
    assert again.status_code == 409
    assert "A cancelled booking cannot be cancelled." in again.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Offer, parties.booking.offer_id).capacity_left == 10
    assert count(Notification) == 2
