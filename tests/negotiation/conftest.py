"""Fixtures for the negotiation tests: two schools with two users each, an offer of one of
them."""

from dataclasses import dataclass

import pytest

from tests.factories import make_lead, make_member, make_offer, make_school


@dataclass
class Schools:
    offering: object
    seeking: object
    offering_lead: object
    offering_member: object
    seeking_lead: object
    seeking_member: object
    offer: object


@pytest.fixture
def schools(db):
    offering = make_school(name="Harlow Outreach Primary")
    seeking = make_school(name="Tendring Infants")
    return Schools(
        offering=offering,
        seeking=seeking,
        offering_lead=make_lead(offering),
        offering_member=make_member(offering),
        seeking_lead=make_lead(seeking),
        seeking_member=make_member(seeking),
        offer=make_offer(offering, "Phonics catch-up", capacity=10, price_pence=35000),
    )


@pytest.fixture
def service_context(app, db):
    """A request context for calling services directly: notifications build their links
    with url_for, as they do inside a page."""
    with app.test_request_context():
        yield
