"""Querying and ranking: matching, filters, facet counts, BM25 order, spelling, distance.

Matching, filtering, facet counts and ranking are array operations over a Snapshot; Whoosh
only supplies the postings.
"""

import math

import numpy as np

from elp.search.index.analysis import concept_groups, stems
from elp.search.index.schema import ALL_DISTRICTS
from elp.search.index.snapshot import reader_for

FACET_FIELDS = ("category", "phase", "district", "mode")
# Longer words are never spell-corrected: no word a school types is this long, and the
# search for near spellings grows with the word (a 2,000-letter word took a second).
MAX_CORRECTED_LENGTH = 30
# How much more a query group scores in an offer whose title has the words typed.
TITLE_BOOST = np.float32(1.5)


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
    page = docnums[offset : offset + limit]
    distances = [None] * len(page) if origin is None else _page_distances(snapshot, page, origin)
    hits = [(snapshot.stored(docnum), distance) for docnum, distance in zip(page, distances)]
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


def _page_distances(snapshot, docnums, origin):
    """Each document's distance in metres, None where unknown: for a page at once, as one
    array operation per page costs what one per result did."""
    return [None if math.isinf(metres) else float(metres) for metres in _distances(snapshot, docnums, origin)]
