"""A school's admin page shows its offers, the requests and bookings it is a party to on
either side, and the service charges it pays, with totals; in a fixed number of queries."""

import re

from sqlalchemy import event

from elp.billing import services as billing
from elp.extensions import db as _db
from tests.factories import (
    make_admin,
    make_booking,
    make_member,
    make_offer,
    make_request,
    make_school,
)


def section(page, anchor):
    start = page.index(f'id="{anchor}"')
    end = page.find('<h2 class="govuk-heading-m"', start + 1)
    return page[start : end if end != -1 else len(page)]


def test_the_school_page_shows_what_the_school_does_on_both_sides(db, login_as):
    school = make_school(name="Harlow Fields School")
    other = make_school(name="Maldon Court")
    own_offer = make_offer(school, "Phonics catch-up", price_pence=35_000)
    make_offer(other, "Not ours")
    given = make_booking(offer=own_offer, seeking_school=other, quantity=2)
    received = make_booking(offer=make_offer(other, "Autism outreach", price_pence=20_000),
                            author=make_member(school), quantity=3)  # fmt: skip
    make_request(make_offer(make_school(), "Unrelated"), seeking_school=other)
    (charge,) = billing.charges_for_booking(received)

    page = login_as(make_admin()).get(f"/admin/schools/{school.id}").get_data(as_text=True)

    offers = section(page, "offers")
    assert "Phonics catch-up" in offers and "Not ours" not in offers and "1 offer." in offers
    requests = section(page, "requests")
    assert "2 requests." in requests and "Unrelated" not in requests
    assert "Asked by Maldon Court" in requests and "Asked Maldon Court" in requests
    bookings = section(page, "bookings")
    assert "For Maldon Court" in bookings and "From Maldon Court" in bookings
    assert "£700" in bookings and given.total_pence == 70_000
    charges = section(page, "charges")
    assert charge.invoice_number in charges and "1 charge." in charges
    assert f'href="/admin/charges/{charge.id}"' in charges


def test_the_school_page_lists_the_most_recent_and_costs_the_same_queries_for_more(db, login_as):
    school = make_school()
    client = login_as(make_admin())

    def queries():
        count = 0

        def counter(*args):
            nonlocal count
            count += 1

        event.listen(_db.engine, "before_cursor_execute", counter)
        try:
            assert client.get(f"/admin/schools/{school.id}").status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", counter)
        return count

    make_booking(offer=make_offer(make_school()), author=make_member(school))
    few = queries()
    for number in range(22):
        make_booking(offer=make_offer(make_school(), f"Offer {number}"), author=make_member(school))
    many = queries()

    assert many == few
    page = client.get(f"/admin/schools/{school.id}").get_data(as_text=True)
    assert "The 20 most recent of 23 bookings." in section(page, "bookings")
    assert len(re.findall(r"<tr class=\"govuk-table__row\">", section(page, "bookings"))) == 21
