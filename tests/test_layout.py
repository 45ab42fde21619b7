"""The shared layout: a brand-neutral header, role-based menu, footer and error pages."""

import re

import pytest
from flask import abort

from elp import create_app
from elp.errors import ERROR_TITLES
from tests.factories import make_admin, make_member


def test_every_page_starts_with_the_doctype(client):
    for path in ("/", "/accessibility", "/no-such-page"):
        assert client.get(path).get_data(as_text=True).startswith("<!DOCTYPE html>\n")


def test_header_names_the_service_and_the_partnership_without_gov_uk_branding(client):
    page = client.get("/").get_data(as_text=True)

    assert 'class="elp-header__service-name">ELP Exchange</a>' in page
    assert "Essex Learning Partnership" in page
    assert "GOV.UK" not in page
    assert "govuk-header" not in page  # the crown header is never used
    assert "/static/images/favicon.svg" in page


def test_pages_load_no_inline_script_or_style(client):
    page = client.get("/").get_data(as_text=True)

    assert "<script>" not in page
    assert "<style" not in page
    assert " style=" not in page
    assert '<script type="module" src="/static/js/app.js"></script>' in page


def test_anonymous_visitors_are_offered_sign_in_in_the_header(client):
    page = client.get("/").get_data(as_text=True)

    assert '<a class="elp-header__link" href="/sign-in">Sign in</a>' in page
    assert "Sign out" not in page


def test_the_sign_in_page_does_not_link_to_itself_from_the_header(client):
    assert 'class="elp-header__link"' not in client.get("/sign-in").get_data(as_text=True)


def test_signed_in_users_see_their_name_and_a_sign_out_button(client, db, login_as):
    login_as(make_member(full_name="Amira Hussain"))
    page = client.get("/").get_data(as_text=True)

    assert '<span class="elp-header__account-name">Amira Hussain</span>' in page
    assert 'method="post" action="/sign-out"' in page
    assert "Sign out</button>" in page


def test_anonymous_visitors_see_no_service_menu(client):
    assert "govuk-service-navigation" not in client.get("/").get_data(as_text=True)


def test_a_school_user_sees_the_school_menu_with_the_current_page_marked(client, db, login_as):
    login_as(make_member())
    menu = client.get("/").get_data(as_text=True)

    assert "govuk-service-navigation" in menu
    assert 'href="/admin/"' not in menu
    assert 'aria-current="page"' in menu


def test_an_elp_admin_sees_the_admin_menu(client, db, login_as):
    login_as(make_admin())

    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("status", sorted(ERROR_TITLES))
def test_each_error_page_is_shown_in_the_site_layout(status):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROPAGATE_EXCEPTIONS": False})

    @app.get("/_test/error")
    def fail():
        if status == 500:
            raise RuntimeError("boom")
        abort(status)

    response = app.test_client().get("/_test/error")

    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert page.startswith("<!DOCTYPE html>")
    assert f"<title>{ERROR_TITLES[status]} – ELP Exchange</title>" in page
    assert "elp-header" in page
    assert "govuk-footer" in page
    assert "Go to the home page" in page


def _tags_only(html):
    """Markup with the whitespace between and inside tags' edges taken out, for comparing."""
    return re.sub(r"\s+", " ", re.sub(r"\s*([<>])\s*", r"\1", html)).strip()


@pytest.mark.parametrize(
    "params",
    [
        {  # numbered, as the search results page and the reports make it
            "items": [
                {"number": 1, "href": "/p?page=1"},
                {"ellipsis": True},
                {"number": 4, "href": "/p?page=4", "current": True},
                {"number": 5, "href": "/p?page=5"},
            ],
            "previous": {"href": "/p?page=3"},
            "next": {"href": "/p?page=5"},
            "landmarkLabel": "Pages of results",
        },
        {"items": [{"number": 1, "href": "/p?page=1", "current": True}], "next": {"href": "/n"}},
        {"previous": {"href": "/p?page=1"}, "next": {"href": "/p?page=3"}},  # block level
        {"previous": {"href": "/p?page=1"}, "next": None},
        {"previous": None, "next": {"href": "/p?page=2"}},
    ],
)
def test_pagination_writes_the_markup_the_govuk_component_writes(app, params):
    """The service's own pagination macro (written out for speed) gives the GOV.UK
    component's markup for every form of it the pages use."""
    own = app.jinja_env.from_string(
        '{% from "_pagination.html" import pagination %}{{ pagination(params) }}'
    )
    component = app.jinja_env.from_string(
        '{% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}'
        "{{ govukPagination(params) }}"
    )
    with app.test_request_context():
        assert _tags_only(own.render(params=params)) == _tags_only(component.render(params=params))
