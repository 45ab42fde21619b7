"""The negotiation factories make what accepting a proposal makes."""

from tests.factories import make_booking, make_offer


def test_a_booking_takes_its_units_from_the_offer(db):
    offer = make_offer(capacity=10)
    booking = make_booking(offer=offer, quantity=4)
    assert (booking.quantity, booking.total_pence, booking.status) == (4, 4 * 35000, "confirmed")
    assert offer.capacity_left == 6
