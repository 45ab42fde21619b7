"""ELP admins hide an offer with a reason and unhide it; the school is told and sees why."""

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.timeutil import utcnow
from tests.factories import make_admin, make_lead, make_member, make_offer, make_school


def test_an_admin_hides_a_published_offer_with_a_reason(db, login_as, client, sent_emails):
    lead = make_lead()
    editor = make_member(lead.school)
    make_member(lead.school)  # a colleague who did not write it is not emailed
    offer = make_offer(lead.school, "Phonics for all", updated_by=editor)
    admin = make_admin()
    login_as(admin)

    response = client.post(
        f"/admin/offers/{offer.id}/hide",
        data={"reason": "The price says £0; please add the real price."},
        follow_redirects=True,
    )

    assert "is hidden and its school has been told why" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.hidden_at is not None
    assert offer.hidden_reason == "The price says £0; please add the real price."
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.hidden"))
    assert (event.actor_id, event.reason) == (admin.id, offer.hidden_reason)
    assert sorted(email["To"] for email in sent_emails) == sorted([lead.email, editor.email])
    body = sent_emails[0].get_content()
    assert "The price says £0; please add the real price." in body
    assert f"http://localhost/offers/{offer.id}" in body

    login_as(make_member())
    assert client.get(f"/offers/{offer.id}").status_code == 404
    login_as(lead)
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "An ELP admin hid this offer" in page
    assert "The price says £0; please add the real price." in page


def test_a_reason_is_required(db, login_as):
    offer = make_offer()

    response = login_as(make_admin()).post(f"/admin/offers/{offer.id}/hide", data={"reason": "  "})

    assert "Enter the reason for hiding the offer" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.hidden_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_a_published_offer_can_be_hidden(db, login_as, method):
    offer = make_offer(status="draft")

    admin = login_as(make_admin())
    response = getattr(admin, method)(f"/admin/offers/{offer.id}/hide", data={"reason": "No"})

    assert response.status_code == 409
    assert "Only a published offer can be hidden" in response.get_data(as_text=True)


def test_an_admin_unhides_an_offer_and_the_school_is_told(db, login_as, client, sent_emails):
    lead = make_lead()
    offer = make_offer(lead.school, hidden_at=utcnow(), hidden_reason="Check the DBS date")
    admin = make_admin()
    login_as(admin)

    client.post(f"/admin/offers/{offer.id}/unhide")

    db.session.refresh(offer)
    assert offer.hidden_at is None and offer.hidden_reason is None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.unhidden"))
    assert event.actor_id == admin.id
    assert [email["To"] for email in sent_emails] == [lead.email]
    assert "Seeking schools can see it again" in sent_emails[0].get_content()
    login_as(make_member())
    assert client.get(f"/offers/{offer.id}").status_code == 200


def test_unhiding_an_offer_that_is_not_hidden_is_refused(db, login_as):
    offer = make_offer()

    response = login_as(make_admin()).post(f"/admin/offers/{offer.id}/unhide")

    assert response.status_code == 409
    assert "A shown offer cannot be unhidden. It is not hidden." in response.get_data(as_text=True)


def test_the_admin_list_filters_offers(db, login_as):
    school = make_school(name="Gibberd Academy")
    make_offer(school, "Maths mastery", category="Pupil achievement")
    make_offer(school, "Behaviour audit", category="Behaviour and safety", status="draft")
    make_offer(make_school(), "Phonics", hidden_at=utcnow(), hidden_reason="Duplicate")
    client = login_as(make_admin())

    everything = client.get("/admin/offers").get_data(as_text=True)
    drafts = client.get("/admin/offers?status=draft").get_data(as_text=True)
    hidden = client.get("/admin/offers?moderation=hidden").get_data(as_text=True)
    by_school = client.get("/admin/offers?q=gibberd").get_data(as_text=True)

    assert all(title in everything for title in ("Maths mastery", "Behaviour audit", "Phonics"))
    assert "Behaviour audit" in drafts and "Maths mastery" not in drafts
    assert "Phonics" in hidden and "Maths mastery" not in hidden
    assert '<p class="govuk-body-s govuk-!-margin-top-1">Duplicate</p>' in hidden
    assert "Maths mastery" in by_school and "Phonics" not in by_school


def test_an_admin_hides_from_the_list_and_unhides_with_a_button(db, login_as):
    make_offer(title="Visible offer")
    make_offer(title="Hidden offer", hidden_at=utcnow(), hidden_reason="Duplicate")

    page = login_as(make_admin()).get("/admin/offers").get_data(as_text=True)

    assert 'Hide<span class="govuk-visually-hidden"> Visible offer' in page
    assert 'Unhide<span class="govuk-visually-hidden"> Hidden offer' in page


def test_schools_cannot_moderate(db, login_as):
    offer = make_offer()
    client = login_as(make_lead())

    assert client.get("/admin/offers").status_code == 403
    assert client.post(f"/admin/offers/{offer.id}/hide", data={"reason": "x"}).status_code == 403
    db.session.refresh(offer)
    assert offer.hidden_at is None


def test_the_admin_home_links_to_offers_import_and_categories(db, login_as):
    page = login_as(make_admin()).get("/admin/").get_data(as_text=True)

    for href in ('href="/admin/offers"', 'href="/admin/offers/import"', 'href="/admin/categories"'):
        assert href in page


def test_hiding_the_offer_of_a_school_without_users_says_no_one_was_told(
    db, login_as, client, sent_emails
):
    offer = make_offer(make_school(name="Oak Academy"), "Phonics for all")  # loaded by ELP
    login_as(make_admin())

    form = client.get(f"/admin/offers/{offer.id}/hide").get_data(as_text=True)
    assert "Oak Academy has no users on ELP Exchange, so no one will be emailed" in form
    assert "is emailed the reason" not in form

    response = client.post(
        f"/admin/offers/{offer.id}/hide", data={"reason": "Out of date."}, follow_redirects=True
    )

    page = response.get_data(as_text=True)
    assert "has been told why" not in page
    assert "Oak Academy has no users on ELP Exchange, so no one has been told" in page
    assert sent_emails == []


def test_the_hide_email_gives_elps_contact_address_not_a_reply(db, app, login_as, client,
                                                              sent_emails):  # fmt: skip
    lead = make_lead()
    offer = make_offer(lead.school)
    login_as(make_admin())

    client.post(f"/admin/offers/{offer.id}/hide", data={"reason": "Out of date."})

    body = sent_emails[0].get_content()
    assert f"email the Essex Learning Partnership at {app.config['CONTACT_EMAIL']}" in body
    assert "reply to" not in body.lower()
