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
    "h3", "h4", "h5", "h6", "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# The house classes, set on every element so descriptions look like the rest of the page.
CLASSES = {
    "p": {"class": "govuk-body"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "h5": {"class": "govuk-heading-s"},
    "h6": {"class": "govuk-heading-s"},
    "a": {"class": "govuk-link"},
    "blockquote": {"class": "govuk-inset-text"},
}

_markdown = MarkdownIt("commonmark", {"html": False}).disable("image")


# The description sits under the offer page's h2 ("About this support", below the title's h1).
FIRST_HEADING_LEVEL = 3
LAST_HEADING_LEVEL = 6


def _demote_headings(tokens):
    """Put a school's headings under the page's own, as one outline: each heading is one
    level below the nearest heading before it of a higher level in the school's text, and
    the highest start at h3 (down to h6). A school that starts at "###", or jumps from "#"
    to "###", gets h3 then h4, never a skipped level."""
    ancestors = []  # the school's levels of the headings this one sits under
    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1])
            while ancestors and ancestors[-1] >= level:
                ancestors.pop()
            token.tag = f"h{min(FIRST_HEADING_LEVEL + len(ancestors), LAST_HEADING_LEVEL)}"
            ancestors.append(level)
            opened = token.tag
        elif token.type == "heading_close":
            token.tag = opened


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
