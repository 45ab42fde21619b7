"""Every use of Whoosh's private API, in one place.

Whoosh gives no public way to read a term's postings a block at a time or to count an
index's segments. These functions reach into its internals (names starting with an
underscore), which a Whoosh upgrade may change without notice: check them first then.
The rest of the package uses only Whoosh's public API.
"""

import numpy as np


def segment_count(ix):
    """How many segments the index `ix` has (private: FileIndex._segments)."""
    return len(ix._segments())


def read_postings(matcher):
    """A leaf matcher's postings as (docnums, weights) arrays.

    Whoosh's W3 codec is read a block at a time through its private block API (_read_ids,
    _read_weights, _ids, _weights, _next_block); any other codec one posting at a time.
    """
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
