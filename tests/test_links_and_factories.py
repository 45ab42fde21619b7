"""The negotiation factories make what accepting a proposal makes."""

from tests.factories import make_booking, make_offer


def test_a_booking_takes_its_units_from_the_offer(db):
    offer = make_offer(capacity=10)
    booking = make_booking(offer=offer, quantity=4)
    assert (booking.quantity, booking.total_pence, booking.status) == (4, 4 * 35000, "confirmed")
    assert offer.capacity_left == 6


def test_links_are_built_without_a_request_so_commands_can_send_them(app):
    from elp.urls import absolute_url, path_for

    with app.app_context():
        assert path_for("offers.show", offer_id=7) == "/offers/7"
        assert absolute_url("offers.show", offer_id=7) == "http://localhost/offers/7"
