"""Fixtures for the offer tests: the start categories and a well-filled offer form."""

import pytest

from elp.offers import services


@pytest.fixture
def categories(db):
    services.ensure_categories()
    return {category.name: category for category in services.categories()}


@pytest.fixture
def offer_form(categories):
    """Return the fields a school would type for a good offer, with any overrides."""

    def form(**overrides):
        fields = {
            "title": "Phonics leadership support for KS1",
            "summary": "An SLE helps your phonics lead get every child reading by Year 2.",
            "description": "We start with a **learning walk** and a phonics audit.\n\n- coaching\n- model lessons",
            "category": str(categories["Pupil achievement"].id),
            "specialisms": "Phonics,  Early   Reading, phonics",
            "phases": ["Early years", "KS1"],
            "districts": ["Harlow", "Epping Forest"],
            "delivery_mode": "at_your_school",
            "expert_name": "Ruth Adeyemi",
            "expert_role": "Early reading lead",
            "designation": "SLE",
            "dbs_confirmed": "yes",
            "dbs_confirmed_on": ["14", "9", "2025"],
            "unit": "day",
            "price": "£350",
            "capacity": "12",
        }
        fields.update(overrides)
        return {name: value for name, value in fields.items() if value is not None}

    return form
