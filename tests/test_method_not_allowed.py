"""Every route answers a method it does not take with a 405 that lists, in `Allow`, the methods
it does take (RFC 9110 requires the header), in the site's layout or, under /api/, as JSON."""

import pytest

from tests.test_access_by_role import build_url

# Methods no route takes, and the ones some routes take and others do not.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Any value fills a URL's parts: the method is refused before the view looks anything up.
URL_VALUES = {"report": "activity", "action": "publish"}


class AnyValue(dict):
    def __missing__(self, name):
        return 1


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = build_url(rule.rule, AnyValue(URL_VALUES))
        yield rule, url


def test_every_route_refuses_the_methods_it_does_not_take_with_405_and_allow(app, client):
    checked = 0
    adapter = app.url_map.bind("localhost")
    for rule, url in routes(app):
        allowed = set(adapter.allowed_methods(url))
        assert rule.methods <= allowed
        for method in sorted(set(METHODS) - allowed):
            response = client.open(url, method=method)
            where = f"{method} {url}"
            assert response.status_code == 405, where
            assert set(response.headers["Allow"].split(", ")) == allowed, where
            if url.startswith("/api/"):
                assert response.get_json()["error"], where
            else:
                assert "Sorry, that action is not allowed here" in response.text, where
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("url", ["/api/v1/offers", "/sign-in", "/offers/1"])
def test_a_405_allows_exactly_what_the_route_takes(client, url):
    response = client.delete(url)

    assert response.status_code == 405
    assert "DELETE" not in response.headers["Allow"]
    assert "GET" in response.headers["Allow"]
