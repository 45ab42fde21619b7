"""The reminders `elp tick` sends: to mark a booking delivered, to confirm it before it
completes by itself, to leave feedback, and to pay a charge before and after it is due.
Each is sent once, however often and however many ticks at once run; each is an email
kind a user can turn off."""

import threading
from datetime import timedelta

import pytest

from elp.accounts.models import User
from elp.billing.models import Charge, SchoolFinance
from elp.bookings.models import Feedback
from elp.extensions import db as _db
from elp.notifications.in_app import set_email_choices
from elp.notifications.models import (
    NOTIFICATION_KINDS,
    Notification,
    OutboxEmail,
    ReminderSent,
)
from elp.timers import tick
from elp.timeutil import UK_TIME, format_date, utcnow
from tests.factories import (
    days,
    make_booking,
    make_lead,
    make_member,
    make_offer,
    make_request,
    make_school,
)

REMINDER_KINDS = (
    "delivery_reminder",
    "completion_reminder",
    "feedback_reminder",
    "charge_due_reminder",
    "charge_overdue_reminder",
)


@pytest.fixture
def schools(db):
    harlow, brentwood = make_school(name="Harlow Primary"), make_school(name="Brentwood High")
    offer = make_offer(harlow, "Phonics catch-up")
    return harlow, brentwood, offer, make_member(harlow), make_member(brentwood)


def _reminders(kind=None):
    query = _db.select(Notification).where(Notification.kind.in_(REMINDER_KINDS))
    if kind:
        query = query.where(Notification.kind == kind)
    return _db.session.scalars(query.order_by(Notification.id)).all()


def _users_of(school):
    return sorted(_db.session.scalars(_db.select(User.id).where(User.school_id == school.id)))


def _booking(schools, **terms):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    request = make_request(offer, author=brentwood_member, **terms)
    return make_booking(request, accepted_by=harlow_member)


def _today(now):
    return now.astimezone(UK_TIME).date()


def test_every_reminder_is_a_kind_users_can_turn_off():
    for kind in REMINDER_KINDS:
        assert kind in NOTIFICATION_KINDS


def test_the_offering_school_is_asked_to_mark_delivered_once_the_last_session_passed(schools):
    now = utcnow()
    last = _today(now) - timedelta(days=1)
    booking = _booking(
        schools,
        earliest_start=last - timedelta(days=7),
        latest_end=_today(now) + timedelta(days=20),
        session_dates=[str(last - timedelta(days=7)), str(last)],
    )

    tick(now - days(2))  # before the last session: nothing
    assert _reminders() == []
    tick(now)
    tick(now + timedelta(minutes=1))

    sent = _reminders("delivery_reminder")
    assert sorted(n.user_id for n in sent) == _users_of(schools[0])  # the offering school
    assert "mark it as delivered" in sent[0].text
    assert sent[0].link == f"/bookings/{booking.id}"


def test_the_seeking_school_is_asked_to_confirm_3_days_before_completion(schools):
    booking = _booking(schools)
    delivered = utcnow()
    booking.status, booking.delivered_at = "delivered", delivered
    _db.session.commit()

    tick(delivered + days(10))  # 4 days before it completes by itself (after 14)
    assert _reminders("completion_reminder") == []
    tick(delivered + days(11))
    tick(delivered + days(12))

    sent = _reminders("completion_reminder")
    assert sorted(n.user_id for n in sent) == _users_of(schools[1])  # the seeking school
    assert "completes by itself on" in sent[0].text


def test_feedback_is_asked_for_3_days_after_completion_from_each_school_yet_to_write(schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    booking = _booking(schools)
    completed = utcnow()
    booking.status, booking.completed_at = "completed", completed
    _db.session.add(
        Feedback(booking=booking, author_school_id=harlow.id, author_id=harlow_member.id, rating=4)
    )
    _db.session.commit()

    tick(completed + days(2))
    assert _reminders("feedback_reminder") == []
    tick(completed + days(3))
    tick(completed + days(4))

    sent = _reminders("feedback_reminder")
    assert [n.user_id for n in sent] == [brentwood_member.id]
    assert sent[0].text == "Leave your feedback on ‘Phonics catch-up’ with Harlow Primary"


def test_the_paying_schools_leads_are_reminded_7_days_before_and_the_day_after_it_is_due(
    schools,
):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    lead = make_lead(brentwood)
    booking = _booking(schools)
    charge = _db.session.scalar(_db.select(Charge).where(Charge.booking_id == booking.id))
    due = charge.due_date
    noon = utcnow().replace(hour=12, minute=0)

    def on(day):
        return noon + (day - _today(noon)) * 1

    tick(on(due - timedelta(days=8)))
    assert _reminders() == []
    tick(on(due - timedelta(days=7)))
    tick(on(due))  # due today: not overdue yet
    assert [(n.kind, n.user_id) for n in _reminders()] == [("charge_due_reminder", lead.id)]
    assert "is due by" in _reminders()[0].text

    tick(on(due + timedelta(days=1)))
    tick(on(due + timedelta(days=2)))

    assert [(n.kind, n.user_id) for n in _reminders()] == [
        ("charge_due_reminder", lead.id),
        ("charge_overdue_reminder", lead.id),
    ]
    assert _reminders()[1].link == f"/charges/{charge.id}"


def test_the_finance_contact_is_emailed_each_charge_reminder_too(schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    lead = make_lead(brentwood)
    _db.session.add(
        SchoolFinance(
            school_id=brentwood.id, finance_contact_name="Sam Okoro",
            finance_contact_email="finance@brentwood.example",
        )
    )  # fmt: skip
    booking = _booking(schools)
    charge = _db.session.scalar(_db.select(Charge).where(Charge.booking_id == booking.id))
    noon = utcnow().replace(hour=12, minute=0)

    tick(noon + (charge.due_date - timedelta(days=7) - _today(noon)))
    tick(noon + (charge.due_date + timedelta(days=1) - _today(noon)))

    to_contact = _db.session.scalars(
        _db.select(OutboxEmail)
        .where(OutboxEmail.to == "finance@brentwood.example")
        .where(OutboxEmail.subject.contains("due by"))  # not the invoice itself
        .order_by(OutboxEmail.id)
    ).all()
    assert [email.subject.split(") ")[-1] for email in to_contact] == [
        f"is due by {format_date(charge.due_date)}",
        f"was due by {format_date(charge.due_date)} and is overdue",
    ]
    assert all(email.body.startswith("Dear Sam Okoro,") for email in to_contact)
    assert all(f"/charges/{charge.id}" in email.body for email in to_contact)
    # The lead is told once each, in the app and by email, as before.
    assert [n.user_id for n in _reminders()] == [lead.id, lead.id]


def test_a_finance_contact_who_is_a_lead_is_emailed_once(schools):
    lead = make_lead(schools[1])
    _db.session.add(
        SchoolFinance(
            school_id=schools[1].id, finance_contact_name=lead.full_name,
            finance_contact_email=lead.email.upper(),
        )
    )  # fmt: skip
    booking = _booking(schools)
    charge = _db.session.scalar(_db.select(Charge).where(Charge.booking_id == booking.id))
    noon = utcnow().replace(hour=12, minute=0)

    tick(noon + (charge.due_date - timedelta(days=7) - _today(noon)))

    addresses = _db.session.scalars(
        _db.select(OutboxEmail.to).where(OutboxEmail.subject.contains("is due by"))
    ).all()
    assert [address.lower() for address in addresses] == [lead.email.lower()]


def test_a_charge_paid_before_it_is_due_is_not_reminded(schools):
    booking = _booking(schools)
    make_lead(schools[1])
    charge = _db.session.scalar(_db.select(Charge).where(Charge.booking_id == booking.id))
    charge.status = "paid"
    _db.session.commit()

    tick(utcnow() + days(40))

    assert _reminders() == []


def test_a_user_who_turned_a_reminder_off_gets_it_in_the_app_but_not_by_email(schools):
    booking = _booking(schools)
    brentwood_member = schools[4]
    set_email_choices(brentwood_member, set(NOTIFICATION_KINDS) - {"completion_reminder"})
    booking.status, booking.delivered_at = "delivered", utcnow()
    _db.session.commit()
    emails_before = _db.session.scalar(_db.select(_db.func.count(OutboxEmail.id)))

    tick(utcnow() + days(12))

    assert len(_reminders("completion_reminder")) == 1
    assert _db.session.scalar(_db.select(_db.func.count(OutboxEmail.id))) == emails_before


def test_overlapping_ticks_send_each_reminder_exactly_once(app, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    make_lead(brentwood)
    offer.capacity = None
    now = utcnow()
    for _ in range(3):
        _booking(
            schools,
            earliest_start=_today(now) - timedelta(days=10),
            latest_end=_today(now) - timedelta(days=1),
        )
    delivered = _booking(schools)
    delivered.status, delivered.delivered_at = "delivered", now - days(12)
    completed = _booking(schools)
    completed.status, completed.completed_at = "completed", now - days(4)
    for charge in _db.session.scalars(_db.select(Charge)):
        charge.due_date = _today(now) - timedelta(days=1)
    _db.session.commit()
    start, errors = threading.Barrier(3), []

    def run_tick():
        with app.app_context():
            try:
                start.wait(10)
                tick(now)
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run_tick) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    sent = [(n.kind, n.link, n.user_id) for n in _reminders()]
    assert len(sent) == len(set(sent)), "nobody is told the same thing twice"
    kinds = [kind for kind, _, _ in sent]
    # Harlow has one user; Brentwood a member and a lead (charges go to leads only).
    assert kinds.count("delivery_reminder") == 3
    assert kinds.count("completion_reminder") == 2
    assert kinds.count("feedback_reminder") == 1 + 2  # each school
    assert kinds.count("charge_overdue_reminder") == 5  # every booking's charge
    claimed = _db.session.scalar(_db.select(_db.func.count()).select_from(ReminderSent))
    assert claimed == 3 + 1 + 2 + 5
    tick(now + timedelta(minutes=1))
    assert len(_reminders()) == len(sent)
