"""Fixtures for the offer tests: the start categories, a well-filled offer form, and a hold
on a page's write for racing it."""

import threading

import pytest
from flask import has_request_context
from sqlalchemy import event

from elp.extensions import db as _db
from elp.offers import services
from elp.offers.models import Offer


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


@pytest.fixture
def hold_before_writing():
    """Hold the page's flush of an offer until `released` is set; `holding` says it is
    waiting (every check done)."""
    holding, released = threading.Event(), threading.Event()
    page = threading.current_thread()

    def before_flush(session, context, instances):
        offers = [o for o in (*session.new, *session.dirty) if isinstance(o, Offer)]
        in_page = threading.current_thread() is page and has_request_context()
        if in_page and offers and not holding.is_set():
            holding.set()
            released.wait(10)

    event.listen(_db.session, "before_flush", before_flush)
    yield holding, released
    event.remove(_db.session, "before_flush", before_flush)
