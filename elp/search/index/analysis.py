"""Analysis: how text becomes index terms, for documents and queries alike.

Words are lower-cased, stop words dropped and English stems taken; every entry of the
synonym table (admins edit it; synonyms.txt is its seed) adds a concept token, so a query
for any entry of a group finds the others. The same functions split query text into word groups.
"""

import re
from collections import deque
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

SYNONYMS_FILE = Path(__file__).parent.parent / "synonyms.txt"

MAX_QUERY_WORDS = 32
MAX_QUERY_CHARS = 500  # room for MAX_QUERY_WORDS words; any longer text is cut before any work

TOKENS = r"\w+"
WORD = re.compile(TOKENS)


@lru_cache(maxsize=50_000)
def stem_of(word):
    """The index's form of one word: lower case, English stem; None for a stop word."""
    word = word.lower()
    return None if word in STOP_WORDS else porter_stem(word)


def stems(text):
    """The stemmed words of `text`, as the index sees them (stop words dropped)."""
    return [stem for stem in map(stem_of, WORD.findall(text)) if stem is not None]


# The synonym table this process searches with: the live index generation's (the Reader
# sets it when it opens one, see `use_synonym_table`); None is the seed file.
_live_table = {"text": None}


@lru_cache(maxsize=1)
def seed_synonym_table():
    """The synonym table shipped with the service, the seed of the one admins edit."""
    return SYNONYMS_FILE.read_text(encoding="utf-8")


def synonym_table():
    """The text of the synonym table queries are read with."""
    text = _live_table["text"]
    return seed_synonym_table() if text is None else text


def use_synonym_table(text):
    """Read queries with this table (the live generation's); None for the seed file."""
    _live_table["text"] = text


def synonym_groups(text):
    """(concept token, entries) for each line of a synonym table's text."""
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if line:  # "~" never comes out of the tokenizer, so no word collides with a concept
            yield f"~{number}", [entry.strip() for entry in line.split(",") if entry.strip()]


@lru_cache(maxsize=4)
def phrases_of(text):
    """{tuple of stems: concept token} from a table's text; each group shares one concept."""
    phrases = {}
    for concept, entries in synonym_groups(text):
        for entry in entries:
            key = tuple(stems(entry))
            if key:
                phrases[key] = concept
    return phrases


@lru_cache(maxsize=4)
def acronyms_of(text):
    """The stems of a table's one-word entries written in capitals (SEND, ASD, SALT).

    Several are everyday words too ("please send us", "a pinch of salt"), so a word of the
    text stands for such an entry only when it is written in capitals.
    """
    return frozenset(
        key[0]
        for _, entries in synonym_groups(text)
        for entry, key in ((entry, stems(entry)) for entry in entries)
        if entry.isupper() and len(key) == 1
    )


def synonym_phrases():
    """{tuple of stems: concept token} of the table queries are read with."""
    return phrases_of(synonym_table())


def acronyms():
    return acronyms_of(synonym_table())


def written_in_capitals(word):
    """Whether a word is written as an acronym: SEND, KS1 and SENCo are; Send and send are not."""
    return word[:2].isupper()


def everyday_word(key, word, acronym_stems=None):
    """Whether `word`, found as the synonym entry `key`, is an acronym's everyday word."""
    if acronym_stems is None:
        acronym_stems = acronyms()
    return len(key) == 1 and key[0] in acronym_stems and not written_in_capitals(word)


SECTION, WEIGHT = "\x1e", "\x1f"  # control characters: never part of a word
# The title's words are indexed a second time with this mark in front ("\x1dphonic"), so a
# word typed in the query and found in an offer's title can outrank the same word further
# down: once the description has repeated a word a few times, BM25 no longer tells where it
# was written, and a synonym in the title ("early reading" for "phonics") is not the word.
TITLE_MARK = "\x1d"
TITLE_SECTION = "title"


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

    def __init__(self, synonyms=None):
        # The table is kept in the analyser, which Whoosh keeps in the index: a generation
        # is written with the table it was created with, whatever the process reads queries with.
        synonyms = seed_synonym_table() if synonyms is None else synonyms
        self.phrases = phrases_of(synonyms)
        self.acronym_stems = acronyms_of(synonyms)
        self.longest = max((len(key) for key in self.phrases), default=1)
        self.last_words = {key[-1] for key in self.phrases}

    def __call__(self, value, positions=False, chars=False, removestops=True, start_pos=0,
                 start_char=0, mode="", **kwargs):
        sections = [(1.0, value)]
        if SECTION in value:  # Whoosh takes a list for ready-made tokens, so sections travel in a string
            sections = [part.split(WEIGHT, 1) for part in value.split(SECTION)]
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        # An index written before the analyser kept its acronyms reads the seed file's.
        acronym_stems = getattr(self, "acronym_stems", None) or acronyms_of(seed_synonym_table())
        for weight, text in sections:
            if weight == TITLE_SECTION:
                yield from self._title_words(token, text, position)
                continue
            recent = deque(maxlen=self.longest)
            for match in WORD.finditer(text):
                stem = stem_of(match.group())
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
                            if not everyday_word(words[-size:], match.group(), acronym_stems):
                                token.text = concept
                                yield token
                            break
                position += 1

    @staticmethod
    def _title_words(token, text, position):
        """The title's words with TITLE_MARK in front, and no concepts: only the words as written."""
        for match in WORD.finditer(text):
            stem = stem_of(match.group())
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
    for match in WORD.finditer(text[:MAX_QUERY_CHARS]):
        stem = stem_of(match.group())
        if stem is not None:
            words.append((stem, match.group()))
        if len(words) == MAX_QUERY_WORDS * 2:
            break
    places = places or {}
    phrases = synonym_phrases()
    longest = max((len(key) for key in chain(phrases, places)), default=1)
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
    if concept and everyday_word(key, original):
        return Group((concept, key[0]), original)
    if concept:
        return Group((concept,), original)
    if len(key) == 1:
        return Group(key, original)
    return None
