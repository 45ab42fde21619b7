"""Your school's offers with what is booked and asked for: capacity left, open requests,
sorting by capacity left, and a constant number of SQL queries however many offers."""

from elp.extensions import db as _db
from tests.factories import make_booking, make_lead, make_offer, make_request
from tests.queries import statements_run


def titles_in(page, titles):
    return sorted((title for title in titles if title in page), key=page.index)


def test_each_offer_shows_its_capacity_left_and_open_requests(db, login_as):
    lead = make_lead()
    busy = make_offer(lead.school, "Busy offer", capacity=10)
    make_booking(offer=busy, quantity=4)
    make_request(offer=busy)
    make_request(offer=busy)
    make_request(offer=busy, status="declined")
    make_offer(lead.school, "Quiet offer", capacity=None)

    page = login_as(lead).get("/offers/mine").get_data(as_text=True)

    assert "Open requests" in page
    busy_row = page[page.index("Busy offer") : page.index("</tr>", page.index("Busy offer"))]
    quiet_row = page[page.index("Quiet offer") : page.index("</tr>", page.index("Quiet offer"))]
    assert "6 days" in busy_row and ">2<" in busy_row.replace("\n", "").replace(" ", "")
    assert "Not limited" in quiet_row and ">0<" in quiet_row.replace("\n", "").replace(" ", "")


def test_offers_sort_by_capacity_left_least_first_and_unlimited_last(db, login_as):
    lead = make_lead()
    make_offer(lead.school, "Unlimited", capacity=None)
    plenty = make_offer(lead.school, "Plenty", capacity=20)
    nearly_gone = make_offer(lead.school, "Nearly gone", capacity=10)
    make_booking(offer=nearly_gone, quantity=9)
    make_booking(offer=plenty, quantity=1)
    make_offer(lead.school, "Some", capacity=5)

    page = login_as(lead).get("/offers/mine?sort=capacity").get_data(as_text=True)

    assert "Sorted by capacity left" in page
    titles = ["Unlimited", "Plenty", "Nearly gone", "Some"]
    assert titles_in(page, titles) == ["Nearly gone", "Some", "Plenty", "Unlimited"]


def test_the_page_costs_the_same_queries_for_one_offer_as_for_twenty(db, client, login_as):
    lead = make_lead()
    first = make_offer(lead.school, "Offer 0")
    make_booking(offer=first, quantity=1)
    make_request(offer=first)
    login_as(lead)
    client.get("/offers/mine")  # warm up: the first request loads what every page needs

    def queries():
        _db.session.expire_all()
        with statements_run(_db.engine) as statements:
            response = client.get("/offers/mine?sort=capacity")
        assert response.status_code == 200
        return statements

    for_one = queries()
    for number in range(1, 20):
        offer = make_offer(lead.school, f"Offer {number}")
        make_booking(offer=offer, quantity=1)
        make_request(offer=offer)
    for_twenty = queries()

    assert len(for_one) == len(for_twenty), "\n".join(for_twenty)


def test_the_offer_page_costs_the_same_queries_however_much_feedback(db, client, login_as):
    from elp.bookings.models import Feedback

    offer = make_offer()
    login_as(make_lead())

    def add_feedback(n):
        for _ in range(n):
            booking = make_booking(offer=offer, quantity=1)
            booking.status = "completed"
            _db.session.add(
                Feedback(booking=booking, author_school_id=booking.seeking_school_id,
                         author_id=booking.request.requested_by_id, rating=4, comment="Good.")
            )  # fmt: skip
            _db.session.add(
                Feedback(booking=booking, author_school_id=booking.offering_school_id,
                         author_id=booking.agreed_by_id, rating=5, comment="Kind.")
            )  # fmt: skip
        _db.session.commit()

    def queries():
        _db.session.expire_all()
        with statements_run(_db.engine) as statements:
            response = client.get(f"/offers/{offer.id}")
        assert response.status_code == 200
        return len(statements), response.get_data(as_text=True).count("Good.")

    add_feedback(1)
    client.get(f"/offers/{offer.id}")
    one = queries()
    add_feedback(5)
    six = queries()

    assert (one[1], six[1]) == (1, 6)
    assert one[0] == six[0]


def test_the_bookings_page_costs_the_same_queries_for_one_booking_as_for_twenty(
    db, client, login_as
):
    lead = make_lead()
    make_booking(offer=make_offer(lead.school))
    login_as(lead)
    client.get("/bookings")

    def queries():
        _db.session.expire_all()
        with statements_run(_db.engine) as statements:
            response = client.get("/bookings")
        assert response.status_code == 200
        return statements

    for_one = queries()
    for _ in range(19):
        make_booking(offer=make_offer(lead.school))
    for_twenty = queries()

    assert len(for_one) == len(for_twenty), "\n".join(for_twenty)
