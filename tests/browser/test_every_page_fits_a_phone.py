"""Every page of the route-by-role list (tests/test_access_by_role.py) fits a 390 px phone:
each GET route that answers a role with 200 is opened in real Chromium at 390 px as that
role, and no page may be wider than the screen (no scrolling sideways)."""

import pytest

from tests.factories import (
    PASSWORD,
    make_admin,
    make_booking,
    make_member,
    make_offer,
    make_request,
    make_school,
)
from tests.test_access_by_role import REPORT, ROLES, ROUTES, build_url, url_values  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Every report by name, as the report routes' converter lists them.
REPORTS = ("activity", "conversion", "specialisms", "districts", "unmet-demand", "schools-joined")
# Downloads and machine-readable answers are not pages a phone shows laid out.
NOT_PAGES = (".csv", ".svg", ".pdf", ".ics", ".json", "/api/")


def pages_for(role):
    """The GET routes that show this role a page (200), in the list's order."""
    return [
        rule
        for method, rule, expected in ROUTES
        if method == "GET"
        and expected[ROLES.index(role)] == 200
        and not any(marker in rule for marker in NOT_PAGES)
    ]


def _width_of(page):
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(-3).map(e => e.tagName + '.' + e.className)]"
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_390_pixel_phone(role, page, live_server, sign_in_with_browser,
                                           url_values, db):  # noqa: F811  # fmt: skip
    people, values = url_values
    # Long words that cannot break at a space: they must wrap, not widen the page.
    make_member(people["member_a"].school, full_name="Alexandra Montgomery-Fotheringham",
                email="alexandramontgomeryfotheringham.businessmanager@schoolaacademytrust.example")  # fmt: skip
    db.session.commit()
    page.set_viewport_size(PHONE)
    if people[role] is not None:
        sign_in_with_browser(page, people[role].email, PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
    too_wide = []
    for rule in pages_for(role):
        for report in REPORTS if REPORT in rule else (values["report"],):
            url = build_url(rule, {**values, "report": report})
            response = page.goto(live_server.url + url)
            assert response.status == 200, f"{url} answered {role} with {response.status}"
            scroll_width, window_width, widest = _width_of(page)
            if scroll_width > PHONE["width"] or scroll_width > window_width:
                too_wide.append(f"{url}: {scroll_width} px ({', '.join(widest)})")
    assert too_wide == [], f"Pages wider than a 390 px phone for {role}:\n" + "\n".join(too_wide)


@pytest.fixture
def partnership_with_figures(db):
    """Requests and bookings across districts, so every report has rows and charts."""
    admin = make_admin(email="pat@elp.example")
    for number, district in enumerate(("Harlow", "Epping Forest", "Castle Point", "Uttlesford")):
        offering = make_school(name=f"{district} Academy of Outstanding Teaching", district=district)
        offer = make_offer(offering, f"Speech, language and communication support {number}",
                           capacity=40)  # fmt: skip
        seeking = make_school(name=f"{district} Primary", district=district)
        make_booking(offer=offer, seeking_school=seeking)
        make_request(offer, seeking_school=make_school(district=district))
    db.session.commit()
    return admin


def test_reports_fit_a_phone_with_charts_drawn_for_its_width(
    page, live_server, sign_in_with_browser, partnership_with_figures
):
    page.set_viewport_size(PHONE)
    sign_in_with_browser(page, partnership_with_figures.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    charts_seen = 0
    for report in REPORTS:
        page.goto(f"{live_server.url}/admin/reports/{report}")
        page.wait_for_load_state("load")
        scroll_width, _, widest = _width_of(page)
        assert scroll_width <= PHONE["width"], f"{report}: {scroll_width} px ({widest})"
        for chart in page.locator("figure img").all():
            source, natural, shown = chart.evaluate(
                "img => [img.currentSrc, img.naturalWidth, img.clientWidth]"
            )
            assert "size=narrow" in source, source
            # Drawn at about the width it is shown, its 14 px labels stay at least 12 px.
            assert natural / shown <= 14 / 12, (report, natural, shown)
            charts_seen += 1
        assert page.locator("table.elp-table-stack").count() == page.locator("table").count()
    assert charts_seen >= 3
