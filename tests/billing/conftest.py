"""Two schools, an offer, an admin, and a way to book: for the billing tests."""

from dataclasses import dataclass

import pytest

from tests.factories import (
    make_admin,
    make_booking,
    make_lead,
    make_member,
    make_offer,
    make_school,
)


@dataclass
class Billing:
    offering: object
    seeking: object
    offering_member: object
    seeking_member: object
    admin: object
    offer: object

    def book(self, quantity=3, **terms):
        """A booking of `quantity` days at the offer's £350 a day (agreed through the
        booking service, which levies its charge)."""
        return make_booking(
            offer=self.offer,
            author=self.seeking_member,
            accepted_by=self.offering_member,
            quantity=quantity,
            **terms,
        )


@pytest.fixture
def billing(db):
    offering = make_school(name="Kingswood Meadow Primary", district="Basildon")
    seeking = make_school(name="Harlow Fields Infants", district="Harlow")
    make_lead(offering)
    make_lead(seeking)
    return Billing(
        offering=offering,
        seeking=seeking,
        offering_member=make_member(offering),
        seeking_member=make_member(seeking),
        admin=make_admin(),
        offer=make_offer(offering, "Phonics catch-up", capacity=100, price_pence=35_000),
    )
