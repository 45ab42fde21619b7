"""The offer status table: every status × action, allowed and refused."""

import pytest
from sqlalchemy import select

from elp.audit import AuditEvent
from elp.errors import ActionRefused
from elp.offers import services
from tests.factories import make_lead, make_offer

STATUSES = ("draft", "published", "paused", "archived")

# (status, action): the status after it, or the refusal's message.
EXPECTED = {
    ("draft", "publish"): "published",
    ("draft", "pause"): "A draft offer cannot be paused. Publish it first.",
    ("draft", "resume"): "A draft offer cannot be resumed. Publish it first.",
    ("draft", "archive"): "archived",
    ("published", "publish"): "A published offer cannot be published. It is already published.",
    ("published", "pause"): "paused",
    ("published", "resume"): "A published offer cannot be resumed. It is already published.",
    ("published", "archive"): "archived",
    ("paused", "publish"): "A paused offer cannot be published. Resume it instead.",
    ("paused", "pause"): "A paused offer cannot be paused. It is already paused.",
    ("paused", "resume"): "published",
    ("paused", "archive"): "archived",
    ("archived", "publish"): "An archived offer cannot be published.",
    ("archived", "pause"): "An archived offer cannot be paused.",
    ("archived", "resume"): "An archived offer cannot be resumed.",
    ("archived", "archive"): "An archived offer cannot be archived.",
}


@pytest.mark.parametrize(("status", "action"), list(EXPECTED))
def test_every_status_and_action(db, status, action):
    lead = make_lead()
    offer = make_offer(
        lead.school, status=status, published_at=None, serves_all_districts=True
    )
    expected = EXPECTED[(status, action)]

    if expected in STATUSES:
        services.change_status(offer, action, lead)
        assert offer.status == expected
        assert offer.updated_by_id == lead.id
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert event.subject_id == offer.id
        assert (event.details["old_status"], event.details["status"]) == (status, expected)
    else:
        with pytest.raises(ActionRefused) as refusal:
            services.change_status(offer, action, lead)
        assert refusal.value.message.startswith(expected)
        db.session.rollback()
        db.session.refresh(offer)
        assert offer.status == status
        assert db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize("status", STATUSES)
def test_editing_is_allowed_except_once_archived(db, status):
    offer = make_offer(status=status)
    if status == "archived":
        with pytest.raises(ActionRefused, match="An archived offer cannot be changed"):
            services.check_allowed(offer, "edit")
    else:
        assert services.check_allowed(offer, "edit").target is None


def test_the_buttons_come_from_the_same_table(db):
    offers = {status: make_offer(status=status) for status in STATUSES}

    actions = {s: [t.action for t in services.available_actions(o)] for s, o in offers.items()}

    assert actions == {
        "draft": ["edit", "publish", "archive"],
        "published": ["edit", "pause", "archive"],
        "paused": ["edit", "resume", "archive"],
        "archived": [],
    }


def test_publishing_stamps_the_first_publication_only(db):
    lead = make_lead()
    offer = make_offer(lead.school, status="draft", published_at=None, serves_all_districts=True)
    services.change_status(offer, "publish", lead)
    first = offer.published_at
    services.change_status(offer, "pause", lead)
    services.change_status(offer, "resume", lead)

    assert first is not None
    assert offer.published_at == first


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ActionRefused, match="not something you can do"):
        services.change_status(make_offer(), "delete", make_lead())
