"""Every state × action × party of an offer, through the shared state machine: what the
OFFER and MODERATION tables allow happens as a compare-and-set with an audit event, and
everything else is refused with nothing changed."""

import itertools

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.errors import ActionRefused
from elp.offers.models import Moderation, OfferStatus
from elp.offers.transitions import MODERATION, OFFER, Party
from elp.timeutil import utcnow
from tests.factories import make_admin, make_lead, make_offer

STATUS_ACTIONS = ("publish", "pause", "resume", "archive")


def _actor(party, offer):
    return make_admin() if party == Party.ADMIN else make_lead(offer.school)


def _events(db):
    return db.session.scalars(select(AuditEvent.action)).all()


@pytest.mark.parametrize(
    ("status", "action", "party"),
    list(itertools.product(list(OfferStatus), STATUS_ACTIONS, list(Party))),
    ids=str,
)
def test_each_status_action_and_party(db, status, action, party):
    offer = make_offer(status=status)
    actor = _actor(party, offer)
    db.session.commit()
    version = offer.version
    allowed = party == Party.SCHOOL and (status, action) in {
        ("draft", "publish"),
        ("draft", "archive"),
        ("published", "pause"),
        ("published", "archive"),
        ("paused", "resume"),
        ("paused", "archive"),
    }
    assert OFFER.allows(status, action, party) == allowed

    if not allowed:
        with pytest.raises(ActionRefused):
            OFFER.apply(offer, action, party, actor)
        db.session.rollback()
        db.session.refresh(offer)
        assert (offer.status, offer.version, _events(db)) == (status, version, [])
        return
    OFFER.apply(offer, action, party, actor)
    db.session.commit()
    assert offer.status == OFFER.check(status, action, party).target
    assert offer.version == version + 1
    assert _events(db) == [f"offer.{OFFER.check(status, action, party).done}"]


def test_editing_belongs_to_the_school_alone(db):
    for status in OfferStatus:
        assert OFFER.allows(status, "edit", Party.SCHOOL) == (status != OfferStatus.ARCHIVED)
        assert not OFFER.allows(status, "edit", Party.ADMIN)


def test_an_admin_is_told_only_the_school_changes_its_offer(db):
    with pytest.raises(ActionRefused, match="only the school that made the offer can"):
        OFFER.check(OfferStatus.PUBLISHED, "pause", Party.ADMIN)


@pytest.mark.parametrize(
    ("hidden", "action", "party"),
    list(itertools.product((False, True), ("hide", "unhide"), list(Party))),
    ids=str,
)
def test_each_moderation_action_and_party(db, hidden, action, party):
    offer = make_offer(status="published")
    if hidden:
        offer.hidden_at, offer.hidden_reason = utcnow(), "A reason"
    actor = _actor(party, offer)
    db.session.commit()
    version = offer.version
    state = Moderation.HIDDEN if hidden else Moderation.SHOWN
    assert offer.moderation == state
    allowed = party == Party.ADMIN and (state, action) in {
        (Moderation.SHOWN, "hide"),
        (Moderation.HIDDEN, "unhide"),
    }
    assert MODERATION.allows(state, action, party) == allowed

    if not allowed:
        with pytest.raises(ActionRefused):
            MODERATION.apply(offer, action, party, actor)
        db.session.rollback()
        db.session.refresh(offer)
        assert (offer.moderation, offer.version, _events(db)) == (state, version, [])
        return
    MODERATION.apply(offer, action, party, actor)
    db.session.commit()
    assert offer.moderation == MODERATION.check(state, action, party).target
    assert offer.status == "published"  # moderation never changes the offer's status
    assert (offer.hidden_at is None) == (action == "unhide")
    assert offer.version == version + 1
    assert _events(db) == [{"hide": "offer.hidden", "unhide": "offer.unhidden"}[action]]
