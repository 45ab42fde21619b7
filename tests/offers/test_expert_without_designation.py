"""Many experts (designated safeguarding leads, behaviour leads, inclusion managers) have no
formal designation: a blank one means none, shown as nothing, in the form and the CSV."""

from sqlalchemy import select

from elp.offers import offer_import
from elp.offers.models import Offer
from tests.factories import make_member, make_offer, make_school
from tests.offers.test_offer_import import csv_bytes, row


def only_offer(db):
    return db.session.scalars(select(Offer)).one()


def test_an_offer_saved_with_designation_none_has_none_and_shows_no_designation(
    db, login_as, offer_form
):
    client = login_as(make_member())

    response = client.post("/offers/new", data=offer_form(designation="none"))

    assert response.status_code == 302
    offer = only_offer(db)
    assert offer.designation is None
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "Designation" not in page
    assert "Not given" not in page.split("The expert")[1].split("Enhanced DBS")[0]


def test_an_offer_saved_without_choosing_a_designation_is_not_refused(db, login_as, offer_form):
    client = login_as(make_member())

    response = client.post("/offers/new", data=offer_form(designation=None))

    assert response.status_code == 302
    assert only_offer(db).designation is None


def test_a_designation_can_be_taken_away_and_the_form_shows_none_chosen(db, login_as, offer_form):
    member = make_member()
    offer = make_offer(member.school, "Safeguarding supervision", designation="SLE")
    client = login_as(member)

    client.post(
        f"/offers/{offer.id}/edit",
        data=offer_form(title="Safeguarding supervision", designation="none"),
    )

    db.session.refresh(offer)
    assert offer.designation is None
    form = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="none" checked' in form


def test_a_blank_designation_in_the_offers_csv_loads_as_none(db):
    make_school(urn="999101")
    rows = offer_import.read_offer_rows(csv_bytes(row(designation="")))

    report = offer_import.import_offers(rows)

    assert report.problems == [] and report.created == 1
    assert only_offer(db).designation is None
    again = offer_import.import_offers(offer_import.read_offer_rows(csv_bytes(row(designation=""))))
    assert again.unchanged == 1
