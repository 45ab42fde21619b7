"""What the offer pages tell a school: what brings a paused or archived offer back, the way
back to where it came from, and the words seeking schools read."""

import re

import pytest

from elp.offers.models import DELIVERY_MODES
from tests.factories import make_admin, make_member, make_offer, make_school


@pytest.mark.parametrize(
    ("status", "note"),
    [
        ("draft", "Seeking schools cannot see this offer until it is published."),
        ("paused", "Resume the offer to show it in search again."),
        ("archived", "An archived offer cannot come back:"),
    ],
)
@pytest.mark.parametrize("page", ["", "/preview"])
def test_its_own_school_is_told_what_would_show_the_offer_again(db, login_as, status, note, page):
    member = make_member()
    offer = make_offer(member.school, status=status)

    text = login_as(member).get(f"/offers/{offer.id}{page}").get_data(as_text=True)

    assert note in text


def test_an_archived_offer_points_to_writing_a_new_one(db, login_as):
    member = make_member()
    offer = make_offer(member.school, status="archived")

    text = login_as(member).get(f"/offers/{offer.id}").get_data(as_text=True)

    assert '<a class="govuk-link" href="/offers/new">write a new offer</a> instead.' in text


def test_a_published_offer_needs_no_note(db, login_as):
    member = make_member()
    offer = make_offer(member.school, status="published")

    text = login_as(member).get(f"/offers/{offer.id}").get_data(as_text=True)

    assert "Seeking schools cannot see" not in text
    assert "can no longer see" not in text


def back_link(text):
    match = re.search(r'<a href="([^"]*)" class="govuk-back-link">([^<]*)</a>', text)
    return match and (match.group(1).replace("&amp;", "&"), match.group(2))


def test_an_offer_found_by_a_search_links_back_to_those_results(db, login_as):
    make_offer(make_school(), "Phonics training", phases=("KS1",))
    client = login_as(make_member())

    results = client.get("/search?q=phonics&phase=KS1").get_data(as_text=True)
    offer_href = re.search(r'href="(/offers/\d+\?back=[^"]+)"', results).group(1)
    offer_page = client.get(offer_href.replace("&amp;", "&")).get_data(as_text=True)

    assert back_link(offer_page) == ("/search?q=phonics&phase=KS1", "Back to search results")


def test_the_back_link_only_ever_leads_to_the_search_page(db, login_as):
    offer = make_offer(make_school())
    client = login_as(make_member())

    page = client.get(f"/offers/{offer.id}?back=next%3Dhttps://evil.example%26q%3Dreading")

    assert back_link(page.get_data(as_text=True)) == ("/search?q=reading", "Back to search results")


def test_an_offer_opened_directly_links_to_find_support_or_your_offers(db, login_as):
    member = make_member()
    own = make_offer(member.school)
    other = make_offer(make_school())
    client = login_as(member)

    own_page = client.get(f"/offers/{own.id}").get_data(as_text=True)
    other_page = client.get(f"/offers/{other.id}").get_data(as_text=True)
    preview = client.get(f"/offers/{own.id}/preview").get_data(as_text=True)
    new = client.get("/offers/new").get_data(as_text=True)
    edit = client.get(f"/offers/{own.id}/edit").get_data(as_text=True)

    assert back_link(own_page) == ("/offers/mine", "Back to your offers")
    assert back_link(other_page) == ("/search", "Back to find support")
    assert back_link(preview) == (f"/offers/{own.id}", "Back to your offer")
    assert back_link(new) == ("/offers/mine", "Back to your offers")
    assert back_link(edit) == (f"/offers/{own.id}", "Back to your offer")


def test_an_admin_goes_back_to_the_offers_it_moderates(db, login_as):
    offer = make_offer(make_school())

    page = login_as(make_admin()).get(f"/offers/{offer.id}").get_data(as_text=True)

    assert back_link(page) == ("/admin/offers", "Back to offers")


@pytest.mark.parametrize(
    ("mode", "label"),
    [("at_your_school", "At the seeking school"), ("at_our_school", "At the offering school"),
     ("online", "Online"), ("mixed", "Mixed")],
)  # fmt: skip
def test_delivery_is_said_from_the_seeking_schools_side(db, login_as, mode, label):
    offer = make_offer(make_school(), delivery_mode=mode)

    page = login_as(make_member()).get(f"/offers/{offer.id}").get_data(as_text=True)

    delivery = re.search(r"Delivery\s*</dt>\s*<dd[^>]*>\s*([^<]*?)\s*</dd>", page).group(1)
    assert delivery == DELIVERY_MODES[mode] == label


def test_the_offer_form_asks_for_a_price_an_hour_not_a_hour(db, login_as):
    page = login_as(make_member()).get("/offers/new").get_data(as_text=True)

    assert "An hour" in page
    assert "A hour" not in page
    assert "A half day" in page and "A day" in page and "A session" in page


def test_a_mainstream_schools_phase_is_still_shown(db, login_as):
    school = make_school(phase="Primary", establishment_type="Community school")
    offer = make_offer(school)

    page = login_as(make_member()).get(f"/offers/{offer.id}").get_data(as_text=True)

    assert "Phase: Primary" in page
