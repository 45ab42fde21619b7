"""The search index: the one module that knows the engine is Whoosh.

Everything else talks to it in plain terms: documents are dicts made by
`elp.search.documents`, queries are lists of word groups, results are offer ids with the
stored fields the results page shows.

Layout on disk: INDEX_DIR holds one Whoosh index per generation (`gen-…` folders) and a
pointer file CURRENT naming the live one. A rebuild writes a fresh generation and swaps the
pointer with an atomic rename, so readers never see a half-built index.

Whoosh's query collectors score every matching document in Python, which is too slow for
broad queries with facet counts over 100 000 offers (see docs/decisions). So each searcher
keeps, for as long as the index is unchanged, NumPy arrays of its per-document values, the
document sets of every filter value, and the postings of recently used terms; matching,
filtering, facet counts and BM25 ranking are then array operations. Whoosh still does
analysis, storage, postings, locking, spelling and highlighting.
"""

import json
import logging
import math
import os
import re
import shutil
import threading
import time
import uuid
from collections import OrderedDict, deque
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import numpy as np
from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS, LowercaseFilter, RegexTokenizer, Token, Tokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.lang.porter import stem as porter_stem
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

log = logging.getLogger(__name__)

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
POINTER = "CURRENT"
VOCABULARY_ID = "~vocabulary"
ALL_DISTRICTS = "all"  # the districts value of an offer that serves the whole of Essex
NO_VALUE = -1  # numeric columns: price on request, unknown coordinates
WRITE_TIMEOUT_SECONDS = 10.0
CHANGE_CHECK_SECONDS = 0.2  # how often a reader looks for a newer index
MAX_CACHED_POSTINGS = 4_000_000  # bounds the term cache (about 32 MB)
PRICE_CHECKPOINT = 512  # price-band sets are cached every this many offers
FACET_FIELDS = ("category", "phase", "district", "mode")
MAX_QUERY_WORDS = 32
MAX_QUERY_CHARS = 500  # room for MAX_QUERY_WORDS words; any longer text is cut before any work
# Longer words are never spell-corrected: no word a school types is this long, and the
# search for near spellings grows with the word (a 2,000-letter word took a second).
MAX_CORRECTED_LENGTH = 30

# --- analysis ---------------------------------------------------------------------------

_TOKENS = r"\w+"
_WORD = re.compile(_TOKENS)


@lru_cache(maxsize=50_000)
def _stem_of(word):
    """The index's form of one word: lower case, English stem; None for a stop word."""
    word = word.lower()
    return None if word in STOP_WORDS else porter_stem(word)


def stems(text):
    """The stemmed words of `text`, as the index sees them (stop words dropped)."""
    return [stem for stem in map(_stem_of, _WORD.findall(text)) if stem is not None]


def _synonym_groups():
    """(concept token, entries) for each line of synonyms.txt."""
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        line = line.split("#", 1)[0].strip()
        if line:  # "~" never comes out of the tokenizer, so no word collides with a concept
            yield f"~{number}", [entry.strip() for entry in line.split(",")]


@lru_cache(maxsize=1)
def synonym_phrases():
    """{tuple of stems: concept token} from synonyms.txt; each group shares one concept."""
    phrases = {}
    for concept, entries in _synonym_groups():
        for entry in entries:
            key = tuple(stems(entry))
            if key:
                phrases[key] = concept
    return phrases


@lru_cache(maxsize=1)
def acronyms():
    """The stems of the table's one-word entries written in capitals (SEND, ASD, SALT).

    Several are everyday words too ("please send us", "a pinch of salt"), so a word of the
    text stands for such an entry only when it is written in capitals.
    """
    return {
        key[0]
        for _, entries in _synonym_groups()
        for entry, key in ((entry, stems(entry)) for entry in entries)
        if entry.isupper() and len(key) == 1
    }


def written_in_capitals(word):
    """Whether a word is written as an acronym: SEND, KS1 and SENCo are; Send and send are not."""
    return word[:2].isupper()


def _everyday_word(key, word):
    """Whether `word`, found as the synonym entry `key`, is an acronym's everyday word."""
    return len(key) == 1 and key[0] in acronyms() and not written_in_capitals(word)


SECTION, WEIGHT = "\x1e", "\x1f"  # control characters: never part of a word
# The title's words are indexed a second time with this mark in front ("\x1dphonic"), so a
# word typed in the query and found in an offer's title can outrank the same word further
# down: once the description has repeated a word a few times, BM25 no longer tells where it
# was written, and a synonym in the title ("early reading" for "phonics") is not the word.
TITLE_MARK = "\x1d"
TITLE_SECTION = "title"
# How much more a query group scores in an offer whose title has the words typed.
TITLE_BOOST = np.float32(1.5)


def weighted(sections, title=None):
    """Join (weight, text) sections into one value for the content field, and the title's
    marked words after them (see TITLE_MARK)."""
    if title is not None:
        sections = [*sections, (TITLE_SECTION, title)]
    return SECTION.join(f"{weight}{WEIGHT}{text.replace(SECTION, ' ')}" for weight, text in sections)


class ContentAnalyzer(Tokenizer):
    """The content field's analyser: words, lower case, no stop words, English stems, and a
    concept token after every synonym-table entry (an acronym's only where it is written in
    capitals).

    The words stay and the concept is added, so a query for any entry of a group, turned
    into the concept, finds every other entry. The value may be a list of (weight, text)
    sections (see weighted): each word's weight counts as that many occurrences, which is how the title
    and summary weigh more than the description. One pass, no token copies: indexing
    100 000 offers spends most of its time here.
    """

    def __init__(self):
        self.phrases = synonym_phrases()
        self.longest = max(len(key) for key in self.phrases)
        self.last_words = {key[-1] for key in self.phrases}

    def __call__(self, value, positions=False, chars=False, removestops=True, start_pos=0,
                 start_char=0, mode="", **kwargs):
        sections = [(1.0, value)]
        if SECTION in value:  # Whoosh takes a list for ready-made tokens, so sections travel in a string
            sections = [part.split(WEIGHT, 1) for part in value.split(SECTION)]
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for weight, text in sections:
            if weight == TITLE_SECTION:
                yield from self._title_words(token, text, position)
                continue
            recent = deque(maxlen=self.longest)
            for match in _WORD.finditer(text):
                stem = _stem_of(match.group())
                if stem is None:
                    continue
                token.text, token.boost, token.stopped = stem, float(weight), False
                if positions:
                    token.pos = position
                if chars:
                    token.startchar, token.endchar = match.start(), match.end()
                yield token
                recent.append(stem)
                if stem in self.last_words:
                    words = tuple(recent)
                    for size in range(len(words), 0, -1):
                        concept = self.phrases.get(words[-size:])
                        if concept:
                            if not _everyday_word(words[-size:], match.group()):
                                token.text = concept
                                yield token
                            break
                position += 1

    @staticmethod
    def _title_words(token, text, position):
        """The title's words with TITLE_MARK in front, and no concepts: only the words as written."""
        for match in _WORD.finditer(text):
            stem = _stem_of(match.group())
            if stem is not None:
                token.text, token.boost, token.stopped = TITLE_MARK + stem, 1.0, False
                token.pos, token.startchar, token.endchar = position, match.start(), match.end()
                yield token
                position += 1


class Group(NamedTuple):
    """Words of a query that match as one: a synonym phrase, a district's name or a word.

    A document matches a group through any of its terms; a place's group, through all of
    them (the words of the name) or by serving the district. It must match every group.
    """

    terms: tuple
    original: str  # the user's words for it
    place: str | None = None  # the district these words name


def concept_groups(text, places=None):
    """Split query text into Groups, in query order.

    A synonym-table entry becomes its concept; an acronym typed in lower case ("send") the
    concept or the everyday word, as the user may mean either; any other word its stem. A
    name in `places` ({tuple of stems: district name}) is one group however many words it
    has, so "Castle Point" works as "Harlow" does.
    """
    words = []  # (stem, original) with stop words dropped
    for match in _WORD.finditer(text[:MAX_QUERY_CHARS]):
        stem = _stem_of(match.group())
        if stem is not None:
            words.append((stem, match.group()))
        if len(words) == MAX_QUERY_WORDS * 2:
            break
    places = places or {}
    phrases = synonym_phrases()
    longest = max(len(key) for key in chain(phrases, places))
    groups, i = [], 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            group = _group_of(words[i : i + size], phrases, places)
            if group:  # always, for a single word
                groups.append(group)
                i += size
                break
    return groups[:MAX_QUERY_WORDS]


def _group_of(words, phrases, places):
    """The Group these (stem, original) words make together, or None if they make none."""
    key = tuple(stem for stem, _ in words)
    original = " ".join(word for _, word in words)
    if key in places:
        return Group(key, original, places[key])
    concept = phrases.get(key)
    if concept and _everyday_word(key, original):
        return Group((concept, key[0]), original)
    if concept:
        return Group((concept,), original)
    if len(key) == 1:
        return Group(key, original)
    return None


# --- schema -----------------------------------------------------------------------------


def _number():
    """A per-document number kept only as a column: read in bulk, never searched as terms."""
    return COLUMN(NumericColumn("q", default=NO_VALUE))


def _keyword():
    # scorable=True gives the field a length column; without one Whoosh checks the disk for
    # that column once per posting while writing, which made indexing several times slower.
    return KEYWORD(commas=True, lowercase=False, scorable=True)


def schema():
    return Schema(
        offer_id=KEYWORD(stored=True, unique=True, scorable=True),
        # All the offer's text, title, summary and specialisms weighing more (see sync.py).
        content=TEXT(analyzer=ContentAnalyzer(), phrase=False),
        # Unstemmed words of the short fields, for "did you mean" and typo-tolerant matching.
        words=TEXT(analyzer=RegexTokenizer(_TOKENS) | LowercaseFilter(), phrase=False),
        category=_keyword(),
        phase=_keyword(),
        district=_keyword(),  # districts served; ALL_DISTRICTS for all of Essex
        mode=_keyword(),
        available=_keyword(),  # "yes" while capacity is left (or not limited)
        price=_number(),
        capacity=_number(),
        created=_number(),
        easting=_number(),
        northing=_number(),
        length=_number(),
        title=STORED,
        summary=STORED,
        description=STORED,
        school_name=STORED,
        school_district=STORED,
        unit=STORED,
        price_pence=STORED,
    )


# --- the directory of generations ---------------------------------------------------------


class IndexDirectory:
    """INDEX_DIR: the live generation, new generations, and the swap between them."""

    def __init__(self, path):
        self.path = Path(path)

    def current_name(self):
        try:
            return (self.path / POINTER).read_text().strip() or None
        except FileNotFoundError:
            return None

    def pointer_stamp(self):
        try:
            stat = (self.path / POINTER).stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_ino)

    def open_current(self):
        """Open the live index, creating an empty one on first use."""
        name = self.current_name()
        if name is None:
            fresh = self.create_generation()
            self._point_to(fresh, replace=False)
            name = self.current_name()
        return whoosh_index.open_dir(str(self.path / name)), name

    def create_generation(self):
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        (self.path / name).mkdir()
        whoosh_index.create_in(str(self.path / name), schema())
        return name

    def swap_to(self, name):
        """Make `name` the live generation (atomic) and remove all but the previous one."""
        self._point_to(name, replace=True)
        keep = {name, self._previous}
        for folder in self.path.glob("gen-*"):
            if folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)

    def _point_to(self, name, replace):
        self._previous = self.current_name()
        temporary = self.path / f"{POINTER}.{uuid.uuid4().hex}"
        temporary.write_text(name + "\n")
        if replace:
            os.replace(temporary, self.path / POINTER)
            return
        try:
            os.link(temporary, self.path / POINTER)  # fails if another process got there first
        except FileExistsError:
            shutil.rmtree(self.path / name, ignore_errors=True)
        finally:
            temporary.unlink()

    def remove_everything(self):
        shutil.rmtree(self.path, ignore_errors=True)

    def state_file(self, name):
        return self.path / name / "sync-state.json"


def read_state(directory, name):
    try:
        return json.loads(directory.state_file(name).read_text())
    except FileNotFoundError:
        return {"applied_through": 0, "applied": []}


def write_state(directory, name, state):
    """Write the sync state atomically (callers hold the index's write lock)."""
    path = directory.state_file(name)
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, path)


# --- writing ----------------------------------------------------------------------------


class IndexBusy(Exception):
    """Another process is writing the index and did not finish within the timeout."""


@contextmanager
def writing(directory, name=None, timeout=WRITE_TIMEOUT_SECONDS, merge=None, processes=1):
    """Yield a Whoosh writer on the generation `name` (the live one by default).

    Writers serialise on Whoosh's lock and wait up to `timeout` seconds for it (Whoosh's
    default gives up at once). The writer commits on leaving the block, or is cancelled on
    an error. Single updates skip the merge unless segments pile up: a merge costs tens of
    milliseconds and readers pay for many segments. `processes` > 1 analyses documents in
    that many worker processes (for rebuilding a whole generation).
    """
    if name is None:
        ix, name = directory.open_current()
    else:
        ix = whoosh_index.open_dir(str(directory.path / name))
    try:
        if processes > 1:
            writer = ix.writer(procs=processes, multisegment=True, batchsize=250, timeout=timeout)
        else:
            writer = ix.writer(timeout=timeout, delay=0.05)
    except LockError as error:
        raise IndexBusy(f"The search index is busy (waited {timeout} s).") from error
    try:
        writer.index_name = name
        yield writer
    except BaseException:
        writer.cancel()
        raise
    if processes > 1:
        writer.commit()
    else:
        if merge is None:
            merge = len(ix._segments()) >= 8
        writer.commit(merge=merge)
    reader_for(directory.path).look_again()  # this process sees its own write at once


def write_document(writer, document):
    writer.update_document(**_whoosh_fields(document))


def add_document(writer, document, vocabulary):
    """Add a document to a fresh generation (no older copy to replace).

    Its spelling words go into `vocabulary` (a set) instead of the document: written once
    with add_vocabulary, they cost a fraction of writing them with every offer.
    """
    fields = _whoosh_fields(document)
    vocabulary.update(fields.pop("words").lower().split())
    writer.add_document(**fields)


def add_vocabulary(writer, vocabulary):
    """Write the words for "did you mean" as one document that searches never return."""
    writer.add_document(offer_id=VOCABULARY_ID, words=" ".join(sorted(vocabulary)))


def delete_offer(writer, offer_id):
    writer.delete_by_term("offer_id", str(offer_id))


def _whoosh_fields(document):
    price = document["price_pence"]
    fields = {
        "offer_id": str(document["offer_id"]),
        "content": weighted(document["weighted_text"], title=document["title"]),
        "words": document["spelling_text"],
        "category": document["category"],
        "phase": ",".join(document["phases"]),
        "district": ",".join(document["districts"] or [ALL_DISTRICTS]),
        "mode": document["mode"],
        "available": "yes" if document["has_capacity"] else "no",
        "price": NO_VALUE if price is None else price,
        "capacity": NO_VALUE if document["capacity"] is None else document["capacity"],
        "created": int(document["created"].timestamp()),
        "easting": _or_no_value(document["easting"]),
        "northing": _or_no_value(document["northing"]),
        "length": sum(int(weight) * len(text.split()) for weight, text in document["weighted_text"]),
        "title": document["title"],
        "summary": document["summary"],
        "description": document["description"],
        "school_name": document["school_name"],
        "school_district": document["school_district"],
        "unit": document["unit"],
        "price_pence": price,
    }
    return fields


def _or_no_value(value):
    return NO_VALUE if value is None else value


# --- reading ----------------------------------------------------------------------------


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

    def close(self):
        self.searcher.close()

    def _column(self, name):
        """One value per document, read segment by segment: Whoosh's multi-segment column
        reader skips a segment without the column (one holding only the vocabulary
        document, say), which would shift every later value."""
        column = np.full(self.size, NO_VALUE, dtype=np.int64)
        for leaf, offset in self.leaves:
            if leaf.has_column(name):
                count = leaf.doc_count_all()
                values = (int(value) for value in leaf.column_reader(name))
                column[offset : offset + count] = np.fromiter(values, dtype=np.int64, count=count)
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
            leaf_docs, leaf_weights = _read_matcher(matcher)
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
                key=lambda c: (_edit_distance(word, c), -self.frequency("content", _stem_of(c) or c), c),
            )
            found = ranked[:3]
            self._suggestions[word] = found
        return found

    def knows_word(self, word):
        return self.frequency("words", word) > 0

    def stored(self, docnum):
        return self.searcher.stored_fields(int(docnum))


K1, B = 1.2, 0.75


def _read_matcher(matcher):
    """Read a leaf matcher's postings a block at a time (fast path for Whoosh's W3 codec)."""
    docs, weights = [], []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            docs.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
        if docs:
            return np.concatenate(docs), np.concatenate(weights)
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    while matcher.is_active():  # any other codec: one posting at a time
        docs.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(docs, dtype=np.int64), np.asarray(weights, dtype=np.float32)


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


# --- searching --------------------------------------------------------------------------


class Filters:
    """Filter values in index terms; None means "any"."""

    def __init__(self, category=None, phase=None, district=None, mode=None, max_price_pence=None,
                 has_capacity=False):
        self.category = category
        self.phase = phase
        self.district = district
        self.mode = mode
        self.max_price_pence = max_price_pence
        self.has_capacity = has_capacity

    def active(self):
        names = ("category", "phase", "district", "mode", "max_price_pence", "has_capacity")
        return [name for name in names if getattr(self, name) not in (None, False)]


class Found:
    """What a search found: the page of documents and the counts around it."""

    def __init__(self, total, hits, facets, with_capacity, without, corrected, highlight_terms):
        self.total = total
        self.hits = hits  # [(stored fields dict, distance in metres or None)]
        self.facets = facets
        self.with_capacity = with_capacity  # how many would match with has_capacity applied
        self.without = without  # {active filter name: how many would match without it}
        self.corrected = corrected  # {original word: correction}
        self.highlight_terms = highlight_terms


def search(path, text, filters, facet_values, sort="relevance", offset=0, limit=20, origin=None):
    """Search the live index at `path`.

    Every word (or synonym phrase) of `text` must match; a word the index has never seen
    is replaced by its nearest indexed spellings. A district name in the text also matches
    offers that serve that district. `facet_values` names the values each facet counts:
    {"category": [...], "phase": [...], "district": [...], "mode": [...]}.
    """
    with reader_for(path).snapshot() as snapshot:
        return _search(snapshot, text, filters, facet_values, sort, offset, limit, origin)


def _search(snapshot, text, filters, facet_values, sort, offset, limit, origin):
    scores = np.zeros(snapshot.size, dtype=np.float32)
    matched = snapshot.live.copy()
    corrected, highlight_terms = {}, set()
    places = {tuple(stems(name)): name for name in facet_values["district"]}
    groups = concept_groups(text, places)
    for group in groups:
        group_scores, group_matched, group_terms, correction = _group(snapshot, group)
        if correction:
            corrected[group.original] = correction
        matched &= group_matched
        scores += group_scores
        highlight_terms |= group_terms
    has_text = bool(groups)

    # Each count is taken with the other filters applied, as a school changing one filter
    # would see it.
    filter_sets = _filter_sets(snapshot, filters)
    selected = _passing(matched, filter_sets)
    total = int(selected.sum())
    facets = {}
    for facet in FACET_FIELDS:
        base = _passing(matched, filter_sets, but=facet)
        counts = {
            value: int(np.count_nonzero(base & mask))
            for value, mask in _facet_sets(snapshot, facet, facet_values[facet])
        }
        facets[facet] = {value: count for value, count in counts.items() if count}
    with_capacity = int(np.count_nonzero(
        _passing(matched, filter_sets, but="has_capacity") & snapshot.value_set("available", "yes")
    ))
    without = {
        name: int(np.count_nonzero(_passing(matched, filter_sets, but=name))) for name in filter_sets
    }

    docnums = _order(snapshot, selected, scores, sort if has_text or sort != "relevance" else "newest",
                     offset + limit, origin)
    hits = []
    for docnum in docnums[offset : offset + limit]:
        distance = None
        if origin is not None:
            distance = _distance(snapshot, docnum, origin)
        hits.append((snapshot.stored(docnum), distance))
    return Found(total, hits, facets, with_capacity, without, corrected, highlight_terms)


def _passing(matched, filter_sets, but=None):
    """The matched documents that pass every filter except `but`."""
    found = matched.copy()
    for name, documents in filter_sets.items():
        if name != but:
            found &= documents
    return found


def _group(snapshot, group):
    """One query group over all documents: (scores, matched, content terms used, correction)."""
    if group.place:
        scores, matched = _place_scores(snapshot, group)
        return scores, matched, set(group.terms), None
    terms, correction = _spelled(snapshot, group)
    scores = np.zeros(snapshot.size, dtype=np.float32)
    for term in terms:
        docs, term_scores = snapshot.term_scores(term)
        if len(docs):
            scores[docs] = np.maximum(scores[docs], term_scores)
    typed = stems(correction or group.original)
    if typed:
        scores[snapshot.in_titles(typed)] *= TITLE_BOOST
    return scores, scores > 0, set(terms), correction


def _spelled(snapshot, group):
    """The terms to look up for a group, and the correction made, if any: a word the index
    has never seen is replaced by its nearest indexed spellings, unless too long to be one."""
    [term, *others] = group.terms
    if others or term.startswith("~") or snapshot.frequency("content", term):
        return group.terms, None
    word = group.original.lower()
    if len(word) > MAX_CORRECTED_LENGTH or snapshot.knows_word(word):
        return group.terms, None
    suggestions = snapshot.corrections(word)
    if not suggestions:
        return group.terms, None
    terms = [term for suggestion in suggestions for term in _terms_for(suggestion)]
    return terms or group.terms, suggestions[0]


def _place_scores(snapshot, group):
    """"behaviour support Castle Point": offers serving the district match its name, as do
    offers whose text has every word of it. Returns (scores, matched)."""
    named = snapshot.live.copy()
    scores = np.zeros(snapshot.size, dtype=np.float32)
    for term in group.terms:
        docs, term_scores = snapshot.term_scores(term)
        has_term = np.zeros(snapshot.size, dtype=bool)
        has_term[docs] = True
        named &= has_term
        scores[docs] += term_scores
    serving = snapshot.value_set("district", group.place) | snapshot.value_set(
        "district", ALL_DISTRICTS
    )
    return scores * named + serving * np.float32(0.1), named | serving


def _terms_for(word):
    return [term for group in concept_groups(word) for term in group.terms]


def _filter_sets(snapshot, filters):
    sets = {}
    if filters.category:
        sets["category"] = snapshot.value_set("category", filters.category)
    if filters.phase:
        sets["phase"] = snapshot.value_set("phase", filters.phase)
    if filters.district:
        sets["district"] = snapshot.value_set("district", filters.district) | snapshot.value_set(
            "district", ALL_DISTRICTS
        )
    if filters.mode:
        sets["mode"] = snapshot.value_set("mode", filters.mode)
    if filters.max_price_pence is not None:
        sets["max_price_pence"] = snapshot.price_at_most(filters.max_price_pence)
    if filters.has_capacity:
        sets["has_capacity"] = snapshot.value_set("available", "yes")
    return sets


def _facet_sets(snapshot, facet, values):
    for value in values:
        found = snapshot.value_set(facet, value)
        if facet == "district":
            found = found | snapshot.value_set("district", ALL_DISTRICTS)
        yield value, found


def _order(snapshot, selected, scores, sort, wanted, origin):
    """The first `wanted` selected documents in the chosen order."""
    candidates = np.flatnonzero(selected)
    if len(candidates) == 0:
        return candidates
    created = snapshot.columns["created"][candidates]
    if sort == "price":
        prices = snapshot.columns["price"][candidates].astype(np.float64)
        prices[prices < 0] = np.inf  # price on request last
        keys = (-created, prices)
    elif sort == "newest":
        keys = (-candidates, -created)
    elif sort == "distance" and origin is not None:
        keys = (-created, _distances(snapshot, candidates, origin))
    else:
        keys = (-created, -scores[candidates])
    if len(candidates) > wanted * 4:  # narrow to a safe shortlist before the full sort
        primary = keys[-1]
        cut = np.argpartition(primary, wanted - 1)[:wanted] if wanted < len(candidates) else None
        if cut is not None:
            threshold = primary[cut].max()
            keep = primary <= threshold
            candidates = candidates[keep]
            keys = tuple(k[keep] for k in keys)
    order = np.lexsort(keys)
    return candidates[order][:wanted]


def _distances(snapshot, docnums, origin):
    eastings = snapshot.columns["easting"][docnums].astype(np.float64)
    northings = snapshot.columns["northing"][docnums].astype(np.float64)
    metres = np.hypot(eastings - origin[0], northings - origin[1])
    metres[(eastings < 0) | (northings < 0)] = np.inf
    return metres


def _distance(snapshot, docnum, origin):
    metres = _distances(snapshot, np.array([docnum]), origin)[0]
    return None if math.isinf(metres) else float(metres)


# --- snippets ---------------------------------------------------------------------------

SNIPPET_CHARS = 220
SNIPPET_SCAN_CHARS = 1500  # look for matches this far into a description, no further


@lru_cache(maxsize=1)
def _phrases_by_concept():
    by_concept = {}
    for key, concept in synonym_phrases().items():
        by_concept.setdefault(concept, []).append(key)
    return by_concept


def snippet(text, terms):
    """HTML: a passage of `text` around the first matched word, matches marked; "" if none.

    Matching uses the index's own stems and synonym phrases; everything is escaped.
    """
    if not terms or not text:
        return ""
    text = text[:SNIPPET_SCAN_CHARS]
    phrases = {}  # first stem: the phrases starting with it, longest first
    for term in terms:
        for key in _phrases_by_concept().get(term, ()):
            phrases.setdefault(key[0], []).append(key)
    for keys in phrases.values():
        keys.sort(key=len, reverse=True)
    # Stems are nearly always prefixes of their words: a cheap look for those prefixes
    # skips texts that cannot match and narrows the rest to the passage worth analysing.
    lowered = text.lower()
    prefixes = {t[:4] for t in terms if not t.startswith("~")} | {s[:4] for s in phrases}
    found = [position for position in map(lowered.find, prefixes) if position >= 0]
    if not found:
        return ""
    window = max(0, min(found) - 80), min(found) + SNIPPET_CHARS + 80
    return _marked(text, terms, phrases, *window) or _marked(text, terms, phrases, 0, len(text))


def _marked(text, terms, phrases, window_start, window_end):
    words = [
        (window_start + m.start(), window_start + m.end(), _stem_of(m.group()))
        for m in _WORD.finditer(text[window_start:window_end])
    ]
    words = [word for word in words if word[2] is not None]  # stop words never match
    spans = []
    i = 0
    while i < len(words):
        stem = words[i][2]
        size = 1 if stem in terms else 0
        word = text[words[i][0] : words[i][1]]
        for key in phrases.get(stem, ()):
            if tuple(w[2] for w in words[i : i + len(key)]) == key and not _everyday_word(key, word):
                size = len(key)
                break
        if size:
            spans.append((words[i][0], words[i + size - 1][1]))
            i += size
        else:
            i += 1
    if not spans:
        return ""
    start = max(0, spans[0][0] - 60)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > spans[0][1] else end
    parts, position = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(Markup('<mark class="elp-highlight">%s</mark>') % text[span_start:span_end])
        position = span_end
    parts.append(escape(text[position:end]))
    return Markup("").join(
        [Markup("… ") if start else Markup("")] + parts + [Markup(" …") if end < len(text) else Markup("")]
    )


def document_count(path):
    with reader_for(path).snapshot() as snapshot:
        return snapshot.count


def offer_ids(path):
    """Every offer id in the live index (for tests and checks)."""
    with reader_for(path).snapshot() as snapshot:
        return {
            int(snapshot.stored(docnum)["offer_id"]) for docnum in np.flatnonzero(snapshot.live)
        }

