"""Every ELP admin screen is a view on the one admin blueprint, under /admin, and each list an
admin starts from is linked from the admin home page."""

import re

from tests.factories import make_admin


def _admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]


def test_every_admin_route_is_on_the_admin_blueprint(app):
    rules = _admin_rules(app)
    assert rules, "the check must see the admin pages"
    elsewhere = [
        f"{rule.endpoint} {rule.rule}" for rule in rules if rule.endpoint.split(".")[0] != "admin"
    ]
    assert elsewhere == [], "register the page on elp.admin.views.bp from <feature>/admin_views.py"


def _starting_pages(app):
    """The admin pages an admin opens without following another page: no part of the address
    to fill in, shown in the browser (not a download)."""
    return sorted(
        rule.rule
        for rule in _admin_rules(app)
        if "GET" in rule.methods and not rule.arguments and not rule.rule.endswith(".csv")
    )


def _links(response):
    hrefs = re.findall(r'href="([^"#]+)"', response.get_data(as_text=True))
    return {href.split("?")[0] for href in hrefs}


def test_every_admin_starting_page_is_reachable_from_the_admin_home(app, client, db, login_as):
    login_as(make_admin())
    home = _links(client.get("/admin/"))
    # Pages an admin reaches from a list the home page links to.
    from_their_list = {
        "/admin/users/new-admin": "/admin/users",
        "/admin/settings/days": "/admin/settings",
        "/admin/settings/synonyms": "/admin/settings",
    }
    unreachable = []
    for page in _starting_pages(app):
        via = from_their_list.get(page)
        if page in home or (via in home and page in _links(client.get(via))):
            continue
        unreachable.append(page)
    assert unreachable == []
