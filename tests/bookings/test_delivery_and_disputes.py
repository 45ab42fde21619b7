"""Delivery that happened: "Mark as delivered" only once the work has started, with the day
of the last session; a problem the seeking school reports instead of confirming; and an ELP
admin settling it as completed (the charge stays due) or cancelled (the charge follows the
cancellation rule and the units go back). Every refusal changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.billing import review
from elp.billing import services as billing
from elp.bookings import disputes, services, timers
from elp.bookings.models import Booking
from elp.errors import ActionRefused, InvalidInput
from elp.extensions import db as _db
from elp.notifications.models import Notification, OutboxEmail
from elp.offers.models import Offer
from elp.timeutil import uk_today, utcnow
from elp.unit_of_work import unit_of_work
from tests.bookings.conftest import last_session_form
from tests.factories import make_admin, make_booking, make_member, make_offer, make_school

DAY = timedelta(days=1)
REASON = "Only one of the three days took place; the expert did not come on the others."


def fresh(booking):
    _db.session.expire_all()
    return _db.session.get(Booking, booking.id)


def page(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def starting_in(days, **terms):
    """A confirmed booking whose agreed window starts `days` from today (UK)."""
    offering = make_school(name="Kingswood Meadow Primary")
    seeking = make_school(name="Harlow Fields Infants")
    start = uk_today() + timedelta(days=days)
    booking = make_booking(
        offer=make_offer(offering, "Phonics catch-up", capacity=10),
        author=make_member(seeking),
        quantity=3,
        earliest_start=start,
        latest_end=start + timedelta(days=60),
        **terms,
    )
    return booking, make_member(offering), make_member(seeking)


def disputed(parties, login_as):
    """The parties' booking delivered today and reported as a problem, through the pages."""
    booking = parties.booking
    login_as(parties.offering_member).post(
        f"/bookings/{booking.id}/deliver", data=last_session_form()
    )
    login_as(parties.seeking_member).post(
        f"/bookings/{booking.id}/report-problem", data={"reason": REASON}
    )
    booking = fresh(booking)
    assert booking.status == "disputed"
    return booking


# --- Mark as delivered --------------------------------------------------------------------


def test_a_booking_cannot_be_marked_delivered_before_its_window_starts(db, login_as):
    booking, offering_member, _ = starting_in(3)
    client = login_as(offering_member)
    start = booking.earliest_start
    long_start = f"{start.day} {start:%B %Y}"

    status, show = page(client, f"/bookings/{booking.id}")
    assert status == 200
    assert ">Mark as delivered</a>" not in show
    assert f"You can mark it as delivered once the work has started, from {long_start}" in show

    for method in ("GET", "POST"):
        response = client.open(
            f"/bookings/{booking.id}/deliver", method=method, data=last_session_form()
        )
        assert response.status_code == 409
        assert f"the start of the agreed dates is on {long_start}" in response.get_data(
            as_text=True
        )
    after = fresh(booking)
    assert (after.status, after.delivered_at, after.version) == ("confirmed", None, 1)
    assert _db.session.scalars(select(Notification)).all() == []


def test_the_first_session_date_not_the_window_decides_when(db, in_request):
    booking, offering_member, _ = starting_in(-10)
    booking.session_dates = [(uk_today() + 2 * DAY).isoformat()]
    _db.session.commit()
    with pytest.raises(ActionRefused, match="the first session is on"):
        services.mark_delivered(booking, offering_member, uk_today())

    booking.session_dates = [(uk_today()).isoformat()]
    _db.session.commit()
    with unit_of_work():
        services.mark_delivered(booking, offering_member, uk_today())
    assert fresh(booking).last_session_on == uk_today()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (None, "Enter the date of the last session"),
        (1, "The date of the last session must be today or in the past"),
        (-8, "The date of the last session must be on or after"),
    ],
)
def test_the_last_session_must_lie_between_the_start_and_today(parties, login_as, day, message):
    """The parties' booking's window opened 7 days ago."""
    booking = parties.booking
    data = {} if day is None else last_session_form(uk_today() + timedelta(days=day))

    response = login_as(parties.offering_member).post(f"/bookings/{booking.id}/deliver", data=data)

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in text and message in text
    if day is not None:  # what was typed is kept
        typed = uk_today() + timedelta(days=day)
        assert f'value="{typed.year}"' in text and f'value="{typed.day}"' in text
    after = fresh(booking)
    assert (after.status, after.last_session_on, after.version) == ("confirmed", None, 1)
    assert _db.session.scalars(select(Notification)).all() == []


def test_marking_delivered_records_the_last_session_and_the_page_says_so(parties, login_as):
    booking = parties.booking
    last = uk_today() - 2 * DAY
    client = login_as(parties.offering_member)

    status, form = page(client, f"/bookings/{booking.id}/deliver")
    assert status == 200 and "When was the last session?" in form

    response = client.post(f"/bookings/{booking.id}/deliver", data=last_session_form(last))

    assert response.status_code == 302
    after = fresh(booking)
    assert (after.status, after.last_session_on) == ("delivered", last)
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "booking.delivered")
    ).one()
    assert event.details["last_session_on"] == last.isoformat()
    _, show = page(login_as(parties.seeking_member), f"/bookings/{booking.id}")
    assert f"the last session on {last.day} {last:%B %Y}" in show
    assert "Report a problem" in show and "Confirm completed" in show


# --- Report a problem ---------------------------------------------------------------------


def test_reporting_a_problem_disputes_the_booking_and_tells_both_schools_and_admins(
    parties, login_as
):
    admin = make_admin(email="priya@elp.example")
    make_admin(email="gone@elp.example", active=False)
    booking = parties.booking
    login_as(parties.offering_member).post(
        f"/bookings/{booking.id}/deliver", data=last_session_form()
    )
    _db.session.execute(Notification.__table__.delete())
    _db.session.execute(OutboxEmail.__table__.delete())
    _db.session.commit()
    client = login_as(parties.seeking_member)

    status, form = page(client, f"/bookings/{booking.id}/report-problem")
    assert status == 200 and "What is the problem?" in form
    response = client.post(f"/bookings/{booking.id}/report-problem", data={"reason": REASON})

    assert response.status_code == 302
    after = fresh(booking)
    assert (after.status, after.dispute_reason) == ("disputed", REASON)
    assert after.disputed_by_id == parties.seeking_member.id and after.disputed_at is not None
    told = _db.session.execute(select(Notification.user_id, Notification.kind, Notification.link))
    school_link, admin_link = f"/bookings/{booking.id}", f"/admin/bookings/{booking.id}"
    assert sorted(told.all()) == sorted(
        [(user.id, "disputed", school_link) for user in (
            parties.offering_lead, parties.offering_member,
            parties.seeking_lead, parties.seeking_member,
        )] + [(admin.id, "disputed", admin_link)]
    )  # fmt: skip
    emails = sorted(_db.session.scalars(select(OutboxEmail.to)))
    assert "priya@elp.example" in emails and "gone@elp.example" not in emails
    assert len(emails) == 5
    text = _db.session.scalars(select(Notification.text)).first()
    assert (
        text == "Harlow Fields Infants reported a problem with the booking for ‘Phonics catch-up’"
    )
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "booking.disputed")
    ).one()
    assert (event.reason, event.details["old_status"]) == (REASON, "delivered")

    _, show = page(login_as(parties.offering_member), f"/bookings/{booking.id}")
    assert "reported a problem" in show and REASON.split(";")[0] in show


def test_a_problem_needs_its_reason_and_keeps_what_was_typed(parties, login_as):
    booking = parties.booking
    booking.status = "delivered"
    _db.session.commit()
    client = login_as(parties.seeking_member)

    empty = client.post(f"/bookings/{booking.id}/report-problem", data={"reason": "  "})
    too_long = client.post(f"/bookings/{booking.id}/report-problem", data={"reason": "x" * 1001})

    assert "Enter what the problem is" in empty.get_data(as_text=True)
    assert "The reason must be 1,000 characters or fewer" in too_long.get_data(as_text=True)
    assert "x" * 1001 in too_long.get_data(as_text=True)
    assert (fresh(booking).status, fresh(booking).version) == ("delivered", 2)


def test_a_problem_cannot_be_reported_on_a_booking_not_delivered(parties, login_as):
    client = login_as(parties.seeking_member)
    for method in ("GET", "POST"):
        response = client.open(
            f"/bookings/{parties.booking.id}/report-problem", method=method, data={"reason": REASON}
        )
        assert response.status_code == 409
        assert "A confirmed booking cannot be disputed." in response.get_data(as_text=True)
    assert fresh(parties.booking).status == "confirmed"


def test_a_stale_form_is_refused_and_changes_nothing(parties, login_as):
    booking = parties.booking
    booking.status = "delivered"
    _db.session.commit()
    version = fresh(booking).version
    booking.note = "Changed meanwhile"  # someone else's change moves the version on
    _db.session.commit()

    response = login_as(parties.seeking_member).post(
        f"/bookings/{booking.id}/report-problem", data={"reason": REASON, "version": version}
    )

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this booking while you were looking at it" in text
    assert REASON.split(";")[0] in text  # kept
    assert fresh(booking).status == "delivered"


def test_another_schools_booking_is_not_found(parties, login_as):
    parties.booking.status = "delivered"
    _db.session.commit()
    stranger = login_as(make_member())
    for path in ("deliver", "report-problem", "session-dates"):
        assert stranger.get(f"/bookings/{parties.booking.id}/{path}").status_code == 404
        assert stranger.post(f"/bookings/{parties.booking.id}/{path}").status_code == 404


def test_the_tick_never_completes_a_disputed_booking(parties, login_as, app):
    booking = disputed(parties, login_as)
    booking.delivered_at = utcnow() - timedelta(days=100)
    _db.session.commit()

    assert timers.complete_delivered_bookings(utcnow()) == 0
    assert fresh(booking).status == "disputed"


def test_a_disputed_booking_cannot_be_confirmed_or_cancelled_by_either_school(parties, login_as):
    booking = disputed(parties, login_as)
    seeking = login_as(parties.seeking_member)
    response = seeking.post(f"/bookings/{booking.id}/complete")
    assert response.status_code == 409
    assert "an ELP admin is settling it" in response.get_data(as_text=True)
    assert seeking.post(f"/bookings/{booking.id}/cancel", data={"reason": "x"}).status_code == 409
    assert fresh(booking).status == "disputed"


# --- An ELP admin settles it --------------------------------------------------------------


def test_admins_find_disputed_bookings_from_the_admin_home(parties, login_as):
    booking = disputed(parties, login_as)
    admin = login_as(make_admin())

    _, home = page(admin, "/admin/")
    assert 'href="/admin/bookings"' in home
    assert "Bookings with a problem reported</a> (1)" in home
    _, listing = page(admin, "/admin/bookings")
    assert f'href="/admin/bookings/{booking.id}"' in listing
    assert "Kingswood Meadow Primary" in listing and "Harlow Fields Infants" in listing
    status, detail = page(admin, f"/admin/bookings/{booking.id}")
    assert status == 200
    assert REASON.split(";")[0] in detail
    assert "Resolve as completed" in detail and "Resolve as cancelled" in detail


def test_resolving_as_completed_completes_it_and_keeps_the_charge_due(parties, login_as):
    booking = disputed(parties, login_as)
    (charge,) = billing.charges_for_booking(booking)
    _db.session.execute(Notification.__table__.delete())
    _db.session.commit()
    units_booked = _db.session.get(Offer, booking.offer_id).units_booked

    response = login_as(make_admin()).post(
        f"/admin/bookings/{booking.id}",
        data={"outcome": "completed", "reason": "The school sent the register of all 3 days."},
    )

    assert response.status_code == 302
    after = fresh(booking)
    assert (after.status, after.resolution_reason) == (
        "completed",
        "The school sent the register of all 3 days.",
    )
    assert after.completed_at is not None and after.resolved_at is not None
    (charge,) = billing.charges_for_booking(after)
    assert charge.status == "pending"
    assert review.credit_notes(charge) == []
    assert _db.session.get(Offer, booking.offer_id).units_booked == units_booked
    kinds = _db.session.scalars(select(Notification.kind)).all()
    assert kinds == ["resolved"] * 4  # both schools' two users each
    assert _db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("booking.resolved%"))
    ).all() == ["booking.resolved_as_completed"]
    _, show = page(login_as(parties.seeking_member), f"/bookings/{booking.id}")
    assert "ELP resolved it as completed" in show
    assert "Send feedback" in show


def test_resolving_as_cancelled_voids_the_charge_and_gives_back_the_units(parties, login_as):
    booking = disputed(parties, login_as)
    offer_id = booking.offer_id
    booked_before = _db.session.get(Offer, offer_id).units_booked

    response = login_as(make_admin()).post(
        f"/admin/bookings/{booking.id}",
        data={"outcome": "cancelled", "reason": "The sessions did not take place."},
    )

    assert response.status_code == 302
    after = fresh(booking)
    assert (after.status, after.cancellation_reason) == (
        "cancelled",
        "The sessions did not take place.",
    )
    assert _db.session.get(Offer, offer_id).units_booked == booked_before - booking.quantity
    (charge,) = billing.charges_for_booking(after)
    assert charge.status == "void"
    (note,) = review.credit_notes(charge)
    assert note.gross_pence == charge.gross_pence
    assert "resolved a problem with the booking as cancelled" in note.reason
    _, show = page(login_as(parties.offering_member), f"/bookings/{booking.id}")
    assert "ELP resolved it as cancelled" in show


def test_resolving_as_cancelled_under_terms_that_keep_the_charge_keeps_it(parties, login_as):
    booking = disputed(parties, login_as)
    billing.fee_terms_for(booking).void_on_cancellation = False
    _db.session.commit()

    login_as(make_admin()).post(
        f"/admin/bookings/{booking.id}", data={"outcome": "cancelled", "reason": "No show."}
    )

    assert fresh(booking).status == "cancelled"
    (charge,) = billing.charges_for_booking(booking)
    assert charge.status == "pending"


def test_a_resolution_needs_a_reason_and_an_outcome(parties, login_as):
    booking = disputed(parties, login_as)
    admin = login_as(make_admin())

    no_reason = admin.post(f"/admin/bookings/{booking.id}", data={"outcome": "cancelled"})
    no_outcome = admin.post(f"/admin/bookings/{booking.id}", data={"reason": "Because."})

    assert "Enter the reason for the decision" in no_reason.get_data(as_text=True)
    assert "Choose whether to resolve it as completed or cancelled" in no_outcome.get_data(
        as_text=True
    )
    assert "Because." in no_outcome.get_data(as_text=True)
    assert fresh(booking).status == "disputed"


def test_a_booking_not_disputed_cannot_be_resolved(parties, in_request):
    admin = make_admin()
    with pytest.raises(ActionRefused, match="A confirmed booking cannot be resolved as completed"):
        disputes.resolve(parties.booking, admin, "completed", "Because.")
    _db.session.rollback()
    with pytest.raises(InvalidInput, match="Enter the reason"):
        parties.booking.status = "disputed"
        disputes.resolve(parties.booking, admin, "cancelled", " ")
    _db.session.rollback()
    assert fresh(parties.booking).status == "confirmed"


# --- What waits on someone ----------------------------------------------------------------


def test_the_home_pages_can_read_what_waits_on_each_school(parties, login_as, in_request):
    offering_school = parties.offering_member.school
    seeking_school = parties.seeking_member.school
    not_started, *_ = starting_in(5)
    assert services.bookings_to_mark_delivered(offering_school) == [parties.booking]
    assert services.bookings_to_mark_delivered(not_started.offering_school) == []
    assert services.bookings_to_confirm(seeking_school) == []

    login_as(parties.offering_member).post(
        f"/bookings/{parties.booking.id}/deliver", data=last_session_form()
    )
    assert services.bookings_to_mark_delivered(offering_school) == []
    assert services.bookings_to_confirm(seeking_school) == [fresh(parties.booking)]

    login_as(parties.seeking_member).post(
        f"/bookings/{parties.booking.id}/report-problem", data={"reason": REASON}
    )
    assert services.bookings_to_confirm(seeking_school) == []
    assert services.disputed_bookings() == [fresh(parties.booking)]
    assert services.disputed_bookings(offering_school) == [fresh(parties.booking)]
    assert services.disputed_bookings(not_started.seeking_school) == []
    assert services.count_disputed_bookings() == 1
