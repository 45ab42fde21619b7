"""Offer descriptions: Markdown written by schools, rendered to safe HTML.

markdown-it-py renders with raw HTML switched off (typed HTML shows as text), then nh3
cleans the result against a short allowlist, so nothing a school types can run script
or style the page, even if a Markdown rule slips something through.
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# The house classes, set on every element so descriptions look like the rest of the page.
CLASSES = {
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "a": {"class": "govuk-link"},
    "blockquote": {"class": "govuk-inset-text"},
}

_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")


def _demote_headings(tokens):
    """The page's own h1 is the offer title, so a school's headings start at h2 (up to h4)."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = f"h{min(level + 1, 4)}"


def render_markdown(text):
    """Return the description as sanitised HTML, ready to put on a page."""
    tokens = _markdown.parse(text or "")
    _demote_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        set_tag_attribute_values=CLASSES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # safe: cleaned by nh3 just above
