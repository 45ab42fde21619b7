"""What a results page shows of each offer is read from the index once, and kept within a
bound, for as long as the index is unchanged."""

from factories import make_offer
from flask import current_app

from elp.search.index import snapshot
from elp.search.services import SearchRequest, search_offers

TITLES = [f"Phonics catch-up {number}" for number in range(3)]


def _titles(q):
    return sorted(hit.title for hit in search_offers(SearchRequest.from_args({"q": q})).hits)


def _count_reads_from_now(monkeypatch):
    """Count the stored-field reads the live snapshot makes from here on."""
    with snapshot.reader_for(current_app.config["INDEX_DIR"]).snapshot() as live:
        reads = []
        real = live.searcher.stored_fields

        def counting(docnum):
            reads.append(docnum)
            return real(docnum)

        monkeypatch.setattr(live.searcher, "stored_fields", counting)
        return live, reads


def test_a_search_shown_again_reads_no_offer_again(db, monkeypatch):
    for title in TITLES:
        make_offer(title=title)
    assert _titles("phonics") == TITLES
    live, reads = _count_reads_from_now(monkeypatch)

    assert _titles("phonics") == TITLES
    assert reads == [] and len(live._stored) == 3


def test_the_kept_offers_are_bounded(db, monkeypatch):
    monkeypatch.setattr(snapshot, "MAX_CACHED_STORED", 2)
    for title in TITLES:
        make_offer(title=title)
    assert _titles("phonics") == TITLES
    live, reads = _count_reads_from_now(monkeypatch)

    assert _titles("phonics") == TITLES
    assert len(live._stored) == 2 and len(reads) >= 1  # one of the three was let go
