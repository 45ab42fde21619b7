"""The index follows the database: every change lands, a crash loses nothing, reindex swaps."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from factories import make_admin, make_category, make_offer, make_school

from elp.offers.models import Offer, OfferDistrict, OfferPhase, Specialism
from elp.offers.services import rename_category
from elp.search import index, sync
from elp.search.models import SearchOutbox
from elp.search.services import SearchRequest, search_offers
from tests.factories import committed


def titles(q, **filters):
    results = search_offers(SearchRequest.from_args({"q": q, **filters}))
    return [hit.title for hit in results.hits]


def indexed_ids(app):
    return index.offer_ids(app.config["INDEX_DIR"])


def test_an_offer_is_found_after_publishing_updated_after_editing_and_gone_after_pausing_or_archiving(db, app):
    offer = make_offer(title="Phonics for reception classes", status="draft")
    assert titles("phonics") == []

    offer.status = "published"
    db.session.commit()
    assert titles("phonics") == ["Phonics for reception classes"]

    offer.title = "Early reading for reception classes"
    db.session.commit()
    assert titles("phonics") == ["Early reading for reception classes"]  # a synonym still finds it
    assert titles("reading reception") == ["Early reading for reception classes"]

    offer.status = "paused"
    db.session.commit()
    assert titles("reading") == []

    offer.status = "published"
    db.session.commit()
    assert titles("reading") == ["Early reading for reception classes"]

    offer.status = "archived"
    db.session.commit()
    assert titles("reading") == []
    assert indexed_ids(app) == set()


def test_hiding_deleting_and_changing_phases_districts_and_specialisms_reach_the_index(db):
    offer = make_offer(title="Maths mastery", phases=("KS2",), districts=("Harlow",))
    assert titles("", phase="KS2") == ["Maths mastery"]

    offer.phase_rows = [OfferPhase(phase="KS3")]
    db.session.commit()
    assert titles("", phase="KS2") == []
    assert titles("", phase="KS3") == ["Maths mastery"]

    offer.district_rows = [OfferDistrict(district="Tendring")]
    db.session.commit()
    assert titles("", district="Harlow") == []
    assert titles("", district="Tendring") == ["Maths mastery"]

    offer.specialisms.append(Specialism(name="fractions"))
    db.session.commit()
    assert titles("fractions") == ["Maths mastery"]

    offer.hidden_at = offer.created_at
    db.session.commit()
    assert titles("maths") == []

    offer.hidden_at = None
    db.session.commit()
    assert titles("maths") == ["Maths mastery"]

    db.session.delete(offer)
    db.session.commit()
    assert titles("maths") == []


def test_renaming_a_school_reindexes_its_offers(db):
    school = make_school(name="Oakfield Primary School")
    make_offer(school, title="Phonics training")
    assert titles("oakfield") == ["Phonics training"]

    school.name = "Riverside Primary School"
    db.session.commit()

    assert titles("oakfield") == []
    assert titles("riverside") == ["Phonics training"]


def test_renaming_a_category_reindexes_its_offers(db):
    make_offer(title="Phonics training", category="Pupil achievement")
    make_offer(title="Governor training", category="Leadership and management")

    committed(rename_category, make_category("Pupil achievement"), "Pupil progress", make_admin())

    assert titles("", category="Pupil progress") == ["Phonics training"]
    assert titles("progress") == ["Phonics training"]  # the category's words are searched too
    assert titles("achievement") == []


def test_a_crash_between_the_commit_and_the_index_write_is_repaired_by_sync_index(db, app, runner):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False  # the process "dies" right after committing
    try:
        offer = make_offer(title="Autism outreach")
    finally:
        app.config["SEARCH_SYNC_ON_COMMIT"] = True
    assert indexed_ids(app) == set()
    assert db.session.scalar(db.select(db.func.count()).select_from(SearchOutbox)) == 1

    result = runner.invoke(args=["sync-index"])

    assert result.exit_code == 0, result.output
    assert "Search index up to date (1 offers written" in result.output
    assert indexed_ids(app) == {offer.id}


def test_a_failed_index_write_leaves_the_change_pending_for_the_next_search(db, app, monkeypatch):
    def broken_writer(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(index, "write_document", broken_writer)
    offer = make_offer(title="Behaviour support")  # the commit succeeds; the index write fails
    assert indexed_ids(app) == set()

    monkeypatch.undo()
    sync.forget_catch_up_times()
    assert titles("behaviour") == ["Behaviour support"]  # a search catches up
    assert indexed_ids(app) == {offer.id}


def test_applying_the_same_change_twice_is_harmless(db, app):
    offer = make_offer(title="Safeguarding training")
    sync.note_offer_changed(offer.id)
    db.session.commit()
    directory = index.IndexDirectory(app.config["INDEX_DIR"])
    # As if this index had forgotten it applied both rows: they are applied again.
    index.write_state(directory, directory.current_name(), {"applied_through": 0, "applied": []})

    sync.apply_pending(app)

    assert titles("safeguarding") == ["Safeguarding training"]
    assert index.document_count(app.config["INDEX_DIR"]) == 1


WRITER = textwrap.dedent(
    """
    import sys
    from elp import create_app
    from elp.extensions import db
    from elp.offers.models import Offer, OfferPhase

    url, index_dir, school_id, category_id, name = sys.argv[1:6]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": index_dir})
    with app.app_context():
        for number in range(5):
            offer = Offer(
                school_id=int(school_id), category_id=int(category_id), status="published",
                title=f"{name} offer {number}", summary="Support", description="Support",
                delivery_mode="online", expert_name="A Expert", unit="day",
            )
            offer.phase_rows = [OfferPhase(phase="KS1")]
            db.session.add(offer)
            db.session.commit()
    """
)


def test_two_processes_writing_at_once_both_land(db, app, tmp_path):
    school = make_school()
    category = make_category()
    titles("warm up")  # this process already holds a searcher on the index
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    args = [url, app.config["INDEX_DIR"], str(school.id), str(category.id)]
    processes = [
        subprocess.Popen([sys.executable, str(script), *args, name], cwd=Path(__file__).parents[2])
        for name in ("Ashdon", "Birchanger")
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0

    time.sleep(index.CHANGE_CHECK_SECONDS + 0.05)  # a reader notices a new commit this quickly
    # Read the index itself before any search, which would catch up from the outbox and so
    # hide a write that a child failed to make.
    assert indexed_ids(app) == set(db.session.scalars(db.select(Offer.id)))
    assert len(titles("ashdon")) == 5
    assert len(titles("birchanger")) == 5
    assert index.document_count(app.config["INDEX_DIR"]) == 10


def test_reindex_rebuilds_from_the_database_and_swaps_the_new_index_in(db, app, runner):
    make_offer(title="Numeracy catch-up")
    make_offer(title="Draft idea", status="draft")
    directory = index.IndexDirectory(app.config["INDEX_DIR"])
    before = directory.current_name()

    result = runner.invoke(args=["reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 1 offers." in result.output
    after = directory.current_name()
    assert after != before
    assert titles("maths") == ["Numeracy catch-up"]
    assert sorted(p.name for p in Path(app.config["INDEX_DIR"]).glob("gen-*")) == sorted([before, after])


def test_a_reindex_that_fails_half_way_leaves_the_live_index_serving(db, app, monkeypatch):
    make_offer(title="Numeracy catch-up")
    make_offer(title="Phonics catch-up")
    live = index.IndexDirectory(app.config["INDEX_DIR"]).current_name()
    written = []

    def fail_on_second(offer):
        written.append(offer)
        if len(written) == 2:
            raise RuntimeError("the database went away")
        return real_document_for(offer)

    real_document_for = sync.document_for
    monkeypatch.setattr(sync, "document_for", fail_on_second)
    with pytest.raises(RuntimeError):
        sync.reindex(app)

    assert index.IndexDirectory(app.config["INDEX_DIR"]).current_name() == live
    assert len(titles("catch-up")) == 2


def test_changes_committed_during_a_reindex_are_not_lost(db, app, monkeypatch):
    make_offer(title="Numeracy catch-up")
    real_document_for = sync.document_for
    edits = []

    def edit_meanwhile(offer):
        if not edits:  # another request commits while the rebuild reads
            edits.append(make_offer(title="Phonics catch-up"))
        return real_document_for(offer)

    monkeypatch.setattr(sync, "document_for", edit_meanwhile)
    sync.reindex(app)

    assert sorted(titles("catch-up")) == ["Numeracy catch-up", "Phonics catch-up"]


def test_a_segment_holding_only_the_spelling_words_keeps_every_offer_s_values_in_place(db, app):
    # A rebuild can end with a segment holding nothing but the vocabulary document, which
    # has no price or capacity; the segment after it must not shift into its place.
    make_offer(title="Phonics for reception classes", price_pence=30000)
    directory = index.IndexDirectory(Path(app.config["INDEX_DIR"]))
    with index.writing(directory, merge=False) as writer:
        index.add_vocabulary(writer, {"phonics", "reception"})
    make_offer(title="Maths mastery in Year 4", price_pence=45000)

    assert titles("", max_price="400") == ["Phonics for reception classes"]
    assert titles("maths", max_price="500") == ["Maths mastery in Year 4"]
