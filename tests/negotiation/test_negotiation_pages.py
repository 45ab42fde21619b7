"""The request pages as schools use them: asking for support, the timeline, and each action,
with the words PRODUCT.md fixes and the GOV.UK error pattern for bad input."""

import re

import pytest

from elp.bookings.models import Booking
from elp.extensions import db as _db
from elp.negotiation.models import Message, Proposal, SupportRequest
from elp.timeutil import utcnow
from tests.factories import make_admin, make_member, make_offer, make_request, make_school
from tests.negotiation.helpers import date_parts, terms_form
from tests.queries import statements_run


def _new_request_form(**changes):
    return {"need": "Our new phonics lead needs coaching.", **terms_form(**changes)}


def _counts():
    return tuple(_db.session.query(model).count() for model in (SupportRequest, Proposal, Message))


def test_the_offer_page_offers_request_support_to_other_schools_only(client, login_as, schools):
    url = f"/offers/{schools.offer.id}"
    assert "Request support" in login_as(schools.seeking_member).get(url).text
    assert "Request support" not in login_as(schools.offering_member).get(url).text
    assert "Request support" not in login_as(make_admin()).get(url).text


def test_request_support_asks_what_is_needed_and_for_a_first_proposal(client, login_as, schools):
    page = login_as(schools.seeking_member).get(f"/offers/{schools.offer.id}/request").text
    for words in ("What support do you need?", "How many days", "Send request", "Price per day"):
        assert words in page
    assert 'value="350"' in page  # the price per unit comes from the offer


@pytest.mark.parametrize(
    ("unit", "label"),
    [("day", "How many days"), ("half_day", "How many half days"), ("hour", "How many hours"),
     ("session", "How many sessions")],
)  # fmt: skip
def test_the_quantity_is_asked_in_the_offers_unit(client, login_as, schools, unit, label):
    offer = make_offer(schools.offering, unit=unit)
    page = login_as(schools.seeking_member).get(f"/offers/{offer.id}/request").text
    assert label in page


def test_sending_a_request_opens_its_page_with_the_first_proposal(client, login_as, schools):
    response = login_as(schools.seeking_member).post(
        f"/offers/{schools.offer.id}/request", data=_new_request_form(), follow_redirects=True
    )
    assert response.status_code == 200
    assert "Your request has been sent to Harlow Outreach Primary" in response.text
    assert "Our new phonics lead needs coaching." in response.text
    assert "3 days" in response.text and "£1,050" in response.text
    # The seeking school wrote the proposal: it can withdraw or counter, not accept it.
    assert "Withdraw request" in response.text and ">Accept<" not in response.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": "0"}, "quantity", "The number of days must be 1 or more"),
        ({"quantity": "-2"}, "quantity", "The number of days must be 1 or more"),
        ({"quantity": "2.5"}, "quantity", "Enter the number of days as a whole number"),
        ({"quantity": "11"}, "quantity", "The offer has 10 days left this year"),
        ({"price": "three hundred"}, "price", "Enter an amount in pounds"),
        ({"total": "999"}, "total", "The total must be the number of units times the price"),
        ({"earliest_start": date_parts(-1)}, "earliest_start", "must be today or in the future"),
        ({"latest_end": date_parts(10)}, "latest_end", "the same as or after the start date"),
        ({"latest_end": date_parts(-1)}, "latest_end", "The latest end date must be today or in"),
        ({"latest_end": ["31", "2", "2027"]}, "latest_end", "must be a real date"),
        ({"session_dates": "1/1/1999"}, "session_dates", "between the start and end dates"),
        ({"session_dates": "next week"}, "session_dates", "Enter each session date as day/month"),
        ({"delivery_mode": "by carrier pigeon"}, "delivery_mode", "Choose where the support"),
        ({"note": "x" * 2001}, "note", "The note must be 2,000 characters or fewer"),
        ({"need": ""}, "need", "Enter what support you need"),
        ({"need": "x" * 5001}, "need", "What you need must be 5,000 characters or fewer"),
    ],
)
def test_bad_input_on_a_new_request_is_shown_and_kept(
    client, login_as, schools, changes, field, message
):
    before = _counts()
    response = login_as(schools.seeking_member).post(
        f"/offers/{schools.offer.id}/request", data=_new_request_form(**changes)
    )
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert "govuk-error-summary" in response.text and message in response.text
    assert f'href="#{field}' in response.text
    assert "Our new phonics lead needs coaching." in response.text or field == "need"
    assert _counts() == before


def test_a_second_copy_of_the_same_request_is_refused(client, login_as, schools):
    login_as(schools.seeking_member)
    client.post(f"/offers/{schools.offer.id}/request", data=_new_request_form())
    again = client.post(f"/offers/{schools.offer.id}/request", data=_new_request_form())
    assert again.status_code == 409
    assert "already has an open request for this offer" in again.text
    assert _counts() == (1, 1, 0)


def test_a_school_cannot_request_support_on_its_own_offer(client, login_as, schools):
    response = login_as(schools.offering_member).post(
        f"/offers/{schools.offer.id}/request", data=_new_request_form()
    )
    assert response.status_code == 409 and "your own school’s offer" in response.text
    assert _counts() == (0, 0, 0)


def test_the_offering_school_sees_accept_decline_and_counter(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    page = login_as(schools.offering_member).get(f"/requests/{support_request.id}").text
    for words in (">Accept<", ">Decline<", "Make a counter-proposal", "Send message"):
        assert words in page
    assert "Withdraw request" not in page


def test_accepting_books_the_proposal_and_says_so(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=4)
    proposal_id = support_request.latest_proposal.id
    login_as(schools.offering_member)
    check = client.get(f"/requests/{support_request.id}/accept?proposal={proposal_id}").text
    assert "Check the booking before you accept" in check and "Accept and book" in check
    assert _db.session.query(Booking).count() == 0
    response = client.post(
        f"/requests/{support_request.id}/accept",
        data={"proposal_id": proposal_id},
        follow_redirects=True,
    )
    booking = _db.session.scalars(_db.select(Booking)).one()
    assert response.request.path == f"/bookings/{booking.id}"
    assert "the booking is confirmed" in response.text
    request_page = client.get(f"/requests/{support_request.id}").text
    assert "Agreed on" in request_page and f'href="/bookings/{booking.id}"' in request_page
    _db.session.expire_all()
    assert schools.offer.capacity_left == 6


def test_a_counter_proposal_shows_what_changed(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=5)
    login_as(schools.offering_member)
    form_page = client.get(f"/requests/{support_request.id}/counter").text
    assert "Send counter-proposal" in form_page and 'value="5"' in form_page
    response = client.post(
        f"/requests/{support_request.id}/counter",
        data=terms_form(quantity="3", answering=str(support_request.latest_proposal.id)),
        follow_redirects=True,
    )
    assert "Your counter-proposal has been sent" in response.text
    timeline = response.text.split("The negotiation")[1]
    counter_part = timeline.split("Counter-proposal from")[1]
    assert re.search(r"Quantity\s*<strong[^>]*>Changed</strong>", counter_part)
    assert not re.search(r"Delivery\s*<strong[^>]*>Changed", counter_part)


def test_a_stale_counter_proposal_is_refused_and_its_input_kept(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=5)
    stale = support_request.latest_proposal.id
    login_as(schools.offering_member)
    form = terms_form(quantity="3", note="Three is what we can give.", answering=str(stale))
    client.post(f"/requests/{support_request.id}/counter", data=form)
    again = client.post(f"/requests/{support_request.id}/counter", data=form)
    assert again.status_code == 200 and "There is a newer proposal" in again.text
    assert "Three is what we can give." in again.text
    assert _db.session.query(Proposal).count() == 2


def test_declining_needs_a_reason(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    empty = client.post(f"/requests/{support_request.id}/decline", data={"reason": " "})
    assert empty.status_code == 200 and "Enter why you are declining" in empty.text
    too_long = client.post(f"/requests/{support_request.id}/decline", data={"reason": "x" * 1001})
    assert "1,000 characters or fewer" in too_long.text
    done = client.post(
        f"/requests/{support_request.id}/decline",
        data={"reason": "Our expert is fully booked."},
        follow_redirects=True,
    )
    assert "You declined the request" in done.text and "Our expert is fully booked." in done.text


def test_withdrawing_asks_first_then_ends_the_request(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.seeking_lead)
    assert "Withdraw request" in client.get(f"/requests/{support_request.id}/withdraw").text
    done = client.post(f"/requests/{support_request.id}/withdraw", follow_redirects=True)
    assert "You withdrew your request" in done.text and "Withdrawn" in done.text
    again = client.post(f"/requests/{support_request.id}/withdraw")
    assert again.status_code == 409


def test_messages_run_alongside_and_bad_ones_are_refused(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    url = f"/requests/{support_request.id}/messages"
    sent = client.post(url, data={"body": "Could you do Tuesdays?"}, follow_redirects=True)
    assert "Your message has been sent" in sent.text and "Could you do Tuesdays?" in sent.text
    twice = client.post(url, data={"body": "Could you do Tuesdays?"})
    assert twice.status_code == 200 and "You have already sent this message" in twice.text
    too_long = client.post(url, data={"body": "x" * 5001})
    assert "<title>Error: " in too_long.text and "5,000 characters or fewer" in too_long.text
    assert f">{'x' * 5001}</textarea>" in too_long.text  # what was typed is kept
    empty = client.post(url, data={"body": ""})
    assert "Enter your message" in empty.text
    assert _db.session.query(Message).count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ""), ("GET", "/accept"), ("POST", "/accept"), ("GET", "/counter"), ("POST", "/counter"),
     ("GET", "/decline"), ("POST", "/decline"), ("GET", "/withdraw"), ("POST", "/withdraw"),
     ("POST", "/messages")],
)  # fmt: skip
def test_another_school_gets_404_on_every_request_route(client, login_as, schools, method, path):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(make_member(make_school()))
    response = client.open(f"/requests/{support_request.id}{path}", method=method, data={})
    assert response.status_code == 404


def test_the_error_summary_lists_problems_in_the_order_of_the_page(client, login_as, schools):
    response = login_as(schools.seeking_member).post(
        f"/offers/{schools.offer.id}/request", data=_new_request_form(need="", quantity="0")
    )
    summary = response.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert summary.index("#need") < summary.index("#quantity")


def test_accepting_the_same_proposal_twice_books_once(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    form = {"proposal_id": support_request.latest_proposal.id}
    assert client.post(f"/requests/{support_request.id}/accept", data=form).status_code == 302
    again = client.post(f"/requests/{support_request.id}/accept", data=form)
    assert again.status_code == 409 and "An agreed request cannot be accepted" in again.text
    assert _db.session.query(Booking).count() == 1


def _queries_to_show(client, request_id):
    _db.session.expire_all()
    with statements_run(_db.engine) as statements:
        response = client.get(f"/requests/{request_id}")
    assert response.status_code == 200
    return response.text, statements


def test_the_request_page_costs_the_same_queries_however_long_the_negotiation(
    client, login_as, schools
):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    client.post(f"/requests/{support_request.id}/messages", data={"body": "Tuesdays?"})
    page, short = _queries_to_show(client, support_request.id)
    assert page.count("Counter-proposal from") == 0
    first = support_request.latest_proposal
    # Each from a different person, so loading who wrote what cannot hide a query per row.
    for number in range(6):
        school = schools.offering if number % 2 == 0 else schools.seeking
        author, writer = make_member(school), make_member(school)
        _db.session.add(
            Proposal(request_id=support_request.id, author_school_id=author.school_id,
                     author_id=author.id, quantity=3 + number % 2, unit=first.unit,
                     price_pence=35000, total_pence=(3 + number % 2) * 35000,
                     earliest_start=first.earliest_start, latest_end=first.latest_end,
                     session_dates=[], delivery_mode=first.delivery_mode,
                     expires_at=first.expires_at)
        )  # fmt: skip
        _db.session.add(
            Message(request_id=support_request.id, author_school_id=writer.school_id,
                    author_id=writer.id, body=f"Message {number}")
        )  # fmt: skip
    support_request.last_activity_at = utcnow()  # as sending them does: there is news to read
    _db.session.commit()

    page, long = _queries_to_show(client, support_request.id)

    assert page.count("Counter-proposal from") == 6 and "Message 5" in page
    assert len(long) == len(short), "\n".join(long)
    # The timeline's query gives the request its proposals: the latest needs no query.
    assert sum("FROM proposal" in " ".join(sql.split()) for sql in long) == 1, "\n".join(long)
