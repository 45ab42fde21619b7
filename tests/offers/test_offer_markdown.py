"""Offer descriptions are Markdown; nothing a school types can run script on the page."""

from html.parser import HTMLParser

import pytest

from elp.offers.markdown import render_markdown
from tests.factories import make_member, make_offer

ATTACKS = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](  javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<img src=x onerror=alert(1)>",
    '![pic](https://evil.example/x.png" onerror="alert(1))',
    '<p onclick="alert(1)">hi</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="https://evil.example"></iframe>',
    "<svg onload=alert(1)>",
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
]


class Elements(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser would read them."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("attack", ATTACKS)
def test_script_javascript_links_and_event_handlers_never_reach_the_html(attack):
    elements = Elements(render_markdown(f"Some text\n\n{attack}\n\nMore text")).found

    tags = {tag for tag, _ in elements}
    assert tags <= {"p", "a", "em", "strong"}
    for tag, attributes in elements:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        assert "style" not in attributes
        href = (attributes.get("href") or "https:").strip().lower()
        assert href.startswith(("https:", "http:", "mailto:")), href


def test_markdown_that_schools_use_is_kept():
    html = render_markdown(
        "# What we do\n\nWe *coach* your **phonics lead**.\n\n"
        "- audit\n- model lessons\n\n1. visit\n2. review\n\n"
        "> Our reading scores rose.\n\n"
        "See [our report](https://school.example/report) or [email us](mailto:head@school.example)."
    )

    assert '<h3 class="govuk-heading-s">What we do</h3>' in html
    assert "<em>coach</em>" in html and "<strong>phonics lead</strong>" in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html
    assert "<blockquote" in html
    assert 'href="https://school.example/report"' in html
    assert 'href="mailto:head@school.example"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_a_school_cannot_add_its_own_classes_or_attributes():
    html = render_markdown('<p class="govuk-!-display-none" id="x">hidden</p>')

    assert Elements(html).found == [("p", {"class": "govuk-body"})]
    assert "&lt;p class=" in html  # typed HTML shows as text


def test_the_offer_page_shows_the_sanitised_description(db, login_as):
    offer = make_offer(
        description="**Bold** claim\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n"
        '<img src=x onerror="alert(1)">'
    )
    client = login_as(make_member())

    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)

    assert "<strong>Bold</strong>" in page
    elements = Elements(page).found
    assert [a["src"] for tag, a in elements if tag == "script"] == [
        "/static/js/js-enabled.js",
        "/static/js/app.js",
    ]
    assert not [(tag, a) for tag, a in elements if any(name.startswith("on") for name in a)]
    assert not [a for tag, a in elements if (a.get("href") or "").startswith("javascript")]
    assert "img" not in {tag for tag, _ in elements}
