"""Hostile and random values posted to every form: never a 500, and nothing stored when the
form is refused.

The forms are not listed by hand. Every POST route of the route-by-role list
(tests/test_access_by_role.py, which must name every route) is posted to, signed in as the
first role that list says gets through to it. Its fields are read from the page that carries
its form (the route's own GET page, or the nearest page whose <form action> is the route), and
Hypothesis fills them: left as the page had them, left out, or replaced with long strings,
control characters, NUL, SQL and template syntax, huge and odd numbers, or several values where
one is expected. So a form another feature adds is fuzzed as soon as it is in that list.

A refused post (a 4xx, or the page again with its error summary) must leave every table as it
was, row for row. A post that is accepted may store what it stores.
"""

import io
import os
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elp.extensions import db as _db
from elp.extensions import limiter
from tests.factories import make_offer, make_request, make_school
from tests.test_access_by_role import ROLES, ROUTES, build_url, url_values  # noqa: F401

pytestmark = pytest.mark.slow

# Examples a form and a page: few, so the file stays quick; ELP_FUZZ_EXAMPLES hunts harder.
EXAMPLES = int(os.environ.get("ELP_FUZZ_EXAMPLES", "6"))
QUERY_EXAMPLES = EXAMPLES
# Statuses that show a role gets through to a POST route (the others are a sign-in redirect for
# visitors, 403 or 404).
GETS_THROUGH = (200, 302, 409)

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\t",
    "\u202e\u200b\ufeff",
    "x" * 10_000,
    "é" * 3_000,
    "{{7*7}}",
    "{% for x in range(9) %}{{x}}{% endfor %}",
    "${7*7}",
    "' OR '1'='1' --",
    "'; DROP TABLE users; --",
    '" onmouseover="alert(1)',
    "<script>alert(1)</script>",
    "%s%s%n",
    "../../../../etc/passwd",
    "0",
    "-1",
    "1.5",
    "1e308",
    "NaN",
    "-0",
    "2147483648",
    "9223372036854775808",
    "9" * 5_000,
    "٣٥٠",
    "²",
    "£1,000,000,000.00",
    "2026-02-30",
    "31/12/99999",
    "true",
    "None",
    "[]",
    "{}",
    "user@",
    "@example.com",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


# A file where text is expected, or where a file is (an upload's bytes, even NUL or not UTF-8).
uploads = st.builds(
    lambda content, name: (io.BytesIO(content), name),
    st.one_of(
        st.binary(max_size=2_000), st.sampled_from([b"\x00" * 100, "é,ü\n".encode("latin-1")])
    ),
    st.sampled_from(["file.csv", "", "../../x.pdf", "a\x00.csv"]),
)


class FormReader(HTMLParser):
    """The forms on a page: {action: {field name: value the page gives it}}."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms = {}
        self.query_names = set()  # the fields of the page's GET forms (search, filters)
        self.in_get_form = False
        self.fields = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                action = (attrs.get("action") or self.page_url).split("#")[0]
                self.fields = self.forms.setdefault(action.split("?")[0], {})
            else:
                self.fields = {}
                self.in_get_form = True
            return
        if self.fields is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs or kind == "file":
                self.fields.setdefault(name, None)
            elif kind not in ("submit", "button", "image", "reset"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "select":
            self.select = name
            self.fields.setdefault(name, None)
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""
        elif tag == "button" and attrs.get("value") is not None:
            self.fields.setdefault(name, attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.textarea and self.fields is not None:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            if self.in_get_form:
                self.query_names |= set(self.fields)
                self.in_get_form = False
            self.fields = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def _read_page(html, page_url):
    reader = FormReader(page_url)
    reader.feed(html)
    # An <option> is not a start tag the reader tracks above: take each select's first option.
    for name, value in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>\s*(?:<optgroup[^>]*>\s*)?<option[^>]*value="([^"]*)"',
        html,
    ):
        for fields in reader.forms.values():
            if name in fields and fields[name] is None:
                fields[name] = value
    return reader


def _role_for(expected):
    """The first role that gets through to a POST route, or None."""
    for role, status in zip(ROLES, expected, strict=True):
        if status in GETS_THROUGH and not (role == "anonymous" and status == 302):
            return role
    return None


FORMS = [
    pytest.param(rule, role, id=f"{rule} as {role}")
    for method, rule, expected in ROUTES
    if method == "POST" and "?" not in rule and rule != "/stripe/webhook"
    for role in [_role_for(expected)]
    if role is not None
]


def _requestable_offer(people):
    """A published offer of another school, which school A may ask for."""
    return {"offer_id": make_offer(make_school(name="School E"), "Outreach for KS2").id}


def _request_to_school_a(people):
    """A request another school sent to school A's published offer, for school A to answer."""
    offer = make_offer(people["member_a"].school, "School A's published offer")
    return {"request_id": make_request(offer, make_school(name="School F")).id}


# Where the route-by-role list's objects refuse every post (409, shown there to prove the role
# gets through), the form itself is never reached: these give the route an object whose form is.
FORM_OBJECTS = {
    "/offers/<int:offer_id>/request": _requestable_offer,
    "/requests/<int:request_id>/accept": _request_to_school_a,
    "/requests/<int:request_id>/decline": _request_to_school_a,
}


def _common_prefix(a, b):
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _form_fields(client, rule, url, values):
    """The fields of the form that posts to `url`, from the page that carries it."""
    pages = sorted(
        (r for m, r, _ in ROUTES if m == "GET" and "?" not in r),
        key=lambda r: (r != rule, -_common_prefix(r, rule)),
    )
    for page_rule in pages[:4]:
        page_url = build_url(page_rule, values)
        response = client.get(page_url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        forms = _read_page(response.text, page_url).forms
        if url in forms:
            return forms[url]
    return {}


# What a page records about being seen, not what a form stores: a refused message shown
# again on the request page is a reading of that request.
SEEN_NOT_STORED = {"request_read"}


def _row_counts():
    with _db.engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in _db.metadata.sorted_tables
            if table.name not in SEEN_NOT_STORED
        }


def _refused(response):
    if response.status_code >= 400:
        return True
    return response.status_code == 200 and "govuk-error-summary" in response.text


def _post_data(fields):
    """A strategy for a form's data: each field kept, left out, or hostile (or several)."""
    names = sorted(fields) or ["name", "id", "q"]

    def value(name):
        kept = fields.get(name)
        choices = [hostile_text, st.lists(hostile_text, min_size=2, max_size=3), uploads]
        if kept is not None:
            choices.insert(0, st.just(kept))
        return st.one_of(*choices)

    return st.fixed_dictionaries({}, optional={name: value(name) for name in names})


@pytest.mark.parametrize(("rule", "role"), FORMS)
def test_hostile_values_posted_to_a_form_never_fail_and_a_refused_form_stores_nothing(
    app,
    client,
    login_as,
    request,
    monkeypatch,
    rule,
    role,
):
    people, values = request.getfixturevalue("url_values")
    if rule in FORM_OBJECTS:
        values = {**values, **FORM_OBJECTS[rule](people)}
    monkeypatch.setattr(limiter, "enabled", False)
    url = build_url(rule, values)

    def sign_in():
        if people[role] is not None:
            login_as(people[role])

    sign_in()
    fields = _form_fields(client, rule, url, values)

    @given(data=_post_data(fields))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def post(data):
        sign_in()  # a post may have signed this role out, or ended its session
        before = _row_counts()
        response = client.post(url, data=data)
        assert response.status_code < 500, data
        if _refused(response):
            after = _row_counts()
            changed = {
                name: (before[name], after[name]) for name in before if before[name] != after[name]
            }
            assert changed == {}, f"a refused form stored rows: {changed} from {data!r}"

    post()


# Names lists take in their query strings, asked for whether or not the page has a form for them.
QUERY_NAMES = ("q", "page", "sort", "status", "box", "school", "role", "district", "kind")


@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_strings_never_fail(app, client, login_as, request, role):
    """Every page a role may see, and the API, take hostile values in their query strings
    without a 500: the names of the page's own search and filter forms, and those lists commonly
    take. One role's pages share one setup, since looking changes nothing."""
    people, values = request.getfixturevalue("url_values")
    rules = [
        rule
        for method, rule, expected in ROUTES
        if method == "GET" and "?" not in rule and expected[ROLES.index(role)] == 200
    ]
    assert rules
    for rule in rules:
        if people[role] is not None:
            login_as(people[role])  # a page may have ended the session (signing out, say)
        url = build_url(rule, values)
        page = client.get(url)
        names = set(QUERY_NAMES)
        if "html" in page.content_type:
            names |= _read_page(page.text, url).query_names
        if url.startswith("/api/v1/offers"):
            names |= {"category", "phase", "mode", "max_price"}

        _fuzz_query(client, url, names)


def _fuzz_query(client, url, names):
    @given(query=st.fixed_dictionaries({}, optional={n: hostile_text for n in sorted(names)}))
    @settings(
        max_examples=QUERY_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def get(query):
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (url, query)

    get()


def test_the_form_reader_finds_each_forms_fields_as_the_page_fills_them():
    html = """
    <form method="get" action="/search"><input name="q" value="phonics"></form>
    <form method="post" action="/offers/7/edit#top">
      <input type="hidden" name="csrf_token" value="t">
      <input name="title" value="Phonics">
      <input type="checkbox" name="phases" value="KS1">
      <input type="checkbox" name="districts" value="Harlow" checked>
      <select name="category"><option value="Reading">Reading</option></select>
      <textarea name="description">Line one</textarea>
      <button type="submit" name="action" value="save">Save</button>
    </form>
    <form method="POST"><input name="email"></form>
    """

    page = _read_page(html, "/offers/7")

    assert page.query_names == {"q"}
    assert page.forms == {
        "/offers/7/edit": {
            "csrf_token": "t",
            "title": "Phonics",
            "phases": None,
            "districts": "Harlow",
            "category": "Reading",
            "description": "Line one",
            "action": "save",
        },
        "/offers/7": {"email": ""},
    }


def test_a_form_is_fuzzed_as_the_first_role_the_route_list_lets_through():
    assert _role_for((200, 200, 200, 200, 200)) == "anonymous"
    assert _role_for((302, 302, 302, 302, 302)) == "member_a"
    assert _role_for((302, 403, 200, 403, 403)) == "lead_a"
    assert _role_for((302, 403, 403, 403, 409)) == "admin"
    assert _role_for((302, 403, 403, 404, 403)) is None
    assert len(FORMS) >= 60


def test_a_file_or_json_sent_to_a_text_field_gets_the_forms_errors_not_a_500(client, db):
    """Found by the fuzzer: a file under a text field's name reached a filter that expects text."""
    file_for_text = client.post(
        "/sign-in", data={"email": (io.BytesIO(b"x"), "a.txt"), "password": "x"}
    )
    json_list = client.post("/sign-in", json=[1, 2, 3])

    assert file_for_text.status_code == 200
    assert "govuk-error-summary" in file_for_text.text
    assert json_list.status_code == 200
