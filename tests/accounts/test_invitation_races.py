"""The same invitation accepted twice at once (a double click, two tabs): one account, and the
second request is told the invitation has been used.

Each acceptance has its own app context, so its own database session and connection, as two
requests on two workers would. Session events hold each at the point that makes them collide:
the first has added the account but not committed when the second checks the link, and the
second adds its account only once the first has committed.
"""

import threading

import pytest
from sqlalchemy import event

from elp.accounts import services
from elp.accounts.models import Invitation, User
from elp.extensions import db as _db
from elp.timeutil import utcnow
from tests.factories import committed, days, make_lead

TOKEN = "invitation-token-for-a-race"
NEW_PASSWORD = "five little ducks went swimming"


@pytest.fixture
def invitation(db):
    lead = make_lead()
    invitation = Invitation(
        school_id=lead.school_id,
        email="sam.jones@school.example",
        token_hash=services.tokens.hash_secret(TOKEN),
        invited_by=lead,
        expires_at=utcnow() + days(7),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


@pytest.fixture
def collide():
    """Hold the first acceptance after its account is flushed until the second has read the
    link, and the second before its flush until the first has committed."""
    first_flushed, second_read, first_committed = (threading.Event() for _ in range(3))
    first = {}

    def after_flush(session, context):
        if threading.current_thread() is first.get("thread") and not first_flushed.is_set():
            first_flushed.set()
            second_read.wait(10)

    def before_flush(session, context, instances):
        if threading.current_thread() is not first.get("thread") and first_flushed.is_set():
            second_read.set()
            first_committed.wait(10)

    def after_commit(session):
        if threading.current_thread() is first.get("thread"):
            first_committed.set()

    listeners = [("after_flush", after_flush), ("before_flush", before_flush),
                 ("after_commit", after_commit)]  # fmt: skip
    for name, listener in listeners:
        event.listen(_db.session, name, listener)
    yield first, first_flushed
    for name, listener in listeners:
        event.remove(_db.session, name, listener)


def test_accepting_one_invitation_twice_at_once_makes_one_account(
    app, client, invitation, collide
):
    first, first_flushed = collide
    answers = {"full_name": "Sam Jones", "job_title": "SENCo",
               "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}  # fmt: skip

    def accept_first():
        with app.app_context():
            committed(services.accept_invitation, TOKEN, "Sam Jones", "SENCo", NEW_PASSWORD)
            _db.session.remove()

    first["thread"] = threading.Thread(target=accept_first)
    first["thread"].start()
    assert first_flushed.wait(10)
    second = client.post(f"/invitations/{TOKEN}", data=answers)
    first["thread"].join(20)

    assert second.status_code == 410
    assert "This invitation has already been used" in second.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(
            _db.select(_db.func.count()).select_from(User).where(User.email == invitation.email)
        ) == 1
        assert _db.session.get(Invitation, invitation.id).state() == "accepted"
