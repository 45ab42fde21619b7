"""A snapshot reads each segment's numeric columns in one piece and decodes each block of
postings with NumPy, not value by value in Python (at 100 000 offers that was most of the
first search after a start), and gets what Whoosh's own readers give: the defaults never
written at the end of a segment, weights and deleted documents included."""

import numpy as np
from flask import current_app
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.matching.wrappers import FilterMatcher

from elp.search.index import snapshot
from elp.search.index.schema import NO_VALUE
from elp.search.index.whoosh_private import read_postings
from tests.factories import make_offer


def _value_by_value(live, name):
    column = np.full(live.size, NO_VALUE, dtype=np.int64)
    for leaf, offset in live.leaves:
        if leaf.has_column(name):
            values = [int(value) for value in leaf.column_reader(name)]
            column[offset : offset + len(values)] = values
    return column


def test_columns_read_in_one_piece_hold_what_reading_them_value_by_value_gives(db, monkeypatch):
    make_offer(price_pence=30000)
    make_offer(price_pence=None)  # price on request: the default, which is never written
    make_offer(price_pence=45000)
    make_offer(price_pence=None)  # the last document: its segment's column ends before it
    reader = snapshot.reader_for(current_app.config["INDEX_DIR"])

    def value_by_value(self):
        raise AssertionError("a numeric column was read value by value")

    with monkeypatch.context() as patched:
        patched.setattr(NumericColumn.Reader, "__iter__", value_by_value)
        with reader.snapshot() as live:
            columns = live.columns

    with reader.snapshot() as live:
        for name, column in columns.items():
            assert np.array_equal(column, _value_by_value(live, name)), name
        prices = sorted(columns["price"][live.live].tolist())
    assert prices == [NO_VALUE, NO_VALUE, 30000, 45000]


def _raw(leaf, field, term):
    """The term's postings in the segment, deleted documents included, as the snapshot reads them."""
    matcher = leaf.postings(field, term)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _one_at_a_time(matcher):
    """Whoosh's public way: one posting after another."""
    docs, weights = [], []
    while matcher.is_active():
        docs.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return docs, weights


def test_postings_decoded_a_block_at_a_time_hold_what_whoosh_reads_one_at_a_time(
    db, monkeypatch
):
    offers = [make_offer(title=f"Phonics and reading {n}", phases=("KS1", "KS2")) for n in range(3)]
    offers += [make_offer(title="Phonics phonics phonics, and more phonics")]  # a heavier weight
    offers[1].status = "withdrawn"  # deleted from the index: still in the raw postings
    db.session.commit()
    reader = snapshot.reader_for(current_app.config["INDEX_DIR"])

    def one_by_one(self):
        raise AssertionError("a block's document numbers were added up in Python")

    compared = 0
    with reader.snapshot() as live:
        for leaf, _ in live.leaves:
            for field, term in [("content", "phonic"), ("phase", "KS1"), ("phase", "KS2")]:
                if (field, term) not in leaf:
                    continue

                expected_docs, expected_weights = _one_at_a_time(_raw(leaf, field, term))
                matcher = _raw(leaf, field, term)  # made before: making it reads its first ids
                with monkeypatch.context() as patched:
                    patched.setattr(W3LeafMatcher, "_read_ids", one_by_one)
                    docs, weights = read_postings(matcher)
                assert docs.tolist() == expected_docs
                assert weights.tolist() == expected_weights
                compared += 1
    assert compared >= 3
