"""Specialisms keep the capitals they were typed with (ASD, EHCP), while matching them, in a
repeat or in a search, stays blind to case."""

from sqlalchemy import select

from elp.offers.models import Offer, Specialism
from elp.search.services import SearchRequest, search_offers
from tests.factories import make_member, make_offer


def test_specialisms_are_kept_and_shown_as_typed(db, login_as, offer_form):
    client = login_as(make_member())

    client.post(
        "/offers/new", data=offer_form(specialisms="ASD, EHCP reviews, asd, speech and language")
    )

    offer = db.session.scalars(select(Offer)).one()
    assert [tag.name for tag in offer.specialisms] == ["ASD", "EHCP reviews", "speech and language"]
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "ASD, EHCP reviews, speech and language" in page
    form = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="ASD, EHCP reviews, speech and language"' in form


def test_saving_the_same_specialisms_again_changes_nothing(db, login_as, offer_form):
    client = login_as(make_member())
    client.post("/offers/new", data=offer_form(specialisms="EHCP, Autism"))
    offer = db.session.scalars(select(Offer)).one()

    response = client.post(
        f"/offers/{offer.id}/edit",
        data=offer_form(specialisms="EHCP, Autism"),
        follow_redirects=True,
    )

    assert "You did not change anything" in response.get_data(as_text=True)


def test_a_search_finds_a_specialism_whatever_its_case(db):
    make_offer(
        title="Annual review support",
        summary="Support for your school.",
        description="We help you prepare.",
        designation=None,
        specialisms=[Specialism(name="EHCP")],
    )

    for q in ("EHCP", "ehcp", "Ehcp"):
        results = search_offers(SearchRequest.from_args({"q": q}))
        assert [hit.title for hit in results.hits] == ["Annual review support"], q
