"""Snippets: a passage of an offer's text around what was found, with the matches marked."""

from functools import lru_cache

from markupsafe import Markup, escape

from elp.search.index.analysis import WORD, everyday_word, phrases_of, stem_of, synonym_table

SNIPPET_CHARS = 220
SNIPPET_SCAN_CHARS = 1500  # look for matches this far into a description, no further


@lru_cache(maxsize=4)
def _phrases_by_concept(table):
    by_concept = {}
    for key, concept in phrases_of(table).items():
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
        for key in _phrases_by_concept(synonym_table()).get(term, ()):
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
        (window_start + m.start(), window_start + m.end(), stem_of(m.group()))
        for m in WORD.finditer(text[window_start:window_end])
    ]
    words = [word for word in words if word[2] is not None]  # stop words never match
    spans = []
    i = 0
    while i < len(words):
        stem = words[i][2]
        size = 1 if stem in terms else 0
        word = text[words[i][0] : words[i][1]]
        for key in phrases.get(stem, ()):
            if tuple(w[2] for w in words[i : i + len(key)]) == key and not everyday_word(key, word):
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
