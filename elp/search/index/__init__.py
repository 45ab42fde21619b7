"""The search index: the one package that knows the engine is Whoosh.

Everything else talks to it in plain terms: documents are dicts made by
`elp.search.documents`, queries are lists of word groups, results are offer ids with the
stored fields the results page shows. Only the modules of this package import Whoosh, and
only `whoosh_private` touches Whoosh's private API.

- `analysis`: words, stems, synonyms and query word groups
- `schema`: the fields, and the values for "none" and "all"
- `generations`: INDEX_DIR's generations and the pointer to the live one, sync state
- `writing`: the write lock and documents written as Whoosh fields
- `snapshot`: a searcher's cached arrays, and the per-process Reader
- `query`: matching, filters, facet counts and ranking
- `snippets`: passages with the matches marked
- `whoosh_private`: the uses of Whoosh's private API

Whoosh's query collectors score every matching document in Python, which is too slow for
broad queries with facet counts over 100 000 offers (see docs/decisions). So each searcher
keeps, for as long as the index is unchanged, NumPy arrays of its per-document values, the
document sets of every filter value, and the postings of recently used terms; matching,
filtering, facet counts and BM25 ranking are then array operations. Whoosh still does
analysis, storage, postings, locking, spelling and highlighting.

Callers use the names below through the package (`index.search`, `index.writing`), so a
test that replaces one (`monkeypatch.setattr(index, "write_document", ...)`) replaces it
for `elp.search.sync`, which looks them up on the package at call time.
"""

from elp.search.index.analysis import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    ContentAnalyzer,
    Group,
    acronyms,
    concept_groups,
    seed_synonym_table,
    stems,
    synonym_groups,
    synonym_phrases,
    synonym_table,
    use_synonym_table,
    weighted,
    written_in_capitals,
)
from elp.search.index.generations import POINTER, IndexDirectory, read_state, write_state
from elp.search.index.query import FACET_FIELDS, Filters, Found, search
from elp.search.index.schema import ALL_DISTRICTS, NO_VALUE, VOCABULARY_ID, schema
from elp.search.index.snapshot import (
    CHANGE_CHECK_SECONDS,
    Reader,
    Snapshot,
    document_count,
    offer_ids,
    reader_for,
)
from elp.search.index.snippets import plain_text, snippet, snippet_text
from elp.search.index.writing import (
    WRITE_TIMEOUT_SECONDS,
    IndexBusy,
    add_document,
    add_vocabulary,
    delete_offer,
    write_document,
    writing,
)

__all__ = [
    "ALL_DISTRICTS",
    "CHANGE_CHECK_SECONDS",
    "FACET_FIELDS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_WORDS",
    "NO_VALUE",
    "POINTER",
    "VOCABULARY_ID",
    "WRITE_TIMEOUT_SECONDS",
    "ContentAnalyzer",
    "Filters",
    "Found",
    "Group",
    "IndexBusy",
    "IndexDirectory",
    "Reader",
    "Snapshot",
    "acronyms",
    "add_document",
    "add_vocabulary",
    "concept_groups",
    "delete_offer",
    "document_count",
    "offer_ids",
    "plain_text",
    "read_state",
    "reader_for",
    "schema",
    "search",
    "seed_synonym_table",
    "snippet",
    "snippet_text",
    "stems",
    "synonym_groups",
    "synonym_phrases",
    "synonym_table",
    "use_synonym_table",
    "weighted",
    "write_document",
    "write_state",
    "writing",
    "written_in_capitals",
]
