"""Valid VAT invoices (issue 22 part 3, PRODUCT.md 7): ELP's name, postal address and VAT
number, the date of supply, the customer's name and address, and net, rate, VAT and gross on
every invoice that charges VAT, read back from the PDF itself; a fee policy with VAT cannot
be saved while ELP_VAT_NUMBER or ELP_POSTAL_ADDRESS is missing, and `check-deploy` is told."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from elp.billing import services
from elp.billing.models import FeePolicy, FeeTerms, Payer
from elp.extensions import db as _db
from elp.timeutil import format_date, uk_today
from tests.billing.test_admin_charges import policy_form

ADDRESS = "Essex Learning Partnership; County Hall; Market Road; Chelmsford; CM1 1QH"


def pdf_text(data):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def vat_policy(admin, rate=2_000, start=None):
    return services.create_policy_version(
        FeeTerms(500, 1_000, 25_000, Payer.SEEKING, rate, 30, True), start or uk_today(), admin
    )


def test_a_vat_invoice_pdf_carries_every_field_a_vat_invoice_needs(
    billing, login_as, real_pdfs, app, monkeypatch
):
    monkeypatch.setitem(app.config, "POSTAL_ADDRESS", ADDRESS)
    monkeypatch.setitem(app.config, "VAT_NUMBER", "GB 123 4567 89")
    billing.seeking.street, billing.seeking.town = "Fesants Croft", "Harlow"
    billing.seeking.postcode = "CM20 3LR"
    vat_policy(billing.admin)
    _db.session.commit()
    (charge,) = services.charges_for_booking(billing.book(quantity=3))  # £52.50 + £10.50

    response = login_as(billing.seeking_member).get(f"/charges/{charge.id}/invoice.pdf")

    assert response.status_code == 200
    text = pdf_text(response.data)
    # The supplier: name, postal address, VAT registration number.
    assert (
        "Essex Learning Partnership County Hall Market Road Chelmsford CM1 1QH "
        "VAT registration number: GB 123 4567 89"
    ) in text
    # The customer: name and postal address.
    assert "Harlow Fields Infants Fesants Croft Harlow CM20 3LR" in text
    # The number, the date of issue and the date of supply.
    assert f"Invoice number {charge.invoice_number}" in text
    assert f"Invoice date {format_date(charge.invoice_date)}" in text
    assert f"Date of supply {format_date(uk_today())}" in text
    # The line: net, VAT rate, VAT and gross; and the totals.
    assert "£52.50 20% £10.50 £63.00" in text
    assert "Total £52.50 £10.50 £63.00" in text


def test_without_a_vat_number_a_policy_with_vat_cannot_be_saved(
    billing, login_as, app, monkeypatch
):
    monkeypatch.setitem(app.config, "VAT_NUMBER", None)
    admin = login_as(billing.admin)

    html = admin.post("/admin/fee-policy", data=policy_form()).get_data(as_text=True)

    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert "A fee policy with VAT cannot be saved yet" in html
    assert "ELP’s VAT registration number" in html and "set ELP_VAT_NUMBER" in html
    assert 'value="12.50"' in html  # what was typed is kept
    assert _db.session.query(FeePolicy).count() == 0

    # Without VAT the same policy is saved.
    assert admin.post("/admin/fee-policy", data=policy_form(vat_rate="0")).status_code == 302
    assert _db.session.query(FeePolicy).one().vat_basis_points == 0


def test_without_a_postal_address_a_policy_with_vat_cannot_be_saved(billing, app, monkeypatch):
    monkeypatch.setitem(app.config, "POSTAL_ADDRESS", "")
    monkeypatch.setitem(app.config, "VAT_NUMBER", None)
    with pytest.raises(Exception, match="postal address") as refusal:
        vat_policy(billing.admin)
    assert "ELP_VAT_NUMBER and ELP_POSTAL_ADDRESS" in str(refusal.value.message)
    assert _db.session.query(FeePolicy).count() == 0


def test_check_deploy_hears_of_vat_charged_without_the_details(billing, app, monkeypatch):
    assert services.vat_charged_without_vat_details() == []  # the default charges no VAT
    vat_policy(billing.admin, start=uk_today() + timedelta(days=10))  # a later policy
    _db.session.commit()
    assert services.vat_charged_without_vat_details() == []  # the details are set

    monkeypatch.setitem(app.config, "VAT_NUMBER", None)
    problems = services.vat_charged_without_vat_details()
    assert problems == [
        (
            "The fee policy charges VAT but ELP_VAT_NUMBER is not set: its invoices would "
            "not be valid VAT invoices."
        )
    ]
    monkeypatch.setitem(app.config, "POSTAL_ADDRESS", None)
    assert len(services.vat_charged_without_vat_details()) == 2
    # Given as a configuration of its own (as check-deploy reads one).
    assert (
        services.vat_charged_without_vat_details({"VAT_NUMBER": "GB 1", "POSTAL_ADDRESS": "X"})
        == []
    )
