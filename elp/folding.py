"""Names folded for matching them as people type them: whatever the case, the accents and
the kind of apostrophe ("St Mary's" finds "St Mary’s", "Therese" finds "Thérèse").

A folded name is its words, lower-case and without accents or apostrophes, each after one
space: " st marys c of e primary school". A word typed matches a word of the name from its
start, so looking for " mary" finds "St Mary’s" but not "Primary". The folding is done in
Python and stored, so SQLite and PostgreSQL match alike with a plain LIKE.
"""

import re
import unicodedata

# Straight and curly apostrophes, backticks, acute accents and the modifier letter apostrophe
# are all typed for the same mark; dropping them joins "Mary's" into one word, "marys".
_APOSTROPHES = re.compile("['\u2018\u2019\u0060\u00b4\u02bc\u02b9]")
_WORD = re.compile(r"[^\W_]+")


def fold(text):
    """The text's words, folded: "St Mary’s C. of E. (Aided)" → ["st", "marys", "c", "of", "e",
    "aided"]."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(_APOSTROPHES.sub("", plain).casefold())


def folded_name(name):
    """What a name is stored as for matching: each folded word after one space."""
    return "".join(f" {word}" for word in fold(name))
