"""A school's statement (issue 22 part 7): every invoice, credit note, payment and refund in
a period with the balance brought forward and a running balance, as a page, a PDF and a
CSV; the school's financial year by default; bad periods refused; admins download any
school's. And the money through the whole chain — charge, part payment, refund, credit
note, statement balance — as properties of integer pence."""

import csv
import io
import itertools
import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from elp.billing import services, statements
from elp.billing.models import Charge, FeeTerms, Payer
from elp.extensions import db as _db
from elp.timeutil import format_date, uk_today
from tests.factories import make_offer


def text_of(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def charge_of(booking):
    (charge,) = services.charges_for_booking(booking)
    return charge


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def the_years_start():
    today = uk_today()
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


@pytest.fixture
def history(billing):
    """Harlow Fields' charges: one invoiced in the last financial year and still due, one
    this year part paid, one paid and partly refunded, one voided."""
    start = the_years_start()
    old = charge_of(billing.book(quantity=1))  # £17.50, minimum 10 … 5 % of £350
    old.invoice_date = start - timedelta(days=10)
    old.due_date = start + timedelta(days=20)
    _db.session.commit()
    part = charge_of(billing.book(quantity=2))  # £35.00
    services.mark_paid(part, "offline", "BACS PART", actor=billing.admin, amount_pence=1_500)
    paid = charge_of(billing.book(quantity=3))  # £52.50
    services.mark_paid(paid, "offline", "BACS FULL", actor=billing.admin)
    refund = services.refund(paid, 500, "A shorter session", billing.admin)
    voided = charge_of(billing.book(quantity=4))  # £70.00
    void = services.waive(voided, "Pilot school", billing.admin)
    _db.session.commit()
    return old, part, paid, refund, voided, void


def test_the_statement_shows_each_entry_with_a_running_balance(billing, login_as, history):
    old, part, paid, refund, voided, void = history
    school = login_as(billing.seeking_member)

    text = text_of(school.get("/charges/statement"))

    start = the_years_start()
    assert f"Statement {format_date(start)} to {format_date(date(start.year + 1, 3, 31))}" in text
    # Last year's invoice is brought forward, not listed.
    assert "Balance brought forward £17.50" in text
    assert old.invoice_number not in text
    # This year's entries, each with the balance after it.
    assert f"Invoice {part.invoice_number} ELP service charge £35.00 £52.50" in text
    assert "Payment received BACS PART Against invoice " + part.invoice_number in text
    assert f"Credit note {refund.number} Against invoice {paid.invoice_number}" in text
    assert f"Refund paid {refund.number} Refund of invoice {paid.invoice_number} £5.00" in text
    assert f"Credit note {void.number} Against invoice {voided.invoice_number}" in text
    # What is still due: £17.50 from last year and £20.00 of this year's part paid invoice.
    assert "Your school owes £37.50" in text
    assert "Balance at the end £37.50" in text
    html = school.get("/charges/statement").get_data(as_text=True)
    assert f'href="/charges/{part.id}"' in html
    assert f'href="/charges/credit-notes/{refund.id}"' in html


def test_the_statement_as_csv_adds_up(billing, login_as, history):
    response = login_as(billing.seeking_member).get("/charges/statement.csv")
    assert response.mimetype == "text/csv"
    assert f"elp-statement-{billing.seeking.urn}-" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Date", "Type", "Reference", "Description", "Debit", "Credit", "Balance"]
    assert rows[1][1:] == ["Balance brought forward", "", "", "", "", "17.50"]
    balance = 1_750
    for row in rows[2:-1]:
        debit = int(row[4].replace(".", "") or 0)
        credit = int(row[5].replace(".", "") or 0)
        balance += debit - credit
        assert int(row[6].replace(".", "")) == balance
    assert rows[-1][1:] == ["Balance at the end", "", "", "", "", "37.50"]


def test_the_statement_pdf_is_tagged_and_says_the_same(billing, login_as, history, real_pdfs):
    response = login_as(billing.seeking_member).get("/charges/statement.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Statement" in text and "Harlow Fields Infants" in text
    assert "Balance brought forward £17.50" in text and "Your school owes £37.50" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_the_period_follows_the_schools_financial_year(billing, login_as):
    billing.seeking.establishment_type = "Academy sponsor led"
    _db.session.commit()
    today = uk_today()
    start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    text = text_of(login_as(billing.seeking_member).get("/charges/statement"))
    assert f"Statement {format_date(start)} to {format_date(date(start.year + 1, 8, 31))}" in text


def test_other_dates_give_a_statement_of_those_dates(billing, login_as, history):
    old = history[0]
    day = old.invoice_date
    response = login_as(billing.seeking_member).get(
        "/charges/statement",
        query_string=[("start", str(day.day)), ("start", str(day.month)), ("start", str(day.year)),
                      ("end", str(day.day)), ("end", str(day.month)), ("end", str(day.year))],
    )  # fmt: skip
    text = text_of(response)
    assert f"Invoice {old.invoice_number}" in text and "Balance brought forward £0.00" in text
    assert f"from={day.isoformat()}" in response.get_data(as_text=True)  # the PDF and CSV links


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ((1, 4, 2026), (31, 3, 2026), "must be the same as or after its first day"),
        ((1, 4, 2020), (2, 4, 2023), "A statement covers at most 3 years"),
        ((31, 2, 2026), (1, 3, 2026), "From must be a real date"),
        ((1, 4, 2026), ("", "", ""), "Enter the last day of the statement"),
    ],
)
def test_a_bad_period_is_refused_with_a_clear_message(billing, login_as, start, end, message):
    query = [("start", str(part)) for part in start] + [("end", str(part)) for part in end]
    response = login_as(billing.seeking_member).get("/charges/statement", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html and message in html


@pytest.mark.parametrize(
    "query",
    ["from=2026-04-01&to=2026-03-31", "from=2020-01-01&to=2024-01-02", "from=soon&to=later"],
)
def test_a_bad_period_for_a_download_is_a_clear_400(billing, login_as, query):
    school = login_as(billing.seeking_member)
    assert school.get(f"/charges/statement.csv?{query}").status_code == 400
    assert school.get(f"/charges/statement.pdf?{query}").status_code == 400


def test_an_admin_downloads_any_schools_statement(billing, login_as, history):
    admin = login_as(billing.admin)
    text = text_of(admin.get(f"/admin/schools/{billing.seeking.id}/statement"))
    assert "Harlow Fields Infants" in text and "Your school owes £37.50" in text
    rows = csv_rows(admin.get(f"/admin/schools/{billing.seeking.id}/statement.csv"))
    assert rows[-1][-1] == "37.50"
    assert admin.get(f"/admin/schools/{billing.seeking.id}/statement.pdf").status_code == 200
    assert admin.get("/admin/schools/987654/statement").status_code == 404
    charge_page = admin.get(f"/admin/charges/{history[1].id}").get_data(as_text=True)
    assert f'href="/admin/schools/{billing.seeking.id}/statement"' in charge_page


def test_a_lead_emails_the_statement_to_the_leads_and_finance_contact(
    billing, login_as, history, sent_emails, real_pdfs
):
    from tests.billing.test_credit_notes import with_finance_contact

    finance = with_finance_contact(billing)
    sent_emails.clear()
    lead = next(user for user in billing.seeking.users if user.role == "lead")
    period = statements.default_period(billing.seeking)

    response = login_as(lead).post("/charges/statement/email", data=period.as_args())

    assert response.status_code == 302
    emails = [e for e in sent_emails if e["Subject"].startswith("Statement for Harlow Fields")]
    assert sorted(e["To"] for e in emails) == sorted([lead.email, finance])
    body = emails[0].get_body(("plain",)).get_content()
    assert "Balance brought forward: £17.50" in body and "Your school owes £37.50" in body
    (attachment,) = emails[0].iter_attachments()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert "Balance brought forward £17.50" in re.sub(r"\s+", " ", text)


def test_a_member_cannot_email_the_statement(billing, login_as):
    response = login_as(billing.seeking_member).post("/charges/statement/email", data={})
    assert response.status_code == 403


# --- The whole chain, as properties of integer pence --------------------------------------

OFFER_NUMBERS = itertools.count(1)


@pytest.fixture
def no_search_index(app, monkeypatch):
    """The search index plays no part in money: leave it alone, so many bookings are quick."""
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    price=st.integers(min_value=1, max_value=2_000_000),
    quantity=st.integers(min_value=1, max_value=3),
    vat=st.sampled_from([0, 500, 2_000, 1_750]),
    data=st.data(),
)
def test_money_adds_up_from_charge_to_statement(
    billing, no_search_index, price, quantity, vat, data
):
    services.create_policy_version(
        FeeTerms(500, 1, 10_000_000, Payer.SEEKING, vat, 30, True), uk_today(), billing.admin
    )
    offer = make_offer(billing.offering, f"Offer {next(OFFER_NUMBERS)}",
                       capacity=10, price_pence=price)  # fmt: skip
    billing.offer = offer
    charge = charge_of(billing.book(quantity=quantity))
    assert charge.net_pence + charge.vat_pence == charge.gross_pence

    # Part payments, then perhaps the rest, or a waiver of the rest.
    payments = []
    while charge.amount_due_pence and data.draw(st.booleans(), label="pay a part"):
        part = data.draw(st.integers(1, charge.amount_due_pence), label="part")
        services.mark_paid(charge, "offline", "BACS", actor=billing.admin, amount_pence=part)
        payments.append(part)
    ending = data.draw(st.sampled_from(["pay the rest", "waive the rest", "leave it"]))
    if charge.amount_due_pence and ending == "pay the rest":
        payments.append(charge.amount_due_pence)
        services.mark_paid(charge, "offline", "BACS", actor=billing.admin)
    elif charge.amount_due_pence and ending == "waive the rest":
        services.waive(charge, "Hardship", billing.admin)
    # Refunds of what was paid, in parts.
    refunds = []
    while charge.refundable_pence and data.draw(st.booleans(), label="refund a part"):
        amount = data.draw(st.integers(1, charge.refundable_pence), label="refund")
        services.refund(charge, amount, "Goodwill", billing.admin)
        refunds.append(amount)
    _db.session.commit()

    assert charge.amount_paid_pence == sum(payments) <= charge.gross_pence
    assert charge.amount_refunded_pence == sum(refunds) <= charge.amount_paid_pence
    notes = charge.credit_notes
    assert all(note.net_pence + note.vat_pence == note.gross_pence for note in notes)
    assert all(note.net_pence >= 0 and note.vat_pence >= 0 for note in notes)
    assert sum(note.vat_pence for note in notes) <= charge.vat_pence
    credited = sum(note.gross_pence for note in notes)
    assert credited <= charge.gross_pence
    # What is owed is what was invoiced, less what was paid and credited, plus what was
    # paid back: and once the charge is settled, nothing.
    owed = charge.gross_pence - sum(payments) - credited + sum(refunds)
    assert owed == charge.amount_due_pence

    # The statement of everything agrees, line by line and in total, with every charge.
    everything = statements.Period(date(2000, 1, 1), uk_today())
    result = statements.statement(billing.seeking, everything)
    balance = result.opening_pence
    for entry in result.entries:
        balance += entry.debit_pence - entry.credit_pence
        assert entry.balance_pence == balance
    charges = _db.session.query(Charge).filter_by(school_id=billing.seeking.id).all()
    assert result.closing_pence == sum(each.amount_due_pence for each in charges)
