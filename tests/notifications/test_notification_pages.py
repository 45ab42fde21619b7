"""The notification pages: the count in the header, the list, opening one, marking all read
and choosing which kinds also come by email."""

import re

import pytest

from elp.extensions import db as _db
from elp.notifications import in_app
from elp.notifications.models import NOTIFICATION_KINDS, Notification
from tests.factories import make_admin, make_member, make_offer


@pytest.fixture
def member(db):
    return make_member()


def _notify(member, text):
    offer = make_offer(member.school)
    in_app.notify(member.school_id, "message", text, "offers.show", offer_id=offer.id)
    _db.session.commit()
    return _db.session.scalars(
        _db.select(Notification).order_by(Notification.id.desc())
    ).first()


def test_the_header_counts_unread_notifications(client, login_as, member):
    login_as(member)
    assert ">Notifications</a>" in client.get("/").get_data(as_text=True)

    _notify(member, "A school asked about Phonics")
    _notify(member, "A school asked about Maths")

    page = client.get("/").get_data(as_text=True)
    assert 'Notifications (2<span class="govuk-visually-hidden"> unread</span>)' in page


def test_admins_have_no_notifications_link(client, login_as, db):
    login_as(make_admin())
    assert "/notifications" not in client.get("/admin/").get_data(as_text=True)


def test_the_list_shows_newest_first_with_unread_marked(client, login_as, member):
    older = _notify(member, "Older event")
    _notify(member, "Newer event")
    in_app.mark_read(member, older.id)
    _db.session.commit()
    login_as(member)

    page = client.get("/notifications").get_data(as_text=True)

    assert page.index("Newer event") < page.index("Older event")
    assert len(re.findall(r">\s*Unread\s*</strong>", page)) == 1
    assert "Mark all as read" in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, login_as, member):
    notification = _notify(member, "A school asked about Phonics")
    login_as(member)

    response = client.get(f"/notifications/{notification.id}")

    assert response.status_code == 302
    assert response.location == notification.link
    _db.session.expire_all()
    assert _db.session.get(Notification, notification.id).read_at is not None


def test_a_notification_never_sends_anyone_outside_the_service(client, login_as, member):
    notification = _notify(member, "A school asked about Phonics")
    notification.link = "//elsewhere.example/phish"
    _db.session.commit()
    login_as(member)

    assert client.get(f"/notifications/{notification.id}").status_code == 404


def test_another_users_notification_is_not_found(client, login_as, member):
    notification = _notify(member, "A school asked about Phonics")
    login_as(make_member(member.school))

    assert client.get(f"/notifications/{notification.id}").status_code == 404
    _db.session.expire_all()
    assert _db.session.get(Notification, notification.id).read_at is None


def test_mark_all_as_read(client, login_as, member):
    _notify(member, "One")
    _notify(member, "Two")
    login_as(member)

    response = client.post("/notifications/read-all", follow_redirects=True)

    assert "All your notifications are marked as read" in response.get_data(as_text=True)
    assert in_app.unread_count(member) == 0


def test_the_preferences_page_offers_every_kind_ticked_by_default(client, login_as, member):
    login_as(member)

    page = client.get("/account/notifications").get_data(as_text=True)

    assert "Also email me when…" in page
    for description in NOTIFICATION_KINDS.values():
        assert description in page
    assert page.count("checked") == len(NOTIFICATION_KINDS)


def test_saving_preferences_turns_off_the_unticked_kinds(client, login_as, member):
    login_as(member)

    response = client.post(
        "/account/notifications", data={"kinds": ["new_request", "accepted"]},
        follow_redirects=True,
    )

    assert "Your email preferences have been saved" in response.get_data(as_text=True)
    emailed = {choice.kind for choice in in_app.email_choices(member) if choice.email}
    assert emailed == {"new_request", "accepted"}
    assert client.get("/account/notifications").get_data(as_text=True).count("checked") == 2


def test_an_unknown_kind_is_shown_as_an_error_and_nothing_is_saved(client, login_as, member):
    login_as(member)

    response = client.post("/account/notifications", data={"kinds": ["birthday"]})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert all(choice.email for choice in in_app.email_choices(member))


def test_ticking_nothing_turns_every_email_off(client, login_as, member):
    login_as(member)

    assert client.post("/account/notifications", data={}).status_code == 302
    assert not any(choice.email for choice in in_app.email_choices(member))
