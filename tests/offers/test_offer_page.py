"""The offer page: everything a seeking school needs, and only offers it may see."""

from datetime import date

import pytest

from elp.offers.models import Specialism
from elp.timeutil import utcnow
from tests.factories import make_admin, make_lead, make_member, make_offer, make_school


def test_a_seeking_school_sees_everything_it_needs_to_decide(db, login_as):
    school = make_school(
        name="Katherines Brook School", district="Harlow", phase="Not applicable",
        establishment_type="Academy special converter",
    )  # fmt: skip
    offer = make_offer(
        school, "Autism outreach for mainstream classrooms",
        category="Special school outreach", phases=("KS1", "KS2"),
        districts=("Harlow", "Epping Forest"),
        summary="Our outreach team helps staff adapt classrooms for autistic pupils.",
        description="## How it works\n\nA visit, an observation and a plan.",
        delivery_mode="mixed", expert_name="Joanne Price", expert_role="Outreach lead",
        designation="Outreach teacher", dbs_confirmed=True, dbs_confirmed_on=date(2025, 3, 5),
        unit="half_day", price_pence=17550, capacity=8,
        specialisms=[Specialism(name="autism"), Specialism(name="sensory regulation")],
    )  # fmt: skip
    client = login_as(make_member())

    response = client.get(f"/offers/{offer.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Autism outreach for mainstream classrooms",
        "Our outreach team helps staff adapt classrooms for autistic pupils.",
        '<h3 class="govuk-heading-s">How it works</h3>',
        "Joanne Price", "Outreach lead", "Outreach teacher",
        "Confirmed by the school on 5 March 2025",
        "£175.50 per half day", "8 half days", "Mixed",
        "KS1, KS2", "Epping Forest, Harlow", "Special school outreach",
        "autism, sensory regulation",
        "Katherines Brook School", "District: Harlow", "Phase: Academy special converter",
    ):  # fmt: skip
        assert text in page, text
    # GIAS's phase for a special school says nothing to a seeking school; its type does.
    assert "Not applicable" not in page
    assert "Type: Academy special converter" not in page  # said once, as its phase
    assert "Your school’s offer" not in page
    assert f'href="/offers/{offer.id}/request">Request support</a>' in page


@pytest.mark.parametrize(
    ("status", "hidden", "other_school_sees_it"),
    [("published", False, True), ("published", True, False), ("draft", False, False),
     ("paused", False, False), ("archived", False, False)],
)  # fmt: skip
def test_only_visible_offers_are_shown_to_other_schools(db, login_as, client, status, hidden,
                                                        other_school_sees_it):  # fmt: skip
    owner = make_member()
    offer = make_offer(
        owner.school, status=status, hidden_at=utcnow() if hidden else None,
        hidden_reason="Out of date" if hidden else None,
    )  # fmt: skip

    login_as(make_lead())
    assert client.get(f"/offers/{offer.id}").status_code == (200 if other_school_sees_it else 404)
    login_as(owner)
    assert client.get(f"/offers/{offer.id}").status_code == 200
    login_as(make_admin())
    assert client.get(f"/offers/{offer.id}").status_code == 200


def test_the_offer_page_needs_a_signed_in_user(db, client):
    offer = make_offer()

    response = client.get(f"/offers/{offer.id}")

    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_an_offer_that_does_not_exist_is_a_404(db, login_as):
    assert login_as(make_member()).get("/offers/987654").status_code == 404


def test_its_own_school_sees_the_status_and_what_it_can_do(db, login_as):
    member = make_member()
    offer = make_offer(member.school, status="paused")

    page = login_as(member).get(f"/offers/{offer.id}").get_data(as_text=True)

    assert "Your school’s offer" in page
    assert "Paused" in page
    assert "Seeking schools cannot see this offer while it is paused" in page
    assert "Resume the offer to show it in search again." in page
    assert "Resume offer" in page
