"""ELP admins see every access code with its status, revoke an unused one, reissue one with
a printable letter for the head teacher, and issue codes for every school of a district that
has not joined, downloaded once as a CSV file for a mail merge."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from elp.accounts import tokens
from elp.accounts.models import SCHOOL_SUSPENDED, AccessCode
from elp.audit import AuditEvent
from elp.extensions import db as _db
from elp.timeutil import utcnow
from tests.factories import days, make_admin, make_lead, make_school


@pytest.fixture
def admin(db, login_as):
    user = make_admin()
    return login_as(user), user


def a_code(school, **fields):
    code = tokens.new_access_code()
    values = {"expires_at": utcnow() + days(30), **fields}
    access_code = AccessCode(school=school, code_hash=tokens.hash_access_code(code),
                             hint=code[-4:], **values)  # fmt: skip
    _db.session.add(access_code)
    _db.session.commit()
    return access_code


def statuses(response):
    page = response.get_data(as_text=True)
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.DOTALL)[1:]
    found = []
    for row in rows:
        school = re.search(r'href="/admin/schools/\d+">([^<]+)</a>', row).group(1)
        tag = re.search(r'class="govuk-tag[^"]*">\s*([^<]+?)\s*<', row).group(1)
        found.append((school, tag))
    return sorted(found)


def test_the_list_shows_each_codes_status_and_who_used_it(admin):
    client, _ = admin
    used_by = make_lead(make_school(name="Used School"), full_name="Dana Lead")
    a_code(used_by.school, redeemed_at=utcnow(), redeemed_by_id=used_by.id)
    a_code(make_school(name="Unused School"))
    a_code(make_school(name="Expired School"), expires_at=utcnow() - days(1))
    a_code(make_school(name="Revoked School"), revoked_at=utcnow())

    response = client.get("/admin/access-codes")

    assert statuses(response) == [("Expired School", "Expired"), ("Revoked School", "Revoked"),
                                  ("Unused School", "Unused"), ("Used School", "Used")]  # fmt: skip
    assert "by" in response.get_data(as_text=True) and "Dana Lead" in response.get_data(
        as_text=True
    )
    for status, school in [("unused", "Unused School"), ("used", "Used School"),
                           ("expired", "Expired School"), ("revoked", "Revoked School")]:  # fmt: skip
        assert [
            name for name, _ in statuses(client.get(f"/admin/access-codes?status={status}"))
        ] == [school]


def test_an_unused_code_is_revoked_after_confirming(admin):
    client, user = admin
    access_code = a_code(make_school(name="Unused School"))

    page = client.get(f"/admin/access-codes/{access_code.id}/revoke").get_data(as_text=True)
    assert "Revoke access code" in page
    response = client.post(f"/admin/access-codes/{access_code.id}/revoke")

    assert response.status_code == 302
    _db.session.refresh(access_code)
    assert access_code.state() == "revoked"
    [event] = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access_code.revoked")
    )
    assert event.actor_id == user.id


def test_a_used_code_cannot_be_revoked(admin):
    client, _ = admin
    lead = make_lead(make_school())
    access_code = a_code(lead.school, redeemed_at=utcnow(), redeemed_by_id=lead.id)

    assert "already used, so it cannot be revoked" in client.get(
        f"/admin/access-codes/{access_code.id}/revoke").get_data(as_text=True)  # fmt: skip
    response = client.post(f"/admin/access-codes/{access_code.id}/revoke")

    assert response.status_code == 409
    assert "A used access code cannot be revoked." in response.get_data(as_text=True)
    _db.session.refresh(access_code)
    assert access_code.revoked_at is None


def test_reissuing_replaces_an_unused_code_and_shows_a_printable_letter(admin):
    client, user = admin
    school = make_school(name="Moulsham Infant School", urn="115123")
    old = a_code(school)

    response = client.post(f"/admin/access-codes/{old.id}/reissue")

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    code = re.search(r'id="access-code">([^<]+)<', page).group(1)
    _db.session.refresh(old)
    assert old.state() == "revoked"
    new = _db.session.scalars(select(AccessCode).where(AccessCode.revoked_at.is_(None))).one()
    assert new.code_hash == tokens.hash_access_code(code) and new.issued_by_id == user.id
    start = page.index('class="elp-letter')
    letter = page[start : page.index("</section>", start)]
    assert "Dear Head Teacher" in letter and code in letter and "URN 115123" in letter
    assert "/join" in letter
    assert 'href="/static/css/letter-print.css" media="print"' in page
    css = client.get("/static/css/letter-print.css").get_data(as_text=True)
    assert ".elp-letter" in css and "visibility: hidden" in css


def test_a_used_code_is_not_reissued(admin):
    client, _ = admin
    lead = make_lead(make_school(name="Joined School"))
    access_code = a_code(lead.school, redeemed_at=utcnow(), redeemed_by_id=lead.id)

    response = client.post(f"/admin/access-codes/{access_code.id}/reissue")

    assert response.status_code == 409
    assert "Joined School has joined" in response.get_data(as_text=True)
    assert _db.session.scalar(select(_db.func.count()).select_from(AccessCode)) == 1


def test_bulk_issue_gives_every_school_not_joined_a_code_in_a_csv_file(admin):
    client, user = admin
    waiting = [make_school(name=f"Harlow School {n}", district="Harlow") for n in (1, 2, 3)]
    earlier = a_code(waiting[0])
    make_lead(make_school(name="Joined Harlow School", district="Harlow"))
    make_school(name="Suspended Harlow School", district="Harlow", status=SCHOOL_SUSPENDED,
                suspension_reason="Closed")  # fmt: skip
    make_school(name="Maldon School", district="Maldon")

    response = client.post("/admin/access-codes/bulk", data={"district": "Harlow"})

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "elp-access-codes-harlow.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0] == ["urn", "school_name", "district", "postcode", "access_code", "expires_on",
                       "join_link"]  # fmt: skip
    assert [row[1] for row in rows[1:]] == [school.name for school in waiting]
    for row, school in zip(rows[1:], waiting):
        stored = _db.session.scalars(select(AccessCode).where(
            AccessCode.school_id == school.id, AccessCode.revoked_at.is_(None))).one()  # fmt: skip
        assert stored.code_hash == tokens.hash_access_code(row[4])
        assert row[6] == "http://localhost/join"
    _db.session.refresh(earlier)
    assert earlier.state() == "revoked"  # only the code in the file works
    issued = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access_code.issued")
    ).all()
    assert len(issued) == 3 and {event.details["bulk"] for event in issued} == {"Harlow"}
    assert {event.actor_id for event in issued} == {user.id}


def test_bulk_issue_for_a_district_where_everyone_joined_is_refused(admin):
    client, _ = admin
    make_lead(make_school(name="Joined Maldon School", district="Maldon"))

    page = client.post("/admin/access-codes/bulk", data={"district": "Maldon"}).get_data(
        as_text=True
    )

    assert "Every school in Maldon has joined or is suspended, so no codes were issued" in page
    assert "govuk-error-summary" in page
    assert _db.session.scalar(select(_db.func.count()).select_from(AccessCode)) == 0
    bad = client.post("/admin/access-codes/bulk", data={"district": "Atlantis"}).get_data(
        as_text=True
    )
    assert "govuk-error-summary" in bad


def test_the_bulk_page_counts_the_schools_not_joined_in_each_district(admin):
    client, _ = admin
    make_school(district="Tendring")
    make_school(district="Tendring")
    make_lead(make_school(district="Tendring"))

    page = client.get("/admin/access-codes/bulk").get_data(as_text=True)

    table = page[page.index('id="not-joined"') :]
    assert re.search(r"Tendring</td>\s*<td[^>]*>\s*2\s*</td>", table)
