"""Access code letters for head teachers as a PDF: the letter the issued page prints, one a
page, in a document of its own (decision 22). The PDF is made for the response and kept
nowhere, so a code stays shown once: no stored file can give it away later."""

from pathlib import Path

from flask import current_app, render_template

from elp import pdf

STYLESHEET = Path("css") / "letter-print.css"


def letters_pdf(issued_codes):
    """One PDF of a letter for each IssuedCode (school, access code, code), in order."""
    html = render_template("admin/access_code_letters_document.html", letters=issued_codes)
    stylesheet = (Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8")
    return pdf.html_to_pdf(html, stylesheet)


def pdf_response(issued_codes, filename):
    """The letters as a download that no cache keeps, since they carry the codes."""
    return (
        letters_pdf(issued_codes),
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
