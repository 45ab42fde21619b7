"""Crash safety, proven with a real process: one SIGKILLed after committing an offer and
before writing it to the search index loses nothing; the index catches up from the outbox
(elp/search/sync.py) and the offer is found."""

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from factories import make_category, make_school

from elp.offers.models import Offer
from elp.search import index, sync
from elp.search.models import SearchOutbox
from elp.search.services import SearchRequest, search_offers

pytestmark = pytest.mark.slow

PUBLISHER = textwrap.dedent(
    """
    import sys
    from elp import create_app
    from elp.extensions import db
    from elp.offers.models import Offer, OfferPhase

    url, index_dir, school_id, category_id = sys.argv[1:5]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": index_dir})
    with app.app_context():
        offer = Offer(
            school_id=int(school_id), category_id=int(category_id), status="published",
            title="Forest school for reluctant writers", summary="Writing outdoors",
            description="Writing outdoors", delivery_mode="online", expert_name="A Expert",
            unit="day",
        )
        offer.phase_rows = [OfferPhase(phase="KS2")]
        db.session.add(offer)
        db.session.commit()  # then, after the commit, the index write: it waits for the lock
    """
)


def _wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, "the publisher never committed"
        time.sleep(0.02)
    return found


def test_a_process_killed_between_the_commit_and_the_index_write_loses_no_offer(db, app, tmp_path):
    school, category = make_school(), make_category()
    sync.reindex(app)  # the live index, with nothing in it yet
    script = tmp_path / "publisher.py"
    script.write_text(PUBLISHER)
    directory = index.IndexDirectory(app.config["INDEX_DIR"])
    arguments = [app.config["SQLALCHEMY_DATABASE_URI"], app.config["INDEX_DIR"],
                 str(school.id), str(category.id)]  # fmt: skip

    # Another writer holds the index, so the publisher's write after its commit must wait:
    # the moment its commit shows, it is between the two, and is killed there.
    with index.writing(directory, timeout=5):
        publisher = subprocess.Popen(
            [sys.executable, str(script), *arguments], cwd=Path(__file__).parents[2]
        )

        def committed():
            db.session.expire_all()
            return db.session.scalar(db.select(Offer.id))

        offer_id = _wait_for(committed)
        publisher.send_signal(signal.SIGKILL)
        assert publisher.wait(10) == -signal.SIGKILL

    assert index.offer_ids(app.config["INDEX_DIR"]) == set()  # the index never heard of it
    assert db.session.scalar(db.select(SearchOutbox.offer_id)) == offer_id

    # Restarted, the service's next search catches the index up from the outbox.
    sync.forget_catch_up_times()
    results = search_offers(SearchRequest.from_args({"q": "reluctant writers"}))
    assert [hit.title for hit in results.hits] == ["Forest school for reluctant writers"]
    assert index.offer_ids(app.config["INDEX_DIR"]) == {offer_id}
