"""Small functions that make test data with sensible defaults."""

from datetime import timedelta
from itertools import count

from werkzeug.security import generate_password_hash

from elp.accounts.models import ROLE_ADMIN, ROLE_LEAD, ROLE_MEMBER, School, User
from elp.extensions import db
from elp.unit_of_work import unit_of_work

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = generate_password_hash(PASSWORD)
_numbers = count(1)


def make_school(**fields):
    number = next(_numbers)
    values = {
        "urn": f"{900000 + number}",
        "name": f"Test School {number}",
        "la_code": "881",
        "la_name": "Essex",
        "district_code": "E07000070",
        "district": "Chelmsford",
        "phase": "Primary",
        "establishment_type": "Community school",
        "postcode": "CM1 1AA",
        "easting": 570000 + number,
        "northing": 207000 + number,
    }
    values.update(fields)
    school = School(**values)
    db.session.add(school)
    db.session.commit()
    return school


def make_user(school=None, role=ROLE_MEMBER, **fields):
    number = next(_numbers)
    values = {
        "email": f"user{number}@school.example",
        "full_name": f"Test User {number}",
        "job_title": "Teacher",
        "password_hash": _PASSWORD_HASH,
        "role": role,
        "school": school,
    }
    values.update(fields)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def make_lead(school=None, **fields):
    return make_user(school or make_school(), role=ROLE_LEAD, **fields)


def make_member(school=None, **fields):
    return make_user(school or make_school(), role=ROLE_MEMBER, **fields)


def make_admin(**fields):
    return make_user(None, role=ROLE_ADMIN, **fields)


def days(n):
    return timedelta(days=n)


def make_category(name="Pupil achievement"):
    """Return the category with this name, creating it if need be."""
    from elp.offers.models import Category

    category = db.session.scalar(db.select(Category).where(Category.name == name))
    if category is None:
        category = Category(name=name)
        db.session.add(category)
        db.session.commit()
    return category


def make_offer(school=None, title=None, *, category="Pupil achievement", phases=("KS1",),
               districts=(), serves_all_districts=False, status="published", **fields):
    """Make an offer (published by default) straight in the database, without the index."""
    from elp.offers.models import Offer, OfferDistrict, OfferPhase
    from elp.timeutil import utcnow

    number = next(_numbers)
    values = {
        "school": school or make_school(),
        "title": title or f"Test offer {number}",
        "summary": "Support from an experienced specialist leader of education.",
        "description": "We work alongside your staff in school.",
        "category": make_category(category),
        "serves_all_districts": serves_all_districts,
        "delivery_mode": "at_your_school",
        "expert_name": "Alex Expert",
        "designation": "SLE",
        "dbs_confirmed": False,
        "unit": "day",
        "price_pence": 35000,
        "capacity": 10,
        "status": status,
        "published_at": utcnow() if status == "published" else None,
    }
    values.update(fields)
    offer = Offer(**values)
    offer.phase_rows = [OfferPhase(phase=phase) for phase in phases]
    offer.district_rows = [OfferDistrict(district=district) for district in districts]
    db.session.add(offer)
    db.session.commit()
    return offer


def make_request(offer=None, seeking_school=None, *, quantity=5, price_pence="offer",
                 author=None, status="open", **terms):
    """Make a support request with its first proposal (by the seeking school), straight in
    the database. `author` is the user who asked (a new member of the seeking school if
    not given)."""
    from elp.negotiation.models import Proposal, SupportRequest
    from elp.timeutil import utcnow

    offer = offer or make_offer()
    author = author or make_member(seeking_school or make_school())
    price = offer.price_pence if price_pence == "offer" else price_pence
    now = utcnow()
    request = SupportRequest(
        offer=offer,
        seeking_school_id=author.school_id,
        offering_school_id=offer.school_id,
        requested_by=author,
        need="Support for our new phonics lead.",
        status=status,
        last_activity_school_id=author.school_id,
        expires_at=now + days(10),
    )
    values = {
        "quantity": quantity,
        "unit": offer.unit,
        "price_pence": price,
        "total_pence": None if price is None else quantity * price,
        "earliest_start": (now + days(14)).date(),
        "latest_end": (now + days(90)).date(),
        "session_dates": [],
        "delivery_mode": offer.delivery_mode,
        "note": None,
        "expires_at": now + days(10),
    }
    values.update(terms)
    request.proposals.append(
        Proposal(author_school_id=author.school_id, author_id=author.id, **values)
    )
    db.session.add(request)
    db.session.commit()
    return request


def make_booking(request=None, accepted_by=None, **request_fields):
    """Make an agreed request and its confirmed booking, as accepting its latest proposal
    would (the units come off the offer's capacity)."""
    from elp.bookings.services import book

    request = request or make_request(**request_fields)
    accepted_by = accepted_by or make_member(request.offering_school)
    request.status = "agreed"
    booking = book(request, request.latest_proposal, accepted_by)
    db.session.commit()
    return booking


def committed(service, *args, **kwargs):
    """Call a service as a page does, in its own unit of work, and return what it returns."""
    with unit_of_work():
        return service(*args, **kwargs)
