"""ELP admins moderate offers: newly published and edited offers wait in a queue, with what
changed, until an admin approves them; hiding takes one out while it is hidden."""

import re

from sqlalchemy import select

from elp.audit import AuditEvent
from elp.extensions import db as _db
from elp.offers import moderation_queue
from elp.offers.models import Offer, OfferModeration
from elp.reports.dashboard import this_weeks_figures
from tests.factories import make_admin, make_lead, make_offer


def queued():
    return {entry.offer_id: entry.kind for entry in _db.session.scalars(select(OfferModeration))}


def approve_everything():
    for entry in _db.session.scalars(select(OfferModeration)).all():
        _db.session.delete(entry)
    _db.session.commit()


def test_a_draft_published_by_its_school_waits_for_moderation(db, login_as, client, offer_form):
    lead = make_lead()
    login_as(lead)
    client.post("/offers/new", data=offer_form())
    assert queued() == {}  # a draft is nobody's business yet
    offer = _db.session.scalars(select(Offer)).one()

    client.post(f"/offers/{offer.id}/publish")

    assert queued() == {offer.id: "new"}
    admin = login_as(make_admin())
    page = admin.get("/admin/moderation").get_data(as_text=True)
    assert "1 offer awaiting moderation" in page
    assert "Newly published on" in page and offer.title in page


def test_an_admin_approves_an_offer_and_it_leaves_the_queue(db, login_as):
    offer = make_offer(title="Phonics catch-up")
    admin = make_admin()
    client = login_as(admin)
    assert this_weeks_figures().offers_awaiting_moderation == 1

    page = client.get("/admin/moderation").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)

    response = client.post(f"/admin/moderation/{offer.id}/approve", data={"version": version},
                           follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "‘Phonics catch-up’ has been approved" in page
    assert "No offers are awaiting moderation." in page
    assert queued() == {}
    [event] = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.approved"))
    assert (event.actor_id, event.subject_id, event.details["kind"]) == (admin.id, offer.id, "new")
    assert this_weeks_figures().offers_awaiting_moderation == 0
    # Approving it again is refused with a clear message, not a 500.
    again = client.post(f"/admin/moderation/{offer.id}/approve", data={"version": version})
    assert again.status_code == 409
    assert "is not awaiting moderation" in again.get_data(as_text=True)
    assert client.post("/admin/moderation/999999/approve").status_code == 404


def test_an_edited_offer_comes_back_with_what_changed_since_approval(db, login_as, offer_form):
    lead = make_lead()
    offer = make_offer(lead.school, "Maths mastery coaching", price_pence=30000)
    approve_everything()
    school = login_as(lead)

    school.post(f"/offers/{offer.id}/edit",
                data=offer_form(title="Maths mastery coaching", price="325.50"))  # fmt: skip
    school.post(f"/offers/{offer.id}/edit",
                data=offer_form(title="Maths mastery for KS2", price="340"))  # fmt: skip

    assert queued() == {offer.id: "edited"}
    page = login_as(make_admin()).get("/admin/moderation").get_data(as_text=True)
    card = page[page.index(f'id="offer-{offer.id}"') :]
    cells = re.findall(r"<t[hd][^>]*>\s*([^<]*?)\s*</t[hd]>", card)
    rows = [cells[i : i + 3] for i in range(3, len(cells), 3)]
    # Before is the value the admin last approved, however many edits came since.
    assert ["Title", "Maths mastery coaching", "Maths mastery for KS2"] in rows
    assert ["Price", "£300", "£340"] in rows
    assert "Changed on" in card and "and again on" in card


def test_an_offer_its_school_changed_after_the_queue_was_shown_is_not_approved_unread(
    db, login_as, offer_form
):
    lead = make_lead()
    offer = make_offer(lead.school, "Maths mastery coaching", price_pence=30000)
    admin = login_as(make_admin())
    page = admin.get("/admin/moderation").get_data(as_text=True)
    shown_version = re.search(r'name="version" value="(\d+)"', page).group(1)
    login_as(lead).post(f"/offers/{offer.id}/edit",
                        data=offer_form(title="Maths mastery coaching", price="900"))  # fmt: skip
    admin = login_as(make_admin())

    stale = admin.post(f"/admin/moderation/{offer.id}/approve", data={"version": shown_version})
    unsent = admin.post(f"/admin/moderation/{offer.id}/approve")

    assert stale.status_code == unsent.status_code == 409
    assert "changed after the queue was shown to you" in stale.get_data(as_text=True)
    assert offer.id in queued()
    _db.session.refresh(offer)
    fresh = admin.post(f"/admin/moderation/{offer.id}/approve", data={"version": offer.version})
    assert fresh.status_code == 302 and queued() == {}


def test_only_published_offers_wait_and_a_hidden_one_waits_again_when_unhidden(db, login_as):
    shown = make_offer(title="Shown offer")
    hidden = make_offer(title="Hidden offer")
    make_offer(title="Draft offer", status="draft", published_at=None)
    admin = login_as(make_admin())

    admin.post(f"/admin/offers/{hidden.id}/hide", data={"reason": "The price is wrong."})

    page = admin.get("/admin/moderation").get_data(as_text=True)
    assert "1 offer awaiting moderation" in page
    assert "Shown offer" in page and "Draft offer" not in page
    hidden_list = page[page.index("Hidden offers") :]
    assert f'href="/offers/{hidden.id}">Hidden offer</a>' in hidden_list
    assert "The price is wrong." in hidden_list
    assert moderation_queue.awaiting_count() == 1 == this_weeks_figures().offers_awaiting_moderation

    admin.post(f"/admin/offers/{hidden.id}/unhide")

    assert moderation_queue.awaiting_count() == 2
    assert shown.id in queued()


def test_the_admin_home_page_links_to_the_queue_with_its_count(db, login_as):
    for number in range(3):
        make_offer(title=f"Offer {number}")

    page = login_as(make_admin()).get("/admin/").get_data(as_text=True)

    assert re.search(r"Offers awaiting moderation\s*</dt>\s*<dd[^>]*>\s*3\s*</dd>", page)
    assert 'href="/admin/moderation"' in page
