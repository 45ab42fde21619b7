"""Snippets show a description's words, never its Markdown: no list markers, heading or
quote marks, emphasis, rules or table pipes."""

import re

import pytest

from elp.search.index import plain_text
from elp.search.services import SearchRequest, search_offers
from tests.factories import make_member, make_offer

DESCRIPTION = """Phonics support
===============

## How we help

- an audit of your *phonics* teaching
- model lessons
   + with a **phonics** lead
1. a visit
2) a review of phonics books
* coaching

---

> Our phonics scores rose.

| Week | Phonics focus |
|:-----|--------------:|
| 1 | sounds |

### Costs
Price \\*per\\* day, see [our report](https://school.example/report).
"""


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("- audit\n- model lessons", "audit model lessons"),
        ("* audit\n+ lessons\n   - nested", "audit lessons nested"),
        ("1. visit\n2) review\n10. more", "visit review more"),
        ("## How we help\n### Costs ###", "How we help Costs"),
        ("Title\n=====\nText\n---", "Title Text"),
        ("> quoted\n> > twice", "quoted twice"),
        ("| a | b |\n|:--|--:|\n| c | d |", "a b c d"),
        ("**bold** and _soft_ and `code`", "bold and soft and code"),
        ("See [the report](https://school.example/r)", "See the report"),
        ("3-4 days, 2.5 hours, A-level - great", "3-4 days, 2.5 hours, A-level - great"),
        ("\\*literal\\*", "literal"),
    ],
)
def test_markdown_is_reduced_to_its_words(markdown, words):
    assert plain_text(markdown) == words


def snippets_for(q):
    return [str(hit.snippet) for hit in search_offers(SearchRequest.from_args({"q": q})).hits]


def test_a_search_result_s_snippet_shows_no_markdown(db, login_as):
    make_offer(title="Reading catch-up", summary="Help for early readers",
               description=DESCRIPTION)  # fmt: skip

    [snippet] = snippets_for("phonics")

    words = re.sub(r"</?mark[^>]*>", "", snippet)
    assert "phonics" in words.lower()
    for syntax in ("#", "*", "|", "&gt;", "===", "---", "- an audit", "1. a visit", "2) a"):
        assert syntax not in words, syntax
    assert "an audit of your phonics teaching model lessons with a phonics lead" in words
    # The results page shows the same words.
    page = login_as(make_member()).get("/search?q=phonics").get_data(as_text=True)
    assert "- an audit" not in page and "## How" not in page
