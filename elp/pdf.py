"""HTML to PDF with WeasyPrint: the one module that imports it, for every document the
service makes as a PDF (invoices, access code letters).

WeasyPrint draws text with Pango, a system library pip cannot install (`.ci/run` installs
Debian's). Where it is missing, importing WeasyPrint fails; the service then says so
(`PdfUnavailable`, a clear 503) instead of failing with a 500, and the rest of the service,
the pages each PDF is made from included, works without it.

The renderer is chosen by PDF_RENDERER, as the mail backend is: "weasyprint" everywhere
but in the test suite, whose "placeholder" makes a few bytes at once, so the many tests
that book without reading an invoice do not each wait a third of a second for one. The
tests that read a PDF turn WeasyPrint back on.
"""

import logging

from flask import current_app

from elp.errors import ServiceUnavailable

log = logging.getLogger(__name__)
# WeasyPrint logs each step of each PDF at INFO; the service's log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

UNAVAILABLE_MESSAGE = (
    "The PDF cannot be made at the moment. Print the page, or save it as a PDF from "
    "your browser’s print dialogue, or try again later."
)


class PdfUnavailable(ServiceUnavailable):
    """WeasyPrint, or the Pango library it draws text with, is not installed here."""

    def __init__(self, reason):
        super().__init__(UNAVAILABLE_MESSAGE)
        self.reason = reason

    def __str__(self):
        # What a log or the outbox keeps: the school's message and what to install.
        return f"{self.message} ({self.reason})"


def _weasyprint():
    """WeasyPrint, imported on first use so the service starts without it; PdfUnavailable
    with the reason where it (or Pango) is missing."""
    try:
        import weasyprint
    except ImportError as error:
        raise PdfUnavailable(f"WeasyPrint is not installed: pip install -e . ({error})") from None
    except OSError as error:  # WeasyPrint is there, but a system library it loads is not
        raise PdfUnavailable(
            f"WeasyPrint cannot load Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            f"({error})"
        ) from None
    return weasyprint


def unavailable_reason():
    """Why PDFs cannot be made here, or None when they can."""
    try:
        _weasyprint()
    except PdfUnavailable as problem:
        return problem.reason
    return None


def html_to_pdf(html, stylesheet):
    """Render a complete HTML document, styled by the stylesheet's text, to PDF bytes.

    The document must name no outside resource (no images, no linked stylesheets): the
    stylesheet is given here, so rendering never reads a file or the network.
    """
    return RENDERERS[current_app.config["PDF_RENDERER"]](html, stylesheet)


# Tagged PDF (PDF/UA-1): headings, paragraphs and tables reach a screen reader as such, in
# the document's language, with its title shown (issue 22 part 8). Every document is made
# from HTML with a `lang`, a `<title>` and real headings and table headers, which the tags
# follow.
PDF_VARIANT = "pdf/ua-1"


# What the test suite's renderer returns: the start and end of a PDF, and nothing to read.
PLACEHOLDER = b"%PDF-1.7\n% placeholder: PDF_RENDERER is not weasyprint\n%%EOF\n"


def _placeholder(html, stylesheet):
    return PLACEHOLDER


def _render_with_weasyprint(html, stylesheet):
    weasyprint = _weasyprint()
    try:
        return weasyprint.HTML(string=html).write_pdf(
            stylesheets=[weasyprint.CSS(string=stylesheet)], pdf_variant=PDF_VARIANT
        )
    except OSError as error:  # a font or library failed while drawing
        log.exception("Could not render a PDF")
        raise PdfUnavailable(f"WeasyPrint could not render the PDF: {error}") from None


RENDERERS = {"weasyprint": _render_with_weasyprint, "placeholder": _placeholder}
