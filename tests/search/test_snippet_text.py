"""A description's words for snippets are stored in the index when it is written, and an
index written before they were stored still shows its snippets until it is rebuilt."""

import numpy as np

from elp.search import index, sync
from elp.search.index import generations
from elp.search.services import SearchRequest, search_offers
from tests.factories import make_offer

DESCRIPTION = "## How we help\n\n**Phonics** for [early readers](https://example.org), _every_ week."
SNIPPET = 'How we help <mark class="elp-highlight">Phonics</mark> for early readers, every week.'


def _snippet(q):
    [hit] = search_offers(SearchRequest.from_args({"q": q})).hits
    return str(hit.snippet)


def _stored(app):
    with index.reader_for(app.config["INDEX_DIR"]).snapshot() as live:
        [docnum] = np.flatnonzero(live.live)
        return live.stored(docnum)


def test_the_index_stores_the_description_s_words_and_results_read_them(db, app, monkeypatch):
    make_offer(title="Reading catch-up", description=DESCRIPTION)

    stored = _stored(app)
    assert stored["snippet_text"] == "How we help Phonics for early readers, every week."
    assert "description" not in stored
    monkeypatch.setattr(index, "plain_text", None)  # never called for a result
    assert _snippet("phonics") == SNIPPET


def _schema_before_snippet_text(synonyms=None):
    schema = index.schema(synonyms)
    schema.remove("snippet_text")
    schema.add("description", schema["title"])  # stored, as it was
    return schema


def test_an_index_written_before_snippet_text_keeps_working_until_rebuilt(db, app, monkeypatch):
    monkeypatch.setattr(generations, "schema", _schema_before_snippet_text)
    make_offer(title="Reading catch-up", description=DESCRIPTION)  # written into that index

    assert _stored(app)["description"] == DESCRIPTION
    assert _snippet("phonics") == SNIPPET

    monkeypatch.undo()
    sync.reindex(app)

    assert "snippet_text" in _stored(app)
    assert _snippet("phonics") == SNIPPET
