"""`elp demo` adds realistic offers across every category, phase and district."""

from collections import Counter

from sqlalchemy import select

from elp.accounts.models import DISTRICT_NAMES
from elp.demo import DEMO_URNS, load_demo
from elp.offers.demo_offers import load_demo_offers
from elp.offers.models import PHASES, START_CATEGORIES, Offer


def demo_offers(db):
    return db.session.scalars(select(Offer)).all()


def test_the_demo_has_at_least_sixty_offers_from_the_demo_schools(db):
    load_demo()

    offers = demo_offers(db)
    assert len(offers) >= 60
    assert {offer.school.urn for offer in offers} <= set(DEMO_URNS)
    # Every demo school offers something.
    assert len({offer.school_id for offer in offers}) == len(DEMO_URNS)
    assert len({offer.title for offer in offers}) == len(offers)


def test_published_demo_offers_cover_every_category_phase_and_district(db):
    load_demo()
    published = [offer for offer in demo_offers(db) if offer.is_visible]

    categories = Counter(offer.category.name for offer in published)
    phases = Counter(phase for offer in published for phase in offer.phases)
    served = Counter(
        district
        for offer in published
        for district in (DISTRICT_NAMES if offer.serves_all_districts else offer.districts)
    )
    assert all(categories[name] >= 3 for name in START_CATEGORIES), categories
    assert all(phases[phase] >= 3 for phase in PHASES), phases
    assert all(served[district] >= 5 for district in DISTRICT_NAMES), served


def test_demo_offers_vary_like_real_ones(db):
    load_demo()
    offers = demo_offers(db)

    assert {offer.unit for offer in offers} == {"hour", "half_day", "day", "session"}
    assert {offer.delivery_mode for offer in offers} == {
        "at_your_school",
        "at_our_school",
        "online",
        "mixed",
    }
    assert {offer.designation for offer in offers} >= {
        "SLE",
        "NLE",
        "Specialist teacher",
        "Outreach teacher",
    }
    assert sum(offer.price_pence is None for offer in offers) >= 4  # price on request
    assert sum(offer.capacity is None for offer in offers) >= 1
    assert sum(offer.serves_all_districts for offer in offers) >= 5
    assert {offer.status for offer in offers} == {"published", "draft"}
    assert all(len(offer.description) >= 150 for offer in offers if offer.status == "published")
    assert all(len(offer.specialisms) >= 3 for offer in offers)


def test_the_demo_logins_have_offers_to_manage(db):
    load_demo()
    by_urn = Counter(offer.school.urn for offer in demo_offers(db))

    # Kingswood Meadow (lead and member), Springfield Meadows and Katherines Brook.
    assert all(by_urn[urn] >= 2 for urn in ("999001", "999016", "999030"))


def test_loading_the_demo_offers_twice_changes_nothing(db):
    load_demo()
    before = {offer.id: offer.updated_at for offer in demo_offers(db)}

    report = load_demo_offers()

    assert (report.created, report.updated) == (0, 0)
    db.session.expire_all()
    assert {offer.id: offer.updated_at for offer in demo_offers(db)} == before
