"""A seeking school that needs a purchase order number gives it at "Accept and book" (issue
22 part 1): the check page asks for it, a bad one books nothing and says why, and the number
is printed on the invoice the booking issues. A school that needs none is never asked."""

import re

import pytest

from elp.billing import school_finance
from elp.billing.models import Charge
from elp.bookings.models import Booking
from elp.extensions import db as _db
from elp.unit_of_work import unit_of_work
from tests.negotiation.test_check_before_accepting import _check_page_url, _countered


def needs_purchase_orders(schools):
    with unit_of_work():
        school_finance.update_settings(
            schools.seeking_member.school,
            schools.seeking_member,
            name="",
            email="",
            purchase_orders=True,
            year_start=4,
        )


def accept(client, support_request, **data):
    page = client.get(_check_page_url(support_request)).text
    proposal_id = re.search(r'name="proposal_id" type="hidden" value="(\d+)"', page).group(1)
    return client.post(
        f"/requests/{support_request.id}/accept", data={"proposal_id": proposal_id, **data}
    )


def test_the_purchase_order_number_given_at_accept_is_on_the_invoice(
    client, login_as, schools, service_context
):
    needs_purchase_orders(schools)
    support_request = _countered(schools, service_context)
    login_as(schools.seeking_member)
    assert "Purchase order number" in client.get(_check_page_url(support_request)).text

    response = accept(client, support_request, purchase_order_number="PO-88213")

    assert response.status_code == 302
    charge = _db.session.scalars(_db.select(Charge)).one()
    assert charge.purchase_order_number == "PO-88213"
    assert "Purchase order number" in client.get(f"/charges/{charge.id}").text


@pytest.mark.parametrize(
    ("number", "message"),
    [("", "Enter your school’s purchase order number"), ("P" * 51, "50 characters or fewer")],
)
def test_a_missing_or_bad_purchase_order_number_books_nothing(
    client, login_as, schools, service_context, number, message
):
    needs_purchase_orders(schools)
    support_request = _countered(schools, service_context)
    login_as(schools.seeking_member)

    response = accept(client, support_request, purchase_order_number=number)

    assert response.status_code == 200
    assert "<title>Error: " in response.text and message in response.text
    assert _db.session.query(Booking).count() == 0


def test_a_school_that_needs_no_purchase_order_is_not_asked(
    client, login_as, schools, service_context
):
    support_request = _countered(schools, service_context)
    login_as(schools.seeking_member)
    assert "Purchase order number" not in client.get(_check_page_url(support_request)).text
    assert accept(client, support_request).status_code == 302
    assert _db.session.scalars(_db.select(Charge)).one().purchase_order_number is None
