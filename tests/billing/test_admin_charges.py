"""An ELP admin reviews charges: the list with its filters and totals, a charge's page and
history, recording a payment, waiving, refunding, the CSV export and the fee policy."""

import csv
import io
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from elp.billing import services
from elp.billing.models import Charge, FeePolicy
from elp.extensions import db as _db
from elp.timeutil import uk_today
from tests.factories import make_booking, make_member, make_offer, make_school


@pytest.fixture
def admin(billing, login_as):
    return login_as(billing.admin)


def a_charge(billing, **booking):
    (charge,) = services.charges_for_booking(billing.book(**booking))
    return charge


def other_schools_charge(name, district):
    school = make_school(name=name, district=district)
    offer = make_offer(make_school(), "Autism outreach", price_pence=20_000)
    booking = make_booking(offer=offer, author=make_member(school), quantity=2)
    (charge,) = services.charges_for_booking(booking)
    return charge


def page(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_list_shows_every_charge_with_totals_per_status(billing, admin):
    first = a_charge(billing)  # £52.50
    second = a_charge(billing, quantity=10)  # £175.00
    services.mark_paid(second, "offline", "BACS 9", actor=billing.admin)
    _db.session.commit()

    html = page(admin.get("/admin/charges"))

    assert first.invoice_number in html and second.invoice_number in html
    assert "2 charges" in html
    totals = html[html.index('id="charge-totals"') :]
    pending = totals[totals.index('data-status="pending"') :]
    assert "£52.50" in pending[: pending.index("</tr>")]
    paid = totals[totals.index('data-status="paid"') :]
    assert "£175.00" in paid[: paid.index("</tr>")]
    found = totals[totals.index('id="filter-total"') :]
    assert "£227.50" in found[: found.index("</tr>")]


def test_filters_narrow_the_list_and_its_totals(billing, admin):
    ours = a_charge(billing)
    theirs = other_schools_charge("Colne Valley Academy", "Colchester")

    by_district = page(admin.get("/admin/charges?district=Colchester"))
    assert theirs.invoice_number in by_district and ours.invoice_number not in by_district
    by_school = page(admin.get(f"/admin/charges?school={billing.seeking.urn}"))
    assert ours.invoice_number in by_school and theirs.invoice_number not in by_school
    by_name = page(admin.get("/admin/charges?school=colne"))
    assert theirs.invoice_number in by_name
    by_status = page(admin.get("/admin/charges?status=paid"))
    assert "0 charges" in by_status
    this_month = uk_today().strftime("%Y-%m")
    assert "2 charges" in page(admin.get(f"/admin/charges?period={this_month}"))
    assert "0 charges" in page(admin.get("/admin/charges?period=2001-01"))


@pytest.mark.parametrize(
    "query",
    ["status=owed", "district=Narnia", "period=2026-13", "period=soon", "school=" + "x" * 201],
)
def test_a_filter_no_one_offers_is_a_clear_400(billing, admin, query):
    assert admin.get(f"/admin/charges?{query}").status_code == 400


def test_the_csv_has_the_columns_a_finance_team_needs(billing, admin):
    charge = a_charge(billing)
    services.waive(charge, "Pilot school", billing.admin)
    paid = a_charge(billing, quantity=10)
    services.mark_paid(paid, "offline", "=HYPERLINK(evil)", actor=billing.admin)
    _db.session.commit()

    response = admin.get("/admin/charges/export.csv?status=paid")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Invoice number", "Invoice date", "Due date", "School URN", "School name", "Booking",
        "Purchase order number", "Net", "VAT", "Gross", "Paid", "Refunded", "Status",
        "Paid date", "Payment reference", "Credit note",
    ]  # fmt: skip
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Invoice number"] == paid.invoice_number
    assert row["School URN"] == billing.seeking.urn
    assert (row["Net"], row["VAT"], row["Gross"], row["Status"]) == (
        "175.00",
        "0.00",
        "175.00",
        "Paid",
    )
    assert row["Paid date"] == uk_today().isoformat()
    assert row["Payment reference"] == "'=HYPERLINK(evil)"  # never a formula
    waived = admin.get("/admin/charges/export.csv?status=waived").get_data(as_text=True)
    assert f"CN-{uk_today().year}-000001" in waived


def test_the_charge_page_shows_its_history_and_the_actions_allowed(billing, admin):
    charge = a_charge(billing)
    html = page(admin.get(f"/admin/charges/{charge.id}"))
    assert "Invoice issued" in html
    assert "Record offline payment" in html and "Waive" in html
    assert ">Refund<" not in html


def test_an_admin_records_an_offline_payment(billing, admin):
    charge = a_charge(billing)
    today = uk_today()

    response = admin.post(
        f"/admin/charges/{charge.id}/record-payment",
        data={
            "amount": "52.50",
            "paid_on": [str(today.day), str(today.month), str(today.year)],
            "reference": "BACS KINGSWOOD 1",
        },
    )

    assert response.status_code == 302
    _db.session.expire_all()
    charge = _db.session.get(Charge, charge.id)
    assert (charge.status, charge.payment_reference) == ("paid", "BACS KINGSWOOD 1")
    html = page(admin.get(f"/admin/charges/{charge.id}"))
    assert "Payment recorded" in html and billing.admin.full_name in html


def test_the_history_names_who_did_each_thing_or_else_the_service(billing, admin):
    charge = a_charge(billing)
    today = uk_today()
    admin.post(
        f"/admin/charges/{charge.id}/record-payment",
        data={
            "amount": "52.50",
            "paid_on": [str(today.day), str(today.month), str(today.year)],
            "reference": "R1",
        },
    )

    html = page(admin.get(f"/admin/charges/{charge.id}"))

    history = html[html.index('id="charge-history"') :]
    issued, paid = history.split("</li>")[:2]
    assert "Invoice issued" in issued and "by the service" in issued
    assert "Payment recorded" in paid and f"by {billing.admin.full_name}" in paid


def test_a_payment_dated_tomorrow_is_refused_and_keeps_what_was_typed(billing, admin, caplog):
    charge = a_charge(billing)
    tomorrow = uk_today() + timedelta(days=1)

    html = page(
        admin.post(
            f"/admin/charges/{charge.id}/record-payment",
            data={
                "amount": "52.50",
                "paid_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
                "reference": "BACS 77",
            },
        )
    )

    assert "<title>Error: " in html
    assert "The date received must be today or in the past" in html
    assert 'value="BACS 77"' in html
    _db.session.expire_all()
    assert _db.session.get(Charge, charge.id).status == "pending"
    assert "must be today or in the past" in caplog.text


def test_a_payment_without_a_date_is_refused(billing, admin, caplog):
    charge = a_charge(billing)
    html = page(admin.post(f"/admin/charges/{charge.id}/record-payment", data={"reference": "X"}))
    assert "Enter the date the payment was received" in html
    assert "Refused an offline payment" in caplog.text


def test_paying_a_paid_charge_is_refused_with_a_clear_message(billing, admin):
    charge = a_charge(billing)
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    _db.session.commit()
    response = admin.get(f"/admin/charges/{charge.id}/record-payment")
    assert response.status_code == 409
    assert "A paid charge cannot be paid" in response.get_data(as_text=True)


def test_waiving_needs_a_reason(billing, admin):
    charge = a_charge(billing)

    html = page(admin.post(f"/admin/charges/{charge.id}/waive", data={"reason": "  "}))
    assert "Enter the reason for waiving the charge" in html

    response = admin.post(f"/admin/charges/{charge.id}/waive", data={"reason": "Pilot school"})
    assert response.status_code == 302
    html = page(admin.get(f"/admin/charges/{charge.id}"))
    assert "Why: Pilot school" in html
    assert f"CN-{uk_today().year}-000001" in html


def test_refunding_more_than_was_paid_is_refused(billing, admin, caplog):
    charge = a_charge(billing)
    services.mark_paid(charge, "offline", "BACS 1", actor=billing.admin)
    _db.session.commit()
    assert 'value="52.50"' in page(admin.get(f"/admin/charges/{charge.id}/refund"))

    html = page(
        admin.post(f"/admin/charges/{charge.id}/refund", data={"amount": "60", "reason": "Oops"})
    )
    assert "The amount to refund must be £52.50 or less" in html
    assert "must be £52.50 or less" in caplog.text
    _db.session.expire_all()
    assert _db.session.get(Charge, charge.id).amount_refunded_pence == 0
    html = page(
        admin.post(f"/admin/charges/{charge.id}/refund", data={"amount": "ten", "reason": "x"})
    )
    assert "Enter an amount in pounds" in html

    response = admin.post(
        f"/admin/charges/{charge.id}/refund", data={"amount": "20", "reason": "Half a day"}
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Charge, charge.id).amount_refunded_pence == 2_000


def test_a_charge_that_does_not_exist_is_a_404(billing, admin):
    assert admin.get("/admin/charges/999999").status_code == 404


def test_a_flagged_charge_is_listed_and_can_be_marked_as_dealt_with(billing, admin):
    charge = a_charge(billing)
    services.flag_for_attention(charge, "Paid in EUR")
    _db.session.commit()
    assert charge.invoice_number in page(admin.get("/admin/charges?status=attention"))
    assert "Paid in EUR" in page(admin.get(f"/admin/charges/{charge.id}"))

    assert admin.post(f"/admin/charges/{charge.id}/dealt-with").status_code == 302
    _db.session.expire_all()
    assert not _db.session.get(Charge, charge.id).needs_attention


def policy_form(**changes):
    start = uk_today() + timedelta(days=30)
    values = {
        "percentage": "4",
        "minimum": "12.50",
        "maximum": "200",
        "payer": "split",
        "vat_rate": "20",
        "payment_terms_days": "14",
        "void_on_cancellation": "no",
        "in_force_from": [str(start.day), str(start.month), str(start.year)],
    }
    values.update(changes)
    return values


def test_the_fee_policy_page_shows_the_default_and_makes_a_new_version(billing, admin):
    html = page(admin.get("/admin/fee-policy"))
    assert "5% of the booking’s value, at least £10.00 and at most £250.00" in html
    assert 'value="5"' in html  # the form starts from the policy in force

    response = admin.post("/admin/fee-policy", data=policy_form())

    assert response.status_code == 302
    policy = _db.session.query(FeePolicy).one()
    assert (policy.basis_points, policy.minimum_pence, policy.maximum_pence) == (400, 1_250, 20_000)
    assert (policy.payer, policy.vat_basis_points, policy.payment_terms_days) == (
        "split",
        2_000,
        14,
    )
    assert policy.void_on_cancellation is False
    assert policy.in_force_from == uk_today() + timedelta(days=30)
    assert "Future" in page(admin.get("/admin/fee-policy"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minimum": "300"}, "The minimum charge must be the same as or less than the maximum"),
        ({"percentage": "-5"}, "The percentage must be 0 or more, not negative"),
        ({"percentage": ""}, "Enter the percentage of the booking’s value"),
        ({"maximum": "-1"}, "The maximum charge must be £0 or more, not negative"),
        ({"vat_rate": "120"}, "Enter a percentage of 100 or less"),
        ({"payer": ""}, "Select who pays the service charge"),
        ({"payment_terms_days": "thirty"}, "whole number of days"),
        ({"in_force_from": ["1", "1", "2020"]}, "must be today or in the future"),
        ({"in_force_from": ["31", "2", "2030"]}, "must be a real date"),
    ],
)
def test_a_bad_fee_policy_is_refused_with_a_clear_message(billing, admin, changes, message):
    html = page(admin.post("/admin/fee-policy", data=policy_form(**changes)))

    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    assert message in html
    assert _db.session.query(FeePolicy).count() == 0


@contextmanager
def statements_run(engine):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_list_costs_the_same_queries_for_one_charge_as_for_twenty(billing, admin):
    charge = a_charge(billing)
    services.waive(charge, "Pilot", billing.admin)
    _db.session.commit()
    admin.get("/admin/charges")  # warm up

    def queries(url):
        _db.session.expire_all()
        with statements_run(_db.engine) as statements:
            assert admin.get(url).status_code == 200
        return statements

    for_one = [queries("/admin/charges"), queries("/admin/charges/export.csv")]
    for _ in range(19):
        services.waive(a_charge(billing), "Pilot", billing.admin)
    _db.session.commit()
    for_twenty = [queries("/admin/charges"), queries("/admin/charges/export.csv")]

    assert [len(each) for each in for_one] == [len(each) for each in for_twenty]
