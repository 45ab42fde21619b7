"""In-app notifications: made for every user of the school told, emailed after the commit
unless the user turned that kind off, never emailed twice, read only by their own user."""

import pytest

from elp.errors import NotFound
from elp.extensions import db as _db
from elp.notifications import in_app
from elp.notifications.models import Notification, OutboxEmail
from elp.notifications.services import deliver_outbox
from elp.timeutil import utcnow
from tests.factories import make_lead, make_member, make_offer, make_school


@pytest.fixture
def school(db):
    return make_school(name="Harlow Primary")


def _notify(school, kind="message", text="Tendring Academy sent a message about Phonics"):
    offer = make_offer(school)
    in_app.notify(school.id, kind, text, "offers.show", offer_id=offer.id)
    return offer


def _notifications():
    return _db.session.scalars(_db.select(Notification).order_by(Notification.id)).all()


def test_each_active_user_of_the_school_gets_a_notification_and_an_email_after_commit(
    school, sent_emails
):
    lead, member = make_lead(school), make_member(school)
    make_member(school, active=False)
    make_member()  # another school's user is not told
    offer = _notify(school)
    assert sent_emails == []

    _db.session.commit()

    assert sorted(n.user_id for n in _notifications()) == sorted([lead.id, member.id])
    assert {n.link for n in _notifications()} == {f"/offers/{offer.id}"}
    assert sorted(email["To"] for email in sent_emails) == sorted([lead.email, member.email])
    assert f"http://localhost/offers/{offer.id}" in sent_emails[0].get_content()


def test_a_rolled_back_action_leaves_no_notification_and_sends_no_email(school, sent_emails):
    make_member(school)
    _notify(school)

    _db.session.rollback()

    assert _notifications() == []
    assert deliver_outbox() == 0
    assert sent_emails == []


def test_replaying_the_outbox_sends_nothing_twice(app, school, sent_emails, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "command")
    make_member(school)
    make_member(school)
    _notify(school)
    _db.session.commit()

    assert deliver_outbox() == 2
    assert deliver_outbox() == 0
    assert deliver_outbox() == 0
    assert len(sent_emails) == 2
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(OutboxEmail)) == 2


def test_a_user_who_turned_off_email_for_a_kind_still_gets_it_in_the_app(school, sent_emails):
    quiet, keen = make_member(school), make_member(school)
    in_app.set_email_choices(quiet, [kind for kind in in_app.NOTIFICATION_KINDS if kind != "message"])
    _db.session.commit()

    _notify(school, "message")
    _notify(school, "declined", "Harlow Primary declined your request")
    _db.session.commit()

    assert sorted(n.user_id for n in _notifications() if n.kind == "message") == sorted(
        [quiet.id, keen.id]
    )
    emailed = [(email["To"], email["Subject"]) for email in sent_emails]
    assert (quiet.email, "Harlow Primary declined your request") in emailed
    assert [to for to, subject in emailed if subject.endswith("about Phonics")] == [keen.email]


def test_email_is_on_for_every_kind_until_turned_off(school):
    user = make_member(school)
    assert all(choice.email for choice in in_app.email_choices(user))

    in_app.set_email_choices(user, ["new_request"])

    chosen = {choice.kind: choice.email for choice in in_app.email_choices(user)}
    assert chosen["new_request"] is True
    assert not any(email for kind, email in chosen.items() if kind != "new_request")


def test_unread_count_and_marking_read(school):
    user = make_member(school)
    _notify(school)
    _notify(school)
    _db.session.commit()
    first, second = _notifications()
    assert in_app.unread_count(user) == 2

    in_app.mark_read(user, first.id)
    assert in_app.unread_count(user) == 1
    assert in_app.mark_all_read(user) == 1
    assert in_app.unread_count(user) == 0
    _db.session.expire_all()
    assert all(n.read_at is not None and n.read_at <= utcnow() for n in (first, second))


def test_another_users_notification_cannot_be_marked_read(school):
    owner, colleague = make_member(school), make_member(school)
    _notify(school)
    _db.session.commit()
    owners = next(n for n in _notifications() if n.user_id == owner.id)

    with pytest.raises(NotFound):
        in_app.mark_read(colleague, owners.id)
    assert in_app.mark_all_read(colleague) == 1
    assert in_app.unread_count(owner) == 1


def test_notifications_come_newest_first_a_page_at_a_time(school):
    user = make_member(school)
    for number in range(in_app.NOTIFICATIONS_PER_PAGE + 2):
        _notify(school, text=f"Event {number}")
    _db.session.commit()

    first_page = in_app.notifications_for(user, 1)
    assert first_page.total == in_app.NOTIFICATIONS_PER_PAGE + 2
    assert first_page.items[0].text == f"Event {in_app.NOTIFICATIONS_PER_PAGE + 1}"
    assert [n.text for n in in_app.notifications_for(user, 2).items] == ["Event 1", "Event 0"]


def test_an_unknown_kind_is_a_programming_error(school):
    with pytest.raises(ValueError):
        _notify(school, "birthday")
