"""Every use of Whoosh's private API, in one place.

Whoosh gives no public way to read a term's postings a block at a time, a column all at
once, or to count an index's segments. These functions reach into its internals (names
starting with an underscore), which a Whoosh upgrade may change without notice: check them
first then.
The rest of the package uses only Whoosh's public API.
"""

import numpy as np
from whoosh.columns import NumericColumn


def segment_count(ix):
    """How many segments the index `ix` has (private: FileIndex._segments)."""
    return len(ix._segments())


def read_postings(matcher):
    """A leaf matcher's postings as (docnums, weights) arrays.

    Whoosh's W3 codec is read a block at a time through its private block API (_data,
    _read_data, _byteids, _next_block), and each block decoded with NumPy: the codec keeps
    a block's document numbers as differences, which Whoosh adds up one by one in Python,
    most of the first search after a start at 100 000 offers. Any other codec is read one
    posting at a time.
    """
    docs, weights = [], []
    if hasattr(matcher, "_read_data") and hasattr(matcher, "_next_block") and not matcher._byteids:
        while matcher.is_active():
            block_docs, block_weights = _block_postings(matcher)
            docs.append(block_docs)
            weights.append(block_weights)
            matcher._next_block()
        if docs:
            return np.concatenate(docs), np.concatenate(weights)
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    while matcher.is_active():  # any other codec: one posting at a time
        docs.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(docs, dtype=np.int64), np.asarray(weights, dtype=np.float32)


def _block_postings(matcher):
    """The current block's (docnums, weights). The codec writes the document numbers as
    differences, and the weights as None (all 1), one number (all the same) or one each."""
    if matcher._data is None:
        matcher._read_data()
    differences, weights = matcher._data[0], matcher._data[1]
    docs = np.cumsum(np.asarray(differences, dtype=np.int64))
    if weights is None:
        return docs, np.ones(len(docs), dtype=np.float32)
    if isinstance(weights, int | float):
        return docs, np.full(len(docs), weights, dtype=np.float32)
    return docs, np.asarray(weights, dtype=np.float32)


def read_numeric_column(leaf, name, default):
    """A segment's numeric column as an int64 array, one value per document.

    A 64-bit NumericColumn is read in one piece (private: its reader's _dbfile, _basepos,
    _count, _fixedlen and _typecode; values past _count were never written and are the
    default); read value by value it was most of the first search after a start, 600 000
    Python steps at 100 000 offers. Any other column is read value by value.
    """
    reader = leaf.column_reader(name, translate=False)
    values = np.full(leaf.doc_count_all(), default, dtype=np.int64)
    if isinstance(reader, NumericColumn.Reader) and reader._typecode == "q":
        stored = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
        values[: reader._count] = np.frombuffer(stored, dtype=">i8")  # written big-endian
    else:
        values[:] = np.fromiter((int(value) for value in reader), dtype=np.int64, count=len(values))
    return values
