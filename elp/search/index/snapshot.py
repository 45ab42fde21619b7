"""Reading the index: a snapshot of one searcher with its arrays, and the per-process Reader.

Whoosh's query collectors score every matching document in Python, which is too slow for
broad queries with facet counts over 100 000 offers (see docs/decisions). So each snapshot
keeps, for as long as the index is unchanged, NumPy arrays of its per-document values, the
document sets of every filter value, and the postings of recently used terms.
"""

import math
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np
import whoosh.searching  # noqa: F401 (Whoosh imports it at the first search, slowing it)
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from elp.search.index.analysis import TITLE_MARK, stem_of, use_synonym_table
from elp.search.index.generations import IndexDirectory
from elp.search.index.schema import NO_VALUE, VOCABULARY_ID
from elp.search.index.whoosh_private import read_numeric_column, read_postings

CHANGE_CHECK_SECONDS = 0.2  # how often a reader looks for a newer index
MAX_CACHED_POSTINGS = 4_000_000  # bounds the term cache (about 32 MB)
PRICE_CHECKPOINT = 512  # price-band sets are cached every this many offers
MAX_CACHED_STORED = 2_000  # offers whose stored fields are kept (about 4 MB)


class Snapshot:
    """One searcher and everything cached for it; valid until the index changes."""

    def __init__(self, searcher, name):
        self.name = name
        self.searcher = searcher
        reader = self.searcher.reader()
        self.reader = reader
        self.leaves = list(reader.leaf_readers()) if not reader.is_atomic() else [(reader, 0)]
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for leaf, offset in self.leaves:
            for docnum in leaf.deleted_docs_set if hasattr(leaf, "deleted_docs_set") else ():
                self.live[offset + docnum] = False
        self.live[self.postings("offer_id", VOCABULARY_ID)[0]] = False  # not an offer
        self.count = int(self.live.sum())
        self.columns = {
            name: self._column(name)
            for name in ("price", "capacity", "created", "easting", "northing", "length")
        }
        lengths = self.columns["length"].astype(np.float32)
        self.average_length = float(lengths[self.live].mean()) if self.count else 1.0
        self.length_norm = None
        self._value_sets = {}
        self._terms = OrderedDict()
        self._cached_postings = 0
        self._price_order = None
        self._suggestions = {}
        self._stored = OrderedDict()

    def close(self):
        self.searcher.close()

    def _column(self, name):
        """One value per document, read segment by segment: Whoosh's multi-segment column
        reader skips a segment without the column (one holding only the vocabulary
        document, say), which would shift every later value."""
        column = np.full(self.size, NO_VALUE, dtype=np.int64)
        for leaf, offset in self.leaves:
            if leaf.has_column(name):
                values = read_numeric_column(leaf, name, NO_VALUE)
                column[offset : offset + len(values)] = values
        return column

    # Postings -----------------------------------------------------------------------

    def postings(self, field, text):
        """(docnums, weights) of a term across all segments, deleted documents included."""
        docs, weights = [], []
        for leaf, offset in self.leaves:
            try:
                matcher = leaf.postings(field, text)
            except TermNotFound:  # the term is not in this segment
                continue
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child  # deletions are applied through self.live
            leaf_docs, leaf_weights = read_postings(matcher)
            docs.append(leaf_docs + offset)
            weights.append(leaf_weights)
        if not docs:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return np.concatenate(docs), np.concatenate(weights)

    def value_set(self, field, value):
        """The documents with a filter value, as a boolean array (cached)."""
        key = (field, value)
        found = self._value_sets.get(key)
        if found is None:
            docs, _ = self.postings(field, value)
            found = np.zeros(self.size, dtype=bool)
            found[docs] = True
            found &= self.live
            self._value_sets[key] = found
        return found

    def term_scores(self, text):
        """BM25 scores of one content term, as (docnums, scores); cached, least recently used out."""
        cached = self._terms.get(text)
        if cached is not None:
            self._terms.move_to_end(text)
            return cached
        docs, weights = self.postings("content", text)
        if len(docs):
            keep = self.live[docs]
            docs, weights = docs[keep], weights[keep]
        frequency = len(docs)
        idf = math.log(1 + (self.count - frequency + 0.5) / (frequency + 0.5))
        if self.length_norm is None:
            lengths = self.columns["length"].astype(np.float32)
            self.length_norm = (K1 * (1 - B + B * lengths / self.average_length)).astype(np.float32)
        scores = (idf * weights * (K1 + 1) / (weights + self.length_norm[docs])).astype(np.float32)
        cached = (docs, scores)
        self._terms[text] = cached
        self._cached_postings += len(docs)
        while self._cached_postings > MAX_CACHED_POSTINGS and len(self._terms) > 1:
            _, (old_docs, _) = self._terms.popitem(last=False)
            self._cached_postings -= len(old_docs)
        return cached

    def in_titles(self, words):
        """The documents whose title has every one of these stemmed words, as a boolean array."""
        found = self.live.copy()
        for word in words:
            key = TITLE_MARK + word
            cached = self._terms.get(key)
            if cached is None:
                cached = (self.postings("content", key)[0], None)
                self._terms[key] = cached
                self._cached_postings += len(cached[0])
            in_title = np.zeros(self.size, dtype=bool)
            in_title[cached[0]] = True
            found &= in_title
        return found

    def frequency(self, field, text):
        return self.reader.doc_frequency(field, text)

    def price_at_most(self, pence):
        """The documents priced at or below `pence` (price on request excluded).

        Sorted prices with cumulative sets at checkpoints make any limit cheap.
        """
        if self._price_order is None:
            prices = self.columns["price"]
            priced = np.flatnonzero((prices >= 0) & self.live)
            order = priced[np.argsort(prices[priced], kind="stable")]
            self._price_order = (order, prices[order], {})
        order, sorted_prices, checkpoints = self._price_order
        end = int(np.searchsorted(sorted_prices, pence, side="right"))
        mark = end - end % PRICE_CHECKPOINT
        base = checkpoints.get(mark)
        if base is None:
            base = np.zeros(self.size, dtype=bool)
            base[order[:mark]] = True
            checkpoints[mark] = base
        found = base.copy()
        found[order[mark:end]] = True
        return found

    # Spelling -----------------------------------------------------------------------

    def corrections(self, word):
        """Indexed words within a small edit distance of `word`, commonest first (cached)."""
        found = self._suggestions.get(word)
        if found is None:
            distance = 1 if len(word) <= 5 else 2
            candidates = set()
            for leaf, _ in self.leaves:
                candidates.update(leaf.terms_within("words", word, distance))
            candidates.discard(word)
            ranked = sorted(
                candidates,
                key=lambda c: (_edit_distance(word, c), -self.frequency("content", stem_of(c) or c), c),
            )
            found = ranked[:3]
            self._suggestions[word] = found
        return found

    def knows_word(self, word):
        return self.frequency("words", word) > 0

    def stored(self, docnum):
        """A document's stored fields (cached, least recently used out: the offers a results
        page shows are shown again and again, and reading them was a twentieth of a search)."""
        docnum = int(docnum)
        fields = self._stored.get(docnum)
        if fields is not None:
            self._stored.move_to_end(docnum)
            return fields
        fields = self.searcher.stored_fields(docnum)
        self._stored[docnum] = fields
        if len(self._stored) > MAX_CACHED_STORED:
            self._stored.popitem(last=False)
        return fields


K1, B = 1.2, 0.75


def _edit_distance(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


class Reader:
    """A process's view of the index: reuses one snapshot until the index changes.

    Checking for a change costs a stat of the pointer file and a directory listing, at most
    every CHANGE_CHECK_SECONDS, so a commit in any process is seen well within a second.
    Readers never take the write lock.
    """

    def __init__(self, path):
        self.directory = IndexDirectory(path)
        self._lock = threading.RLock()
        self._snapshot = None
        self._ix = None
        self._pointer = None
        self._checked_at = 0.0

    @contextmanager
    def snapshot(self):
        with self._lock:
            self._refresh_if_changed()
            yield self._snapshot

    def look_again(self):
        self._checked_at = 0.0

    def forget(self):
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
            self._snapshot = self._ix = self._pointer = None

    def _refresh_if_changed(self):
        now = time.monotonic()
        if self._snapshot is not None and now - self._checked_at < CHANGE_CHECK_SECONDS:
            return
        self._checked_at = now
        pointer = self.directory.pointer_stamp()
        if self._snapshot is None or pointer != self._pointer:
            self.forget()
            self._pointer = pointer
            self._ix, name = self.directory.open_current()
            self._pointer = self.directory.pointer_stamp()
            use_synonym_table(self.directory.synonyms(name))
            self._snapshot = Snapshot(self._ix.searcher(), name)
            return
        if not self._snapshot.searcher.up_to_date():
            # A fresh searcher, not searcher.refresh(): in this Whoosh version refresh()
            # reuses a segment's old reader even when documents in it were deleted since.
            old = self._snapshot
            self._snapshot = Snapshot(self._ix.searcher(), old.name)
            old.close()


_readers = {}
_readers_lock = threading.Lock()


def reader_for(path):
    """The process-wide Reader of an index directory."""
    with _readers_lock:
        found = _readers.get(str(path))
        if found is None:
            found = _readers[str(path)] = Reader(path)
        return found


def document_count(path):
    with reader_for(path).snapshot() as snapshot:
        return snapshot.count


def offer_ids(path):
    """Every offer id in the live index (for tests and checks)."""
    with reader_for(path).snapshot() as snapshot:
        return {
            int(snapshot.stored(docnum)["offer_id"]) for docnum in np.flatnonzero(snapshot.live)
        }
