"""An offering school writes, previews, publishes, changes, pauses, resumes and archives an offer."""

from datetime import date

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.offers.models import Offer, Specialism
from tests.factories import make_lead, make_member, make_offer, make_school


def only_offer(db):
    return db.session.scalars(select(Offer)).one()


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_member_saves_an_offer_as_a_draft_with_everything_typed(db, login_as, offer_form):
    member = make_member()
    client = login_as(member)

    response = client.post("/offers/new", data=offer_form())

    offer = only_offer(db)
    assert response.status_code == 302
    assert response.location == f"/offers/{offer.id}"
    assert offer.status == "draft"
    assert offer.school_id == member.school_id
    assert offer.updated_by_id == member.id
    assert offer.price_pence == 35000
    assert offer.unit == "day"
    assert offer.capacity == 12
    assert offer.phases == ["Early years", "KS1"]
    assert offer.districts == ["Epping Forest", "Harlow"]
    assert not offer.serves_all_districts
    assert offer.dbs_confirmed and offer.dbs_confirmed_on == date(2025, 9, 14)
    assert [tag.name for tag in offer.specialisms] == ["Early Reading", "Phonics"]
    assert offer.published_at is None
    assert [event.actor_id for event in events(db, "offer.created")] == [member.id]
    page = client.get(response.location).get_data(as_text=True)
    assert "Your offer has been saved as a draft" in page
    assert "Seeking schools cannot see this offer until it is published" in page


def test_the_preview_shows_the_offer_as_a_seeking_school_will_see_it(db, login_as, offer_form):
    client = login_as(make_lead())
    client.post("/offers/new", data=offer_form())
    offer = only_offer(db)

    page = client.get(f"/offers/{offer.id}/preview").get_data(as_text=True)

    assert "This is a preview of how seeking schools will see your offer" in page
    assert "Phonics leadership support for KS1" in page
    assert "£350 per day" in page
    assert "12 days" in page
    assert "Confirmed by the school on 14 September 2025" in page
    assert "Early years, KS1" in page
    assert "Epping Forest, Harlow" in page
    assert "<strong>learning walk</strong>" in page
    assert "Publish offer" in page
    assert "Your school’s offer" not in page


def test_publishing_a_draft_makes_it_visible_to_other_schools(db, login_as, client, offer_form):
    lead = make_lead()
    login_as(lead)
    client.post("/offers/new", data=offer_form())
    offer = only_offer(db)

    response = client.post(f"/offers/{offer.id}/publish", follow_redirects=True)

    assert "Your offer has been published" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.status == "published" and offer.published_at is not None
    [event] = events(db, "offer.published")
    assert (event.actor_id, event.details["old_status"]) == (lead.id, "draft")
    login_as(make_member())
    assert client.get(f"/offers/{offer.id}").status_code == 200


def test_editing_a_published_offer_keeps_it_published_and_records_what_changed(
    db, login_as, offer_form
):
    lead = make_lead()
    offer = make_offer(lead.school, "Maths mastery coaching", price_pence=30000)
    client = login_as(lead)
    form = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="Maths mastery coaching"' in form
    assert 'value="300"' in form

    response = client.post(
        f"/offers/{offer.id}/edit",
        data=offer_form(title="Maths mastery coaching", price="325.50", capacity=""),
        follow_redirects=True,
    )

    assert "Your changes have been saved" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.status == "published"
    assert offer.price_pence == 32550
    assert offer.capacity is None
    [event] = events(db, "offer.edited")
    assert event.actor_id == lead.id
    assert {"price_pence", "capacity", "summary", "specialisms"} <= set(event.details["changed"])
    assert "title" not in event.details["changed"]


def test_saving_an_unchanged_offer_records_nothing(db, login_as, offer_form):
    lead = make_lead()
    client = login_as(lead)
    client.post("/offers/new", data=offer_form())
    offer = only_offer(db)

    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(), follow_redirects=True)

    assert "You did not change anything" in response.get_data(as_text=True)
    assert events(db, "offer.edited") == []


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [("published", "pause", "paused"), ("paused", "resume", "published"),
     ("published", "archive", "archived"), ("draft", "archive", "archived")],
)  # fmt: skip
def test_the_school_pauses_resumes_and_archives_its_offer(db, login_as, start, action, end):
    member = make_member()
    offer = make_offer(member.school, status=start)
    client = login_as(member)

    response = client.post(f"/offers/{offer.id}/{action}", follow_redirects=True)

    assert response.status_code == 200
    db.session.refresh(offer)
    assert offer.status == end
    assert offer.updated_by_id == member.id
    assert len(events(db, f"offer.{action}d" if action != "resume" else "offer.resumed")) == 1


def test_buttons_on_the_offer_page_follow_the_offers_status(db, login_as):
    lead = make_lead()
    client = login_as(lead)
    buttons = {}
    for status in ("draft", "published", "paused", "archived"):
        offer = make_offer(lead.school, status=status)
        page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
        buttons[status] = [
            label
            for label in (
                "Edit offer",
                "Publish offer",
                "Pause offer",
                "Resume offer",
                "Archive offer",
            )
            if label in page
        ]
    assert buttons == {
        "draft": ["Edit offer", "Publish offer", "Archive offer"],
        "published": ["Edit offer", "Pause offer", "Archive offer"],
        "paused": ["Edit offer", "Resume offer", "Archive offer"],
        "archived": [],
    }


def test_a_refused_transition_is_a_clear_409_and_changes_nothing(db, login_as):
    lead = make_lead()
    offer = make_offer(lead.school, status="archived")
    client = login_as(lead)

    response = client.post(f"/offers/{offer.id}/publish")

    assert response.status_code == 409
    assert "An archived offer cannot be published." in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.status == "archived"


def test_an_archived_offer_cannot_be_edited(db, login_as, offer_form):
    lead = make_lead()
    offer = make_offer(lead.school, "Old offer", status="archived")
    client = login_as(lead)

    assert client.get(f"/offers/{offer.id}/edit").status_code == 409
    response = client.post(f"/offers/{offer.id}/edit", data=offer_form())

    assert response.status_code == 409
    db.session.refresh(offer)
    assert offer.title == "Old offer"


def test_price_on_request_and_all_of_essex(db, login_as, offer_form):
    client = login_as(make_member())

    client.post(
        "/offers/new",
        data=offer_form(price="", price_on_request="y", districts=["all", "Harlow"], capacity=""),
    )

    offer = only_offer(db)
    assert offer.price_pence is None
    assert offer.serves_all_districts and offer.districts == []
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "Price on request" in page
    assert "All of Essex" in page
    assert "Not limited" in page


def test_no_dbs_check_means_no_date_is_kept(db, login_as, offer_form):
    client = login_as(make_member())

    client.post("/offers/new", data=offer_form(dbs_confirmed="no", dbs_confirmed_on=["", "", ""]))

    offer = only_offer(db)
    assert not offer.dbs_confirmed and offer.dbs_confirmed_on is None
    assert "Not confirmed" in client.get(f"/offers/{offer.id}").get_data(as_text=True)


# --- Bad input: a clear message, what was typed kept, nothing saved ------------------------

# What a draft may leave out (it needs only a title) but an offer schools can see may not.
MISSING = [
    ({"summary": ""}, "Enter a one-line summary"),
    ({"description": ""}, "Enter a description"),
    ({"expert_name": ""}, "Enter the expert’s name"),
    ({"category": ""}, "Choose a category"),
    ({"category": "²"}, "Choose a category"),
    ({"category": "9" * 30}, "Choose a category"),
    ({"phases": []}, "Choose at least one phase"),
    ({"districts": []}, "Choose the districts the offer serves, or All of Essex"),
    ({"dbs_confirmed": ""}, "Choose yes if your school has confirmed the DBS check"),
    ({"price": ""}, "Enter the price per unit, or choose price on request"),
    ({"delivery_mode": ""}, "Choose how the support is delivered"),
    ({"unit": ""}, "Choose the unit the price is for"),
]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "   "}, "Enter a title"),
        ({"title": "x" * 121}, "Title must be 120 characters or fewer"),
        ({"summary": "y" * 201}, "One-line summary must be 200 characters or fewer"),
        ({"description": "z" * 10_001}, "Description must be 10000 characters or fewer"),
        ({"category": "99999"}, "Choose a category from the list"),
        ({"phases": ["KS1", "KS5"]}, "There is no phase called ‘KS5’"),
        (
            {"districts": ["Harlow", "Southend-on-Sea"]},
            "There is no Essex district called ‘Southend-on-Sea’",
        ),
        ({"delivery_mode": "by_carrier_pigeon"}, "Choose how the support is delivered"),
        ({"designation": "Guru"}, "Choose the expert’s designation from the list, or None"),
        ({"dbs_confirmed_on": ["", "", ""]}, "Enter the date your school confirmed the DBS check"),
        ({"dbs_confirmed_on": ["31", "2", "2025"]}, "must be a real date"),
        ({"dbs_confirmed_on": ["1", "1", "2999"]}, "must be today or in the past"),
        ({"dbs_confirmed_on": ["1", "1", "9" * 30]}, "must be a real date"),
        ({"unit": "fortnight"}, "Choose the unit the price is for"),
        ({"price": "three hundred"}, "Enter the price in pounds, like 350 or 350.00"),
        ({"price": "350.001"}, "Enter the price in pounds, like 350 or 350.00"),
        ({"price": "-350"}, "The price must be more than £0"),
        ({"price": "0"}, "The price must be more than £0"),
        ({"price": "10000.01"}, "The price must be £10,000 a unit or less"),
        ({"price": "£1,000,000"}, "The price must be £10,000 a unit or less"),
        (
            {"price": "350", "price_on_request": "y"},
            "Enter a price or choose price on request, not both",
        ),
        ({"capacity": "ten"}, "Enter the capacity as a whole number of units, like 10"),
        ({"capacity": "2.5"}, "Enter the capacity as a whole number of units, like 10"),
        ({"capacity": "²"}, "Enter the capacity as a whole number of units, like 10"),
        ({"capacity": "0"}, "Capacity must be a whole number from 1 to 1,000"),
        ({"capacity": "-4"}, "Capacity must be a whole number from 1 to 1,000"),
        ({"specialisms": "a" * 61}, "Each specialism must be 60 characters or fewer"),
        ({"specialisms": ",".join(f"tag {n}" for n in range(13))}, "Enter 12 specialisms or fewer"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(
    db, login_as, offer_form, overrides, message
):
    client = login_as(make_member())

    response = client.post("/offers/new", data=offer_form(**overrides))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: " in page
    assert db.session.scalars(select(Offer)).all() == []
    assert db.session.scalars(select(Specialism)).all() == []


@pytest.mark.parametrize(("overrides", "message"), MISSING)
def test_a_published_offer_cannot_lose_what_schools_need(
    db, login_as, offer_form, overrides, message
):
    member = make_member()
    offer = make_offer(member.school, "Phonics leadership support for KS1")
    client = login_as(member)

    response = client.post(f"/offers/{offer.id}/edit", data=offer_form(**overrides))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    db.session.refresh(offer)
    assert offer.summary == "Support from an experienced specialist leader of education."


@pytest.mark.parametrize(("overrides", "message"), MISSING)
def test_a_new_draft_may_leave_it_out(db, login_as, offer_form, overrides, message):
    client = login_as(make_member())

    response = client.post("/offers/new", data=offer_form(**overrides))

    assert response.status_code == 302
    assert db.session.scalars(select(Offer)).one().status == "draft"


def test_what_was_typed_is_kept_when_something_is_wrong(db, login_as, offer_form):
    client = login_as(make_member())

    page = client.post(
        "/offers/new", data=offer_form(price="lots", capacity="7", expert_role="Head of maths")
    ).get_data(as_text=True)

    assert 'value="lots"' in page
    assert 'value="7"' in page
    assert 'value="Head of maths"' in page
    assert 'value="Phonics leadership support for KS1"' in page
    assert 'value="KS1" checked' in page
    assert 'value="14"' in page


@pytest.mark.parametrize(
    "existing", ["Phonics leadership support for KS1", "PHONICS leadership support for ks1"]
)
def test_a_school_cannot_use_the_same_title_twice(db, login_as, offer_form, existing):
    member = make_member()
    make_offer(member.school, existing)
    client = login_as(member)

    page = client.post("/offers/new", data=offer_form()).get_data(as_text=True)

    assert "Your school already has an offer with this title" in page
    assert len(db.session.scalars(select(Offer)).all()) == 1


def test_html_and_script_are_kept_as_text_and_escaped_on_every_page(db, login_as, offer_form):
    lead = make_lead()
    client = login_as(lead)
    script = "<script>alert('x')</script>"
    client.post(
        "/offers/new",
        data=offer_form(title=f"Phonics {script}", summary=f"<b>Bold</b> {script}",
                        expert_name="<img src=x onerror=alert(1)>", specialisms=script),
    )  # fmt: skip
    offer = only_offer(db)
    assert offer.title == f"Phonics {script}"

    for url in (f"/offers/{offer.id}", f"/offers/{offer.id}/preview", "/offers/mine"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;alert(" in page, url


def test_another_schools_offer_cannot_be_changed_by_changing_the_id(db, login_as, offer_form):
    offer = make_offer(make_school(), "Theirs", status="draft")
    client = login_as(make_lead())

    assert client.get(f"/offers/{offer.id}/edit").status_code == 404
    assert client.post(f"/offers/{offer.id}/edit", data=offer_form()).status_code == 404
    assert client.get(f"/offers/{offer.id}/preview").status_code == 404
    for action in ("publish", "pause", "resume", "archive"):
        assert client.post(f"/offers/{offer.id}/{action}").status_code == 404
    db.session.refresh(offer)
    assert (offer.title, offer.status) == ("Theirs", "draft")
