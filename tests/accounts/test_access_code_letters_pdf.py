"""Access code letters as PDFs: the letter of a code just issued, and one PDF of letters for
every school of a district that has not joined, both rendered by WeasyPrint from the letter
template the page prints, and neither kept anywhere, so a code is still shown once."""

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from elp.accounts import tokens
from elp.accounts.models import AccessCode
from elp.extensions import db as _db
from elp.timeutil import utcnow
from tests.accounts.test_admin_access_codes import a_code
from tests.factories import make_admin, make_lead, make_school


@pytest.fixture
def admin(db, login_as):
    return login_as(make_admin())


def pdf_pages(data):
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def issue(client, school):
    """Issue the school a code on its admin page; return the code the page shows once."""
    page = client.post(f"/admin/schools/{school.id}/access-codes").get_data(as_text=True)
    return re.search(r'id="access-code">([^<]+)<', page).group(1), page


def the_access_code(school):
    return _db.session.scalars(
        select(AccessCode).where(AccessCode.school_id == school.id, AccessCode.revoked_at.is_(None))
    ).one()


def test_the_issued_page_offers_the_letter_as_a_pdf(admin):
    school = make_school(name="Moulsham Infant School")

    code, page = issue(admin, school)

    access_code = the_access_code(school)
    form = page[page.index(f'action="/admin/access-codes/{access_code.id}/letter.pdf"') :]
    form = form[: form.index("</form>")]
    assert f'name="code" value="{code}"' in form
    assert "Download the letter as a PDF" in form


def test_the_letter_pdf_is_the_printed_letter_with_the_code(admin, real_pdfs):
    school = make_school(name="Moulsham Infant School", urn="115123", postcode="CM2 9AH")
    code, _ = issue(admin, school)
    access_code = the_access_code(school)

    response = admin.post(f"/admin/access-codes/{access_code.id}/letter.pdf", data={"code": code})

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="elp-access-code-letter-115123.pdf"'
    )
    (letter,) = pdf_pages(response.data)
    assert "Moulsham Infant School" in letter and "URN 115123" in letter and "CM2 9AH" in letter
    assert "Dear Head Teacher" in letter and code in letter
    assert "http://localhost/join" in letter
    # The letter alone: nothing of the page around it.
    assert "Sign out" not in letter and "This is the only time the code is shown" not in letter


@pytest.mark.parametrize("sent", ["", "WRONG-CODE-1234"])
def test_no_letter_is_made_for_a_code_that_is_not_the_access_codes(admin, sent):
    access_code = a_code(make_school())

    response = admin.post(f"/admin/access-codes/{access_code.id}/letter.pdf", data={"code": sent})

    assert response.status_code == 409
    assert "That is not this access code, so no letter was made" in response.get_data(as_text=True)


def test_no_letter_is_made_for_a_used_code(admin):
    lead = make_lead(make_school())
    code = tokens.new_access_code()
    access_code = AccessCode(school=lead.school, code_hash=tokens.hash_access_code(code),
                             hint=code[-4:], expires_at=utcnow(), redeemed_at=utcnow(),
                             redeemed_by_id=lead.id)  # fmt: skip
    _db.session.add(access_code)
    _db.session.commit()

    response = admin.post(f"/admin/access-codes/{access_code.id}/letter.pdf", data={"code": code})

    assert response.status_code == 409
    assert "This access code is used, so no letter was made" in response.get_data(as_text=True)


def test_bulk_issue_gives_one_pdf_with_a_letter_for_each_school_not_joined(admin, real_pdfs):
    waiting = [make_school(name=f"Harlow School {n}", district="Harlow") for n in (1, 2, 3)]
    make_lead(make_school(name="Joined Harlow School", district="Harlow"))
    make_school(name="Maldon School", district="Maldon")

    response = admin.post("/admin/access-codes/bulk", data={"district": "Harlow", "letters": "y"})

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "elp-access-code-letters-harlow.pdf" in response.headers["Content-Disposition"]
    pages = pdf_pages(response.data)
    assert len(pages) == len(waiting)
    for letter, school in zip(pages, waiting, strict=True):
        assert school.name in letter and "Dear Head Teacher" in letter
        code = re.search(r"access code: ([A-Z0-9-]+)", letter).group(1)
        assert the_access_code(school).code_hash == tokens.hash_access_code(code)


def test_when_the_letters_cannot_be_made_no_codes_are_issued(admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_RENDERER", "weasyprint")
    monkeypatch.setitem(__import__("sys").modules, "weasyprint", None)
    school = make_school(name="Harlow School", district="Harlow")
    earlier = a_code(school)

    response = admin.post("/admin/access-codes/bulk", data={"district": "Harlow", "letters": "y"})

    assert response.status_code == 503
    assert "The PDF cannot be made at the moment" in response.get_data(as_text=True)
    assert [each.id for each in _db.session.scalars(select(AccessCode))] == [earlier.id]
    _db.session.refresh(earlier)
    assert earlier.state() == "valid"  # the code the school already has still works


def test_the_code_is_kept_nowhere_after_its_letter_is_made(admin):
    school = make_school()
    code, _ = issue(admin, school)

    admin.post(f"/admin/access-codes/{the_access_code(school).id}/letter.pdf", data={"code": code})

    for table in _db.metadata.sorted_tables:
        for row in _db.session.execute(table.select()):
            assert code not in repr(tuple(row)), f"the code is kept in {table.name}"
