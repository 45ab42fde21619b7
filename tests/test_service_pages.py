"""What a mature public service also has: a phase banner with a feedback link, contact and
help, an accessibility statement, a privacy notice and a cookies page, all in the footer."""

import re

import pytest

from elp import create_app
from tests.factories import PASSWORD, make_member

CONTACT = "help@elp-exchange.example"  # the development default, which the tests use


def text_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/", "/sign-in", "/contact", "/no-such-page"])
def test_every_page_says_the_service_is_in_beta_with_a_feedback_link(client, path):
    page = re.sub(r"\s+", " ", client.get(path).get_data(as_text=True))

    assert '<strong class="govuk-tag govuk-phase-banner__content__tag"> Beta </strong>' in page
    assert (
        f'<a class="govuk-link" href="mailto:{CONTACT}?subject=Feedback%20on%20ELP%20Exchange">'
        "feedback</a>" in page
    )


@pytest.mark.parametrize(
    ("text", "path"),
    [("Contact and help", "/contact"), ("Accessibility", "/accessibility"),
     ("Privacy", "/privacy"), ("Cookies", "/cookies")],
)  # fmt: skip
def test_the_footer_links_to_each_page_about_the_service(client, db, login_as, text, path):
    link = f'<a class="govuk-footer__link" href="{path}">{text}</a>'

    assert link in client.get("/").get_data(as_text=True)
    assert link in login_as(make_member()).get("/search").get_data(as_text=True)


def test_the_contact_page_says_how_to_get_an_access_code_and_who_elp_is(client):
    page = text_of(client, "/contact")

    assert f'<a class="govuk-link" href="mailto:{CONTACT}">{CONTACT}</a>' in page
    assert "Getting an access code" in page
    assert "URN" in page
    assert "ask your school lead to invite you" in page
    assert "Who we are" in page
    assert 'href="/join"' in page


def test_the_contact_address_comes_from_the_configuration(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INDEX_DIR": str(tmp_path / "index"),
         "CONTACT_EMAIL": "exchange@partnership.example"}
    )  # fmt: skip

    page = app.test_client().get("/contact").get_data(as_text=True)

    assert "mailto:exchange@partnership.example" in page
    assert CONTACT not in page


def test_the_accessibility_statement_has_what_the_model_statement_asks_for(client):
    page = text_of(client, "/accessibility")

    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Preparation of this accessibility statement",
    ):
        assert f">{heading}</h" in page, heading
    assert f"mailto:{CONTACT}" in page
    assert "The Equality and Human Rights Commission (EHRC) is responsible for enforcing" in page
    assert "Equality Advisory and Support Service (EASS)" in page
    assert re.search(r"This statement was prepared on \d{1,2} \w+ \d{4}\.", page)


def test_the_privacy_notice_gives_lawful_basis_retention_and_rights(client):
    page = text_of(client, "/privacy")

    assert "data controller" in page
    assert "Why we keep it, and our lawful basis" in page
    assert "legitimate interests (UK GDPR Article 6(1)(f))" in page
    assert "How long we keep it" in page
    assert "Your rights" in page
    assert "Information Commissioner’s Office (ICO)" in page
    assert "which browser you use" in page  # sessions, as before
    assert f"mailto:{CONTACT}" in page


def test_the_cookies_page_lists_the_one_essential_cookie(app, client):
    page = text_of(client, "/cookies")

    assert (
        f'<th scope="row" class="govuk-table__header">{app.config["SESSION_COOKIE_NAME"]}</th>'
        in page
    )
    assert "When you close your browser" in page
    assert "does not use analytics" in page


def test_the_service_sets_no_cookie_but_the_one_the_cookies_page_lists(app, client, db):
    member = make_member()
    client.get("/sign-in")
    signed_in = client.post("/sign-in", data={"email": member.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    for path in ("/", "/search?q=phonics", "/offers/mine", "/cookies"):
        client.get(path)

    names = {cookie.key for cookie in client._cookies.values()}
    assert names == {app.config["SESSION_COOKIE_NAME"]}
