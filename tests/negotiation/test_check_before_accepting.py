"""Money upfront: the ELP service charge beside every set of terms (the offer, the request
form, each proposal) and "Check the booking before you accept", whose "Accept and book" is
the only thing that books. Stale or foreign check pages book nothing."""

import re

import pytest

from elp.billing import services as billing
from elp.billing.models import Charge, FeeTerms, Payer
from elp.bookings.models import Booking
from elp.extensions import db as _db
from elp.negotiation import services as negotiation
from elp.negotiation.models import SupportRequest
from elp.timeutil import uk_today
from tests.factories import (
    committed,
    make_admin,
    make_member,
    make_offer,
    make_request,
    make_school,
)
from tests.negotiation.helpers import good_terms, terms_form


def _policy(payer=Payer.SEEKING, vat_basis_points=2000, **changes):
    """A fee policy in force from today: 5 %, £10 to £250, VAT at 20 % unless told."""
    terms = FeeTerms(
        **{
            "basis_points": 500,
            "minimum_pence": 1_000,
            "maximum_pence": 25_000,
            "payer": payer,
            "vat_basis_points": vat_basis_points,
            "payment_terms_days": 30,
            "void_on_cancellation": True,
            **changes,
        }
    )
    return committed(billing.create_policy_version, terms, uk_today(), make_admin())


def _bookings():
    return _db.session.query(Booking).count()


def _countered(schools, service_context, quantity=3):
    """A request whose latest proposal is the offering school's: 3 days at £350 (£1,050)."""
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=5)
    committed(
        negotiation.counter,
        support_request,
        schools.offering_member,
        good_terms(quantity=quantity, note="Three days is what we can give."),
        support_request.latest_proposal.id,
    )
    return support_request


def _check_page_url(support_request, proposal=None):
    proposal = proposal or support_request.latest_proposal
    return f"/requests/{support_request.id}/accept?proposal={proposal.id}"


# --- The request page no longer books in one click ----------------------------------------


def test_accept_on_the_request_page_leads_to_the_check_page(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    page = login_as(schools.offering_member).get(f"/requests/{support_request.id}").text
    accept = re.search(r'<a[^>]*href="([^"]*/accept[^"]*)"[^>]*>Accept</a>', page)
    assert accept and accept.group(1) == _check_page_url(support_request)
    assert f'action="/requests/{support_request.id}/accept"' not in page  # no form books
    check = client.get(accept.group(1))
    assert check.status_code == 200
    assert '<h1 class="govuk-heading-l">Check the booking before you accept</h1>' in check.text
    assert ">Accept and book</button>" in check.text
    assert _bookings() == 0  # opening the page books nothing


def test_the_check_page_shows_terms_total_charge_and_who_pays(
    client, login_as, schools, service_context
):
    _policy()
    support_request = _countered(schools, service_context)
    page = login_as(schools.seeking_member).get(_check_page_url(support_request)).text
    assert "3 days" in page and "£350" in page
    assert re.search(r'id="booking-total">3 days at £350.00 each: <strong>£1,050.00</strong>', page)
    assert "ELP service charge: £52.50 + VAT, paid by your school" in page
    assert "+ VAT at 20% (£10.50) = £63.00" in page
    assert "pays within 30 days" in page


def test_the_offering_school_reads_who_pays_by_name(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=3)
    page = login_as(schools.offering_member).get(_check_page_url(support_request)).text
    # The default policy: 5 %, no VAT, the seeking school pays.
    assert "ELP service charge: £52.50, no VAT, paid by Tendring Infants" in page
    assert "Your school pays no service charge on this booking" in page


def test_a_split_charge_names_each_schools_share(client, login_as, schools, service_context):
    _policy(payer=Payer.SPLIT)
    support_request = _countered(schools, service_context)
    page = login_as(schools.seeking_member).get(_check_page_url(support_request)).text
    assert (
        "ELP service charge: £52.50 + VAT, split: £26.25 + VAT paid by your school and "
        "£26.25 + VAT paid by Harlow Outreach Primary"
    ) in page


def test_accept_and_book_books_the_checked_proposal_at_the_charge_shown(
    client, login_as, schools, service_context
):
    _policy()
    support_request = _countered(schools, service_context)
    login_as(schools.seeking_member)
    page = client.get(_check_page_url(support_request)).text
    proposal_id = re.search(r'name="proposal_id" type="hidden" value="(\d+)"', page).group(1)
    done = client.post(
        f"/requests/{support_request.id}/accept",
        data={"proposal_id": proposal_id},
        follow_redirects=True,
    )
    booking = _db.session.scalars(_db.select(Booking)).one()
    assert done.request.path == f"/bookings/{booking.id}"
    assert "the booking is confirmed" in done.text
    charge = _db.session.scalars(_db.select(Charge)).one()
    assert (charge.net_pence, charge.vat_pence, charge.gross_pence) == (5250, 1050, 6300)


# --- Stale or foreign check pages ---------------------------------------------------------


def test_a_proposal_superseded_while_the_page_was_open_is_refused(
    client, login_as, schools, service_context
):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    first = support_request.latest_proposal
    login_as(schools.offering_member)
    assert client.get(_check_page_url(support_request)).status_code == 200
    # Meanwhile the seeking school changes its proposal.
    committed(
        negotiation.counter, support_request, schools.seeking_member, good_terms(quantity=2),
        first.id,
    )  # fmt: skip
    refused = client.post(
        f"/requests/{support_request.id}/accept", data={"proposal_id": str(first.id)}
    )
    assert refused.status_code == 409
    assert "There is a newer proposal" in refused.text
    assert f'href="/requests/{support_request.id}">Read the latest proposal</a>' in refused.text
    assert _bookings() == 0
    # Opened again from an old link, the page refuses the same way.
    stale = client.get(_check_page_url(support_request, first))
    assert stale.status_code == 409 and "There is a newer proposal" in stale.text
    assert _bookings() == 0


def test_a_request_no_longer_open_is_refused_with_a_link_to_it(
    client, login_as, schools, service_context
):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    url = _check_page_url(support_request)
    form = {"proposal_id": str(support_request.latest_proposal.id)}
    committed(negotiation.withdraw, support_request, schools.seeking_member)
    login_as(schools.offering_member)
    for response in (client.get(url), client.post(url.split("?")[0], data=form)):
        assert response.status_code == 409
        assert "withdrawn" in response.text.lower()
        assert f'href="/requests/{support_request.id}">Go to the request</a>' in response.text
    assert _bookings() == 0


def test_a_booked_request_cannot_be_booked_again_from_its_check_page(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    form = {"proposal_id": str(support_request.latest_proposal.id)}
    assert client.post(f"/requests/{support_request.id}/accept", data=form).status_code == 302
    again = client.post(f"/requests/{support_request.id}/accept", data=form)
    assert again.status_code == 409 and "Go to the request" in again.text
    assert client.get(_check_page_url(support_request)).status_code == 409
    assert _bookings() == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_schools_check_page_is_not_found(client, login_as, schools, method):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(make_member(make_school()))
    response = client.open(
        _check_page_url(support_request),
        method=method,
        data={"proposal_id": str(support_request.latest_proposal.id)},
    )
    assert response.status_code == 404
    assert _bookings() == 0


def test_a_school_cannot_check_or_book_its_own_proposal(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.seeking_lead)
    page = client.get(_check_page_url(support_request))
    assert page.status_code == 409 and "You cannot accept your own proposal" in page.text
    posted = client.post(
        f"/requests/{support_request.id}/accept",
        data={"proposal_id": str(support_request.latest_proposal.id)},
    )
    assert posted.status_code == 409
    assert _bookings() == 0


def test_booking_without_the_checked_proposal_is_refused(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member)
    login_as(schools.offering_member)
    for form in ({}, {"proposal_id": "x"}, {"proposal_id": "9" * 40}):
        response = client.post(f"/requests/{support_request.id}/accept", data=form)
        assert response.status_code == 409, form
        assert "check it before you accept" in response.text
    assert _bookings() == 0


def test_a_proposal_without_a_price_has_no_check_page(client, login_as, schools):
    offer = make_offer(schools.offering, "Autism outreach", price_pence=None)
    support_request = make_request(offer, author=schools.seeking_member, price_pence=None)
    response = login_as(schools.offering_member).get(_check_page_url(support_request))
    assert response.status_code == 409 and "no price yet" in response.text
    assert f'href="/requests/{support_request.id}"' in response.text


# --- The charge beside every set of terms -------------------------------------------------


def test_the_offer_page_shows_the_charge_and_who_pays(client, login_as, schools):
    _policy()
    page = login_as(schools.seeking_member).get(f"/offers/{schools.offer.id}").text
    row = re.search(r"ELP service charge\s*</dt>\s*<dd[^>]*>\s*([^<]*)", page).group(1).strip()
    assert row == (
        "5% of the total (at least £10.00, at most £250.00) + VAT, paid by your school. "
        "On one day at £350.00 it is £17.50 + VAT"
    )
    own = login_as(schools.offering_member).get(f"/offers/{schools.offer.id}").text
    assert "paid by the school that asks" in own


def test_the_request_form_shows_the_charge_and_its_amount_once_terms_are_typed(
    client, login_as, schools
):
    login_as(schools.seeking_member)
    blank = client.get(f"/offers/{schools.offer.id}/request").text
    assert "ELP service charge: 5% of the total (at least £10.00, at most £250.00), no VAT" in blank
    assert "paid by your school" in blank
    typed = client.post(
        f"/offers/{schools.offer.id}/request", data={"need": "", **terms_form(quantity="3")}
    ).text
    assert "ELP service charge: £52.50, no VAT, paid by your school on these terms" in typed


def test_each_proposal_on_the_request_page_shows_its_charge(
    client, login_as, schools, service_context
):
    _policy()
    support_request = _countered(schools, service_context, quantity=2)
    page = login_as(schools.seeking_member).get(f"/requests/{support_request.id}").text
    charges = re.findall(r"ELP service charge\s*</dt>\s*<dd[^>]*>([^<]*)</dd>", page)
    # 5 days at £350 (£1,750 → £87.50), then 2 days (£700 → £35).
    assert charges == [
        "£87.50 + VAT, paid by your school",
        "£35.00 + VAT, paid by your school",
    ]
    offering = login_as(schools.offering_member).get(f"/requests/{support_request.id}").text
    assert "£35.00 + VAT, paid by Tendring Infants" in offering


def test_the_charge_shown_is_the_charge_levied(schools, service_context):
    """The quote and the levy read the same policy through the same formula."""
    _policy(payer=Payer.SPLIT, minimum_pence=2_000)
    for value in (1, 39_999, 40_001, 105_000, 10_000_000):
        found = billing.quote(value)
        expected = [(share.net_pence, share.vat_pence) for share in found.shares]
        support_request = make_request(
            make_offer(schools.offering, price_pence=value, capacity=None),
            author=schools.seeking_member,
            quantity=1,
        )
        booking = committed(
            negotiation.accept,
            support_request,
            support_request.latest_proposal.id,
            schools.offering_member,
        )
        levied = [(c.net_pence, c.vat_pence) for c in billing.charges_for_booking(booking)]
        assert levied == expected, value


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("quantity=3&price=350", "ELP service charge: £52.50, no VAT, paid by your school on"),
        ("quantity=1&price=100", "ELP service charge: £10.00, no VAT, paid by your school on"),
        ("quantity=3", "ELP service charge: 5% of the total"),
        ("quantity=0&price=350", "ELP service charge: 5% of the total"),
        ("quantity=three&price=£350", "ELP service charge: 5% of the total"),
        ("quantity=3&price=-350", "ELP service charge: 5% of the total"),
        (f"quantity={'9' * 50}&price={'9' * 50}", "ELP service charge: 5% of the total"),
    ],
)
def test_the_request_form_works_out_the_charge_as_the_school_types(
    client, login_as, schools, query, words
):
    """What static/js/service-charge.js fetches as the quantity and price are typed."""
    response = login_as(schools.seeking_member).get(f"/offers/{schools.offer.id}/request?{query}")
    assert response.status_code == 200
    block = response.text.split('id="service-charge"')[1].split("</div>")[0]
    assert words in block
    assert _db.session.query(SupportRequest).count() == 0


def test_the_counter_proposal_form_shows_the_charge_on_the_terms_typed(client, login_as, schools):
    support_request = make_request(schools.offer, author=schools.seeking_member, quantity=5)
    login_as(schools.offering_member)
    url = f"/requests/{support_request.id}/counter"
    page = client.get(url).text
    # The latest proposal's charge, from the offering school's side, and the rule below.
    assert "£87.50, no VAT, paid by Tendring Infants" in page
    assert "ELP service charge: 5% of the total" in page.split('id="service-charge"')[1]
    typed = client.get(f"{url}?quantity=2&price=300").text.split('id="service-charge"')[1]
    assert "ELP service charge: £30.00, no VAT, paid by Tendring Infants on these terms" in typed
