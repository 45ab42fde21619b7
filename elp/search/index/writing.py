"""Writing the index: the write lock, and documents turned into Whoosh fields."""

from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.index import LockError

from elp.search.index.analysis import weighted
from elp.search.index.schema import ALL_DISTRICTS, NO_VALUE, VOCABULARY_ID
from elp.search.index.snapshot import reader_for
from elp.search.index.snippets import snippet_text
from elp.search.index.whoosh_private import segment_count

WRITE_TIMEOUT_SECONDS = 10.0


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
            merge = segment_count(ix) >= 8
        writer.commit(merge=merge)
    reader_for(directory.path).look_again()  # this process sees its own write at once


def write_document(writer, document):
    writer.update_document(**_whoosh_fields(document, writer.schema))


def add_document(writer, document, vocabulary):
    """Add a document to a fresh generation (no older copy to replace).

    Its spelling words go into `vocabulary` (a set) instead of the document: written once
    with add_vocabulary, they cost a fraction of writing them with every offer.
    """
    fields = _whoosh_fields(document, writer.schema)
    vocabulary.update(fields.pop("words").lower().split())
    writer.add_document(**fields)


def add_vocabulary(writer, vocabulary):
    """Write the words for "did you mean" as one document that searches never return."""
    writer.add_document(offer_id=VOCABULARY_ID, words=" ".join(sorted(vocabulary)))


def delete_offer(writer, offer_id):
    writer.delete_by_term("offer_id", str(offer_id))


def _whoosh_fields(document, schema):
    """The document's fields that `schema` has: a generation written before a field was
    added lacks it, Whoosh refuses a field its schema lacks, and such a generation is
    written as it was until it is rebuilt (`elp reindex`)."""
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
        "snippet_text": snippet_text(document["description"]),
        "description": document["description"],  # only generations older than snippet_text keep it
        "school_name": document["school_name"],
        "school_district": document["school_district"],
        "unit": document["unit"],
        "price_pence": price,
    }
    return {name: value for name, value in fields.items() if name in schema}


def _or_no_value(value):
    return NO_VALUE if value is None else value
