"""Save as draft saves a draft: an unfinished offer is kept with only its title, the full
checks run when it is published, and the preview says what is still missing."""

import re

from sqlalchemy import select

from elp.offers.models import Offer
from tests.factories import make_member, make_offer


def only_offer(db):
    return db.session.scalars(select(Offer)).one()


def save_title_only(client):
    return client.post("/offers/new", data={"title": "Attendance clinics for Year 7"})


def test_a_draft_is_saved_with_only_a_title(db, login_as):
    member = make_member()
    client = login_as(member)

    response = save_title_only(client)

    assert response.status_code == 302
    offer = only_offer(db)
    assert (offer.title, offer.status, offer.school_id) == (
        "Attendance clinics for Year 7", "draft", member.school_id,
    )  # fmt: skip
    assert offer.category_id is None and offer.price_pence is None
    assert offer.dbs_confirmed is None and not offer.price_on_request
    page = client.get(response.location).get_data(as_text=True)
    assert "Your offer has been saved as a draft" in page


def test_a_draft_still_needs_its_title(db, login_as):
    response = login_as(make_member()).post("/offers/new", data={"title": " "})

    assert "Enter a title" in response.get_data(as_text=True)
    assert db.session.scalars(select(Offer)).all() == []


def test_the_preview_says_what_is_still_missing(db, login_as):
    client = login_as(make_member())
    save_title_only(client)
    offer = only_offer(db)

    page = client.get(f"/offers/{offer.id}/preview").get_data(as_text=True)

    assert "Before you can publish this offer, you need to:" in page
    missing = page.split('id="missing-before-publishing"')[1].split("</ul>")[0]
    for words in (
        "enter a one-line summary", "enter a description", "choose a category",
        "choose at least one phase", "choose the districts the offer serves",
        "choose how the support is delivered", "enter the expert’s name",
        "choose yes if your school has confirmed the DBS check",
        "choose the unit the price is for", "enter the price per unit, or choose price on request",
    ):  # fmt: skip
        assert words in missing, words
    assert f'href="/offers/{offer.id}/edit#summary"' in missing
    assert re.search(r"Price\s*</dt>\s*<dd[^>]*>\s*Not given yet", page)


def test_a_complete_draft_has_nothing_missing(db, login_as):
    member = make_member()
    offer = make_offer(member.school, status="draft", serves_all_districts=True)

    page = login_as(member).get(f"/offers/{offer.id}/preview").get_data(as_text=True)

    assert "Before you can publish this offer" not in page


def test_an_unfinished_draft_cannot_be_published(db, login_as):
    client = login_as(make_member())
    save_title_only(client)
    offer = only_offer(db)

    response = client.post(f"/offers/{offer.id}/publish")

    # The offer page again, with the error summary, each problem linking to its field.
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text
    summary = text.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "Your offer cannot be published until it is complete" in summary
    assert f'href="/offers/{offer.id}/edit#summary">Enter a one-line summary' in summary
    assert "enter a one-line summary" in text
    db.session.refresh(offer)
    assert offer.status == "draft"


def test_a_draft_without_a_price_is_not_price_on_request(db, login_as, offer_form):
    client = login_as(make_member())
    save_title_only(client)
    offer = only_offer(db)

    form = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)

    assert 'name="price_on_request" type="checkbox" value="y" checked' not in form
    assert 'value="yes" checked' not in form and 'value="no" checked' not in form


def test_a_finished_draft_is_published(db, login_as, offer_form):
    client = login_as(make_member())
    save_title_only(client)
    offer = only_offer(db)
    client.post(
        f"/offers/{offer.id}/edit",
        data=offer_form(title="Attendance clinics for Year 7", price="", price_on_request="y"),
    )

    response = client.post(f"/offers/{offer.id}/publish", follow_redirects=True)

    assert "Your offer has been published" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.status == "published"
    assert offer.price_on_request and offer.price_pence is None


def test_an_offer_added_without_a_price_is_on_request(db):
    assert make_offer(price_pence=None).price_on_request is True
    assert make_offer(price_pence=100).price_on_request is False
