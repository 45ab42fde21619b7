"""The revision that makes offer titles unique per school and saved searches unique per user
keeps what is already stored: a later offer repeating an earlier title is numbered, a later
copy of a saved search goes, and the first of each stays as it was."""

import flask_migrate
import sqlalchemy as sa

from elp.offers.models import Offer
from elp.search import saved_searches
from elp.search.models import SavedSearch, SearchOutbox
from tests.factories import committed, make_member, make_offer

REVISION = "a4747a5f4f3e"


def test_existing_duplicates_are_numbered_or_dropped_by_the_upgrade(db):
    first = make_offer(title="Offer 1")
    second = make_offer(first.school, "Offer 2")
    third = make_offer(first.school, "Offer 3")
    other_school = make_offer(title="Offer 4")
    user = make_member(first.school)
    saved_id = committed(saved_searches.save_search, user, {"q": "phonics"})[0].id
    copy_id = committed(saved_searches.save_search, user, {"q": "reading"})[0].id
    ids = [first.id, second.id, third.id, other_school.id]
    db.session.remove()

    flask_migrate.downgrade(revision=f"{REVISION}-1")
    try:
        with db.engine.begin() as connection:
            # What two people saving at once left behind before the database held the rule.
            titles = ["Phonics support", "phonics  SUPPORT", "Phonics support (2)",
                      "Phonics support"]  # fmt: skip
            for offer_id, title in zip(ids, titles):
                connection.execute(
                    sa.text("UPDATE offer SET title = :title WHERE id = :id"),
                    {"title": title, "id": offer_id},
                )
            connection.execute(
                sa.text(
                    "UPDATE saved_search SET params = (SELECT params FROM saved_search "
                    "WHERE id = :saved) WHERE id = :copy"
                ),
                {"saved": saved_id, "copy": copy_id},
            )
            connection.execute(sa.text("DELETE FROM search_outbox"))
    finally:
        flask_migrate.upgrade()

    titles = {offer.id: offer.title for offer in db.session.scalars(sa.select(Offer))}
    assert [titles[offer_id] for offer_id in ids] == [
        "Phonics support",  # the first keeps its title
        "phonics  SUPPORT (3)",  # the repeat is numbered past a title the school has
        "Phonics support (2)",
        "Phonics support",  # another school's offer is no repeat
    ]
    assert db.session.scalars(sa.select(SearchOutbox.offer_id)).all() == [ids[1]]
    assert db.session.scalars(sa.select(SavedSearch.id)).all() == [saved_id]
    assert db.session.get(Offer, ids[1]).title_key == "phonics support (3)"
