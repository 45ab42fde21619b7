"""Paths, not dead ends, and forms that say what they ask: the links between a request, its
booking and its offer; the offer page of a school that already asked; refusal pages that
link to what they are about; back links; questions on every group of radios and dates; the
counter-proposal's note; whose turn it is."""

import re

import pytest

from elp.extensions import db as _db
from elp.negotiation import services as negotiation
from elp.negotiation.models import Message, SupportRequest
from tests.factories import committed, make_admin, make_booking, make_member, make_request
from tests.negotiation.helpers import good_terms


def _back_link(page):
    found = re.search(r'<a href="([^"]*)" class="govuk-back-link">([^<]*)</a>', page)
    return found and (found.group(1), found.group(2))


# --- A request, its booking and its offer link to each other ------------------------------


def test_the_booking_page_links_the_conversation_and_the_offer(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    booking = make_booking(support_request)
    for user in (schools.seeking_member, schools.offering_member):
        page = login_as(user).get(f"/bookings/{booking.id}").text
        assert f'href="/requests/{support_request.id}">See the conversation</a>' in page
        assert f'href="/offers/{schools.offer.id}">See the offer</a>' in page
        assert _back_link(page) == ("/bookings", "Back to bookings")


def test_the_agreed_request_links_its_booking_and_messages_go_on(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    booking = make_booking(support_request)
    login_as(schools.seeking_member)
    page = client.get(f"/requests/{support_request.id}").text
    assert f'href="/bookings/{booking.id}">See the booking</a>' in page
    assert "Send message" in page
    sent = client.post(
        f"/requests/{support_request.id}/messages",
        data={"body": "Which door should our teacher use?"},
        follow_redirects=True,
    )
    assert "Your message has been sent" in sent.text
    assert "Which door should our teacher use?" in sent.text
    assert _db.session.query(Message).count() == 1


def test_the_offer_page_sends_a_school_that_already_asked_to_its_request(client, login_as, schools):
    url = f"/offers/{schools.offer.id}"
    before = login_as(schools.seeking_member).get(url).text
    assert ">Request support</a>" in before and "You already asked" not in before
    support_request = make_request(schools.offer, author=schools.seeking_lead)
    after = client.get(url).text
    assert "You already asked for this support" in after
    assert f'href="/requests/{support_request.id}"' in after
    assert ">Request support</a>" not in after
    # Another school still sees "Request support".
    other = login_as(make_member()).get(url).text
    assert ">Request support</a>" in other and "You already asked" not in other


def test_a_closed_request_lets_the_school_ask_again(client, login_as, schools, service_context):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    committed(negotiation.withdraw, support_request, schools.seeking_member)
    page = login_as(schools.seeking_member).get(f"/offers/{schools.offer.id}").text
    assert ">Request support</a>" in page and "You already asked" not in page


def test_the_request_form_is_refused_before_it_is_filled_in_with_a_link(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    response = login_as(schools.seeking_lead).get(f"/offers/{schools.offer.id}/request")
    assert response.status_code == 409
    assert "already has an open request for this offer" in response.text
    assert f'href="/requests/{support_request.id}">Go to your request</a>' in response.text
    assert _db.session.query(SupportRequest).count() == 1


# --- Refusal pages link to what they are about --------------------------------------------


def test_a_refused_booking_action_links_to_the_booking(client, login_as, schools):
    booking = make_booking(make_request(schools.offer, author=schools.seeking_member))
    # A confirmed booking cannot be confirmed completed: it has not been delivered.
    refused = login_as(schools.seeking_member).post(f"/bookings/{booking.id}/complete")
    assert refused.status_code == 409
    assert f'href="/bookings/{booking.id}">Go to the booking</a>' in refused.text


def test_a_refused_request_action_links_to_the_request(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    refused = login_as(schools.seeking_member).get(f"/requests/{support_request.id}/decline")
    assert refused.status_code == 409
    assert f'href="/requests/{support_request.id}">Go to the request</a>' in refused.text


def test_a_refused_offer_action_links_to_the_offer(client, login_as, schools):
    # A published offer cannot be resumed: it is not paused.
    refused = login_as(schools.offering_member).post(f"/offers/{schools.offer.id}/resume")
    assert refused.status_code == 409
    assert f'href="/offers/{schools.offer.id}">Go to the offer</a>' in refused.text


def test_a_refused_admin_action_links_to_its_subject(client, login_as, schools):
    refused = login_as(make_admin()).post(f"/admin/offers/{schools.offer.id}/unhide")
    assert refused.status_code == 409
    assert f'href="/offers/{schools.offer.id}">Go to the offer</a>' in refused.text


def test_a_refusal_with_nothing_to_link_to_still_offers_the_home_page(client, login_as, schools):
    refused = login_as(schools.offering_member).get(f"/offers/{schools.offer.id}/request")
    assert refused.status_code == 409
    assert "Go to the home page" in refused.text


# --- Back links ---------------------------------------------------------------------------


def test_each_page_of_a_negotiation_has_a_back_link(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    expected = {
        f"/requests/{support_request.id}": ("/requests?box=received", "Back to requests"),
        f"/requests/{support_request.id}/counter": (
            f"/requests/{support_request.id}",
            "Back to the request",
        ),
        f"/requests/{support_request.id}/accept?proposal={support_request.latest_proposal.id}": (
            f"/requests/{support_request.id}",
            "Back to the request",
        ),
    }
    for url, link in expected.items():
        assert _back_link(client.get(url).text) == link, url
    login_as(make_member())
    form = client.get(f"/offers/{schools.offer.id}/request").text
    assert _back_link(form) == (f"/offers/{schools.offer.id}", "Back to the offer")
    sent = login_as(schools.seeking_member).get(f"/requests/{support_request.id}").text
    assert _back_link(sent) == ("/requests?box=sent", "Back to requests")


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("/search/saved", ("/search", "Back to find support")),
        ("/notifications", ("/", "Back to the home page")),
        ("/account/sessions", ("/", "Back to the home page")),
    ],
)
def test_account_pages_have_a_back_link(client, login_as, schools, url, link):
    assert _back_link(login_as(schools.seeking_member).get(url).text) == link


# --- Forms that say what they ask ---------------------------------------------------------


def _legends(page):
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
        for text in re.findall(r"<legend[^>]*>(.*?)</legend>", page, re.DOTALL)
    ]


def test_every_group_on_the_proposal_forms_has_its_question(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    for url in (f"/requests/{support_request.id}/counter",):
        legends = _legends(client.get(url).text)
        assert legends == ["Earliest start date", "Latest end date", "Where is the support given?"]
    legends = _legends(login_as(make_member()).get(f"/offers/{schools.offer.id}/request").text)
    assert "Where is the support given?" in legends and "" not in legends


def test_the_fee_policy_form_asks_each_question(client, login_as, db):
    page = login_as(make_admin()).get("/admin/fee-policy").text
    legends = _legends(page)
    assert "Who pays the service charge?" in legends
    assert "If a booking is cancelled before delivery, what happens to its charge?" in legends
    assert "When is this version in force from?" in legends
    assert "" not in legends


def test_the_counter_proposal_starts_with_an_empty_note_and_shows_the_other(
    client, login_as, schools
):
    support_request = make_request(
        schools.offer, author=schools.seeking_member, note="Mornings suit us best."
    )
    page = login_as(schools.offering_member).get(f"/requests/{support_request.id}/counter").text
    note_box = re.search(r'<textarea[^>]*name="note"[^>]*>([^<]*)</textarea>', page)
    assert note_box and note_box.group(1).strip() == ""
    above = page.split('id="latest-note"')[1].split("</div>")[0]
    assert "The note from Tendring Infants on the latest proposal" in above
    assert "Mornings suit us best." in above
    assert page.index('id="latest-note"') < page.index('name="note"')


def test_the_school_that_wrote_the_latest_proposal_can_change_it(
    client, login_as, schools, service_context
):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    own = login_as(schools.seeking_member).get(f"/requests/{support_request.id}").text
    assert ">Change your proposal</a>" in own and "Make a counter-proposal" not in own
    form = client.get(f"/requests/{support_request.id}/counter").text
    assert '<h1 class="govuk-heading-l">Change your proposal</h1>' in form
    other = login_as(schools.offering_member).get(f"/requests/{support_request.id}").text
    assert ">Make a counter-proposal</a>" in other and "Change your proposal" not in other
    # Once the offering school counters, the turns swap.
    committed(
        negotiation.counter, support_request, schools.offering_member, good_terms(quantity=2),
        support_request.latest_proposal.id,
    )  # fmt: skip
    assert ">Change your proposal</a>" in client.get(f"/requests/{support_request.id}").text


def _whose_turn(page):
    return re.findall(r'class="govuk-body-s elp-whose-turn[^"]*">([^<]*)<', page)


def test_the_inbox_says_whose_turn_it_is(client, login_as, schools, service_context):
    waiting_on_offering = make_request(schools.offer, author=schools.seeking_member)
    closed = make_request(schools.offer, author=make_member(), status="withdrawn")
    assert closed.id
    received = login_as(schools.offering_member).get("/requests?box=received").text
    assert _whose_turn(received) == ["Waiting for you"]
    sent = login_as(schools.seeking_member).get("/requests?box=sent").text
    assert _whose_turn(sent) == ["Waiting for Harlow Outreach Primary"]
    committed(
        negotiation.counter, waiting_on_offering, schools.offering_member,
        good_terms(quantity=2), waiting_on_offering.latest_proposal.id,
    )  # fmt: skip
    assert _whose_turn(client.get("/requests?box=sent").text) == ["Waiting for you"]
    received = login_as(schools.offering_member).get("/requests?box=received").text
    assert _whose_turn(received) == ["Waiting for Tendring Infants"]


def test_a_refusal_about_a_colleague_links_to_the_colleagues_page(client, login_as, schools):
    lead = schools.seeking_lead
    refused = login_as(lead).post(f"/school/colleagues/{lead.id}/remove")
    assert refused.status_code == 409 and "You cannot remove yourself" in refused.text
    assert 'href="/school/colleagues">Go to your colleagues</a>' in refused.text


def test_a_refused_admin_action_on_a_user_links_to_the_user(client, login_as, schools):
    member = schools.seeking_member
    refused = login_as(make_admin()).post(f"/admin/users/{member.id}/reactivate")
    assert refused.status_code == 409 and "already active" in refused.text
    assert f'href="/admin/users/{member.id}">Go to the user</a>' in refused.text
