"""One access code redeemed by two people at once (a code passed round a staff room): one
becomes the school's lead, the other is told the code has been used.

Each redemption has its own app context, so its own database session and connection, as two
requests on two workers would. A session event holds the second after it has found the code
valid until the first has committed, so the second's claim is the stale one.
"""

import threading

import pytest
from sqlalchemy import event, func, select

from elp.accounts import services, tokens
from elp.accounts.models import AccessCode, User
from elp.errors import InvalidInput
from elp.extensions import db as _db
from elp.timeutil import utcnow
from tests.factories import committed, days, make_school

CODE = "7KQM-R4TX-HW2C"
PASSWORD = "five little ducks went swimming"


@pytest.fixture
def access_code_id(db):
    access_code = AccessCode(
        school=make_school(),
        code_hash=tokens.hash_access_code(CODE),
        hint=CODE[-4:],
        expires_at=utcnow() + days(30),
    )
    db.session.add(access_code)
    db.session.commit()
    return access_code.id


def test_two_people_redeeming_one_code_at_once_make_one_lead(app, access_code_id):
    second_read, first_committed = threading.Event(), threading.Event()
    second = {}

    def before_flush(session, context, instances):
        if threading.current_thread() is second.get("thread") and not second_read.is_set():
            second_read.set()
            first_committed.wait(10)

    def redeem_second():
        with app.app_context():
            try:
                committed(
                    services.redeem_access_code,
                    CODE,
                    "Sam Jones",
                    None,
                    "sam@school.example",
                    PASSWORD,
                )
            except InvalidInput as refusal:
                second["refused"] = refusal.message
            _db.session.remove()

    event.listen(_db.session, "before_flush", before_flush)
    try:
        second["thread"] = threading.Thread(target=redeem_second)
        second["thread"].start()
        assert second_read.wait(10)
        with app.app_context():
            committed(
                services.redeem_access_code,
                CODE,
                "Priya Shah",
                None,
                "priya@school.example",
                PASSWORD,
            )
            _db.session.remove()
        first_committed.set()
        second["thread"].join(20)
    finally:
        event.remove(_db.session, "before_flush", before_flush)

    assert second["refused"].startswith("This access code has already been used")
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(User)) == 1
        access_code = _db.session.get(AccessCode, access_code_id)
        assert access_code.status == "used"
        assert access_code.redeemed_by_id == _db.session.scalar(select(User.id))
        _db.session.remove()
