"""Accessible documents (issue 22 part 8): the invoice, credit note and statement PDFs are
tagged (PDF/UA-1), so a screen reader meets their headings, paragraphs and tables as such.
Read back with pypdf: the catalogue says the document is marked, in English, with its title
shown, and its structure tree holds the headings and tables of the page it was made from."""

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from elp.billing import services
from elp.extensions import db as _db


def structure_tags(reader):
    """Every structure element's tag (/H1, /Table, /TH …), depth first."""
    tags = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            tags.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return tags


def read(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


@pytest.fixture
def documents(billing, login_as, real_pdfs):
    """The paying school's three kinds of PDF: an invoice, a credit note and a statement."""
    (charge,) = services.charges_for_booking(billing.book())
    note = services.waive(charge, "Pilot school", billing.admin)
    _db.session.commit()
    school = login_as(billing.seeking_member)
    return {
        "invoice": read(school.get(f"/charges/{charge.id}/invoice.pdf")),
        "credit note": read(school.get(f"/charges/credit-notes/{note.id}/credit-note.pdf")),
        "statement": read(school.get("/charges/statement.pdf")),
    }


@pytest.mark.parametrize("kind", ["invoice", "credit note", "statement"])
def test_each_document_is_a_tagged_pdf_with_its_structure(documents, kind):
    reader = documents[kind]
    catalogue = reader.trailer["/Root"]

    assert catalogue["/MarkInfo"]["/Marked"] == True  # a pypdf BooleanObject, not True itself
    assert catalogue["/Lang"] == "en"
    assert catalogue["/ViewerPreferences"]["/DisplayDocTitle"] == True
    assert "/Metadata" in catalogue  # the PDF/UA identification is in the XMP metadata
    assert b"pdfuaid" in catalogue["/Metadata"].get_object().get_data()
    tags = structure_tags(reader)
    assert tags[0] == "/Document"
    assert "/H1" in tags and "/H2" in tags
    assert {"/Table", "/TR", "/TH", "/TD"} <= set(tags)
    assert "/P" in tags


def test_the_title_a_reader_announces_names_the_document(documents):
    assert documents["invoice"].metadata.title.startswith("Invoice ELP-")
    assert documents["credit note"].metadata.title.startswith("Credit note CN-")
    assert documents["statement"].metadata.title.startswith("Statement for Harlow Fields Infants")
