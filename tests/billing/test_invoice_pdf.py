"""The invoice as a PDF: rendered by WeasyPrint from the invoice template, readable as text,
only for the paying school, and a clear message, never a 500, where it cannot be made."""

import io
import re
import sys

from pypdf import PdfReader

from elp import pdf
from elp.billing import services


def pdf_text(data):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_invoice_pdf_is_a_pdf_with_the_invoice_on_it(
    billing, login_as, real_pdfs, app, monkeypatch
):
    monkeypatch.setitem(app.config, "BANK_DETAILS", "Sort code: 20-45-77; Account number: 31926819")
    (charge,) = services.charges_for_booking(billing.book(quantity=3))

    response = login_as(billing.seeking_member).get(f"/charges/{charge.id}/invoice.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{charge.invoice_number}.pdf"'
    )
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert f"Invoice {charge.invoice_number}" in text
    assert "Harlow Fields Infants" in text and f"URN {billing.seeking.urn}" in text
    assert "Essex Learning Partnership" in text
    assert "Total £52.50 £0.00 £52.50" in text
    assert "Sort code 20-45-77" in text
    assert f"Use the invoice number {charge.invoice_number} as the payment reference" in text
    # Nothing of the site around it: no menu, no buttons.
    assert "Sign out" not in text and "Download the invoice" not in text


def test_with_stripe_keys_the_pdf_points_to_the_invoice_page(
    billing, login_as, real_pdfs, app, monkeypatch
):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_elp")
    (charge,) = services.charges_for_booking(billing.book(quantity=3))

    data = login_as(billing.seeking_member).get(f"/charges/{charge.id}/invoice.pdf").data

    text = pdf_text(data)
    assert "Pay by card or by bank transfer from the invoice’s page on ELP Exchange" in text
    # The link may wrap at the end of a line.
    assert f"page on ELP Exchange: http://localhost/charges/{charge.id}" in text.replace("/ ", "/")


def test_without_pango_the_pdf_answers_a_clear_message_and_the_page_still_works(
    billing, login_as, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PDF_RENDERER", "weasyprint")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it could not be imported
    (charge,) = services.charges_for_booking(billing.book(quantity=3))
    client = login_as(billing.seeking_member)

    response = client.get(f"/charges/{charge.id}/invoice.pdf")

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Sorry, this is not available at the moment" in page
    assert "The PDF cannot be made at the moment. Print the page" in page
    assert client.get(f"/charges/{charge.id}").status_code == 200


def test_the_reason_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    assert pdf.unavailable_reason().startswith("WeasyPrint is not installed")


class MissingPango:
    """An import hook that fails to import WeasyPrint as it does without Pango: OSError."""

    def find_spec(self, name, path=None, target=None):
        # Any other module: no answer (None), so the usual finders look for it.
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")


def test_without_pango_the_reason_names_the_library(monkeypatch):
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [MissingPango(), *sys.meta_path])

    reason = pdf.unavailable_reason()

    assert reason.startswith("WeasyPrint cannot load Pango: apt-get install libpango-1.0-0")
    assert "cannot load library 'libpango-1.0-0'" in reason

