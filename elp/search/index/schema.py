"""The index's schema: its fields and the values that stand for "none" or "all"."""

from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, KEYWORD, STORED, TEXT, Schema

from elp.search.index.analysis import TOKENS, ContentAnalyzer

VOCABULARY_ID = "~vocabulary"
ALL_DISTRICTS = "all"  # the districts value of an offer that serves the whole of Essex
NO_VALUE = -1  # numeric columns: price on request, unknown coordinates


def _number():
    """A per-document number kept only as a column: read in bulk, never searched as terms."""
    return COLUMN(NumericColumn("q", default=NO_VALUE))


def _keyword():
    # scorable=True gives the field a length column; without one Whoosh checks the disk for
    # that column once per posting while writing, which made indexing several times slower.
    return KEYWORD(commas=True, lowercase=False, scorable=True)


def schema(synonyms=None):
    """The fields; `synonyms` is the synonym table's text the content field is written with
    (None: the seed file)."""
    return Schema(
        offer_id=KEYWORD(stored=True, unique=True, scorable=True),
        # All the offer's text, title, summary and specialisms weighing more (see sync.py).
        content=TEXT(analyzer=ContentAnalyzer(synonyms), phrase=False),
        # Unstemmed words of the short fields, for "did you mean" and typo-tolerant matching.
        words=TEXT(analyzer=RegexTokenizer(TOKENS) | LowercaseFilter(), phrase=False),
        category=_keyword(),
        phase=_keyword(),
        district=_keyword(),  # districts served; ALL_DISTRICTS for all of Essex
        mode=_keyword(),
        available=_keyword(),  # "yes" while capacity is left (or not limited)
        price=_number(),
        capacity=_number(),
        created=_number(),
        easting=_number(),
        northing=_number(),
        length=_number(),
        title=STORED,
        summary=STORED,
        # The description's words for snippets, read with every result: Markdown reduced
        # once, when written, not for each result shown. (Generations written before this
        # field store the Markdown as `description`; see writing.py.)
        snippet_text=STORED,
        school_name=STORED,
        school_district=STORED,
        unit=STORED,
        price_pence=STORED,
    )
