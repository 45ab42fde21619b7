"""Snippets: a passage of an offer's text around what was found, with the matches marked."""

import re
from functools import lru_cache

from markupsafe import Markup, escape

from elp.search.index.analysis import WORD, everyday_word, phrases_of, stem_of, synonym_table

SNIPPET_CHARS = 220
SNIPPET_SCAN_CHARS = 1500  # look for matches this far into a description, no further


# What starts a line in Markdown without being words: rules, setext underlines and a table's
# header separator (a line of three or more -, =, * or _, with pipes and colons), then quote marks, list markers ("-", "+", "*", "1.", "1)")
# and heading marks, however deeply nested.
_MARKDOWN_RULE = re.compile(r"^[ \t|:]*(?:[-=*_][ \t|:]*){3,}$", re.MULTILINE)
_MARKDOWN_LINE_START = re.compile(
    r"^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|#{1,6}(?=[ \t]|$)))+", re.MULTILINE
)
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_EMPHASIS = re.compile(r"[*_`~]+")
_MARKDOWN_BLOCKS = re.compile(r"[#>|]+")


def plain_text(markdown):
    """Markdown reduced to its words, for snippets: no list markers, heading or quote
    marks, rules, emphasis, table pipes or link targets."""
    text = _MARKDOWN_LINE_START.sub(" ", _MARKDOWN_RULE.sub(" ", markdown or ""))
    text = _MARKDOWN_LINK.sub(r"\1", _MARKDOWN_ESCAPE.sub(r"\1", text))
    return " ".join(_MARKDOWN_BLOCKS.sub(" ", _MARKDOWN_EMPHASIS.sub("", text)).split())


def snippet_text(markdown):
    """What snippets are taken from: the words of a description, as far as a snippet looks."""
    return plain_text(markdown)[:SNIPPET_SCAN_CHARS]


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
    window_start, window_end = max(0, min(found) - 80), min(found) + SNIPPET_CHARS + 80
    marked = _marked(text, terms, phrases, window_start, window_end)
    if marked or (window_start == 0 and window_end >= len(text)):  # the whole text was read
        return marked
    return _marked(text, terms, phrases, 0, len(text))


def _marked(text, terms, phrases, window_start, window_end):
    passage = text[window_start:window_end]
    # Stems found in bulk (map), stop words (stem None) left out, and only the words that can
    # start a match looked at: stemming and testing each word in the loop was most of the
    # time a results page spent on its snippets.
    words = [
        (match, stem)
        for match, stem in zip(WORD.finditer(passage), map(stem_of, WORD.findall(passage)))
        if stem
    ]
    kept = [match for match, _ in words]
    stems = [stem for _, stem in words]
    starts = set(terms).union(phrases)
    spans, next_free = [], 0
    for i in [i for i, stem in enumerate(stems) if stem in starts]:
        if i < next_free:  # inside a phrase already marked
            continue
        stem = stems[i]
        size = 1 if stem in terms else 0
        word = kept[i].group()
        for key in phrases.get(stem, ()):
            if tuple(stems[i : i + len(key)]) == key and not everyday_word(key, word):
                size = len(key)
                break
        if size:
            spans.append((window_start + kept[i].start(), window_start + kept[i + size - 1].end()))
            next_free = i + size
    if not spans:
        return ""
    start = max(0, spans[0][0] - 60)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > spans[0][1] else end
    # One Markup at the end, from escaped pieces: a Markup per piece cost as much again.
    parts, position = ["… " if start else ""], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts += (
            escape(text[position:span_start]),
            '<mark class="elp-highlight">', escape(text[span_start:span_end]), "</mark>",
        )
        position = span_end
    parts += (escape(text[position:end]), " …" if end < len(text) else "")
    return Markup("".join(parts))
