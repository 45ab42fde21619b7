"""The browser-test harness: a live server, a Chromium page, axe-core checks and sign-in.

Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright against the
session's `app`, served on 127.0.0.1 in a background thread. The server uses the same
database as the test, so data made with the factories is visible to the browser once the
test has committed it (`db.session.commit()`).

Without Chromium or Playwright the tests skip with the reason; with ELP_REQUIRE_BROWSER=1
(as in CI) they fail instead, so a missing browser can never pass unnoticed.
"""

import os
import threading
import weakref
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
VIEWPORT = {"width": 1100, "height": 900}
# Pages opened with JavaScript turned off. axe-core is itself JavaScript and waits on timers,
# which never fire in such a page, so `assert_accessible` checks them another way.
_WITHOUT_JAVASCRIPT = weakref.WeakSet()


def _missing_browser():
    """Say what is missing for browser tests, or None when everything is there."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install -e '.[test]'"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM}: apt-get install chromium"
    return None


class LiveServer:
    """The app served over HTTP on 127.0.0.1 at a free port, in a background thread."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)

    def url_of(self, link):
        """Return an emailed link (built from BASE_URL) as the same page on this server."""
        parts = urlsplit(link)
        return self.url + parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _browser():
    missing = _missing_browser()
    if missing:
        if os.environ.get("ELP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Browser tests are required (ELP_REQUIRE_BROWSER=1) but {missing}")
        pytest.skip(f"Browser tests skipped: {missing}")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser):
    """A fresh page with its own cookies, so each test starts signed out.

    The test fails if the Content Security Policy refused anything on any page it visited
    (an inline script or style attribute, say), since that part of the page did not work.
    """
    yield from _page(_browser, java_script_enabled=True)


@pytest.fixture
def page_without_javascript(_browser):
    """A fresh page in a browser with JavaScript turned off, as some school networks have it."""
    yield from _page(_browser, java_script_enabled=False)


@pytest.fixture
def open_page(_browser):
    """Return a function that opens another fresh page with its own cookies, for two people
    using the service at once (with the same Content Security Policy check as `page`)."""
    opened = []

    def open_another(java_script_enabled=True):
        pages = _page(_browser, java_script_enabled)
        opened.append(pages)
        return next(pages)

    yield open_another
    for pages in opened:
        next(pages, None)  # close the context, failing the test on any refusal


def _page(browser, java_script_enabled):
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=java_script_enabled)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if not java_script_enabled:
        _WITHOUT_JAVASCRIPT.add(page)
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    yield page
    context.close()
    if refused:
        pytest.fail("The Content Security Policy refused:\n" + "\n".join(refused), pytrace=False)


@pytest.fixture(scope="session")
def _axe_source():
    return AXE_SOURCE.read_text(encoding="utf-8")


@pytest.fixture
def assert_accessible(_axe_source):
    """Return a check that fails listing every serious or critical axe-core violation.

    axe is injected with page.evaluate, which runs outside the page's Content Security
    Policy, so the site's strict policy stays on while it is checked. A page opened with
    JavaScript off is checked as it is served without JavaScript: the same address, opened
    with the same cookies in a browser that refuses the site's own scripts, so axe can run.
    """

    def check(page):
        if page in _WITHOUT_JAVASCRIPT:
            _check_without_site_scripts(page, run_axe)
        else:
            run_axe(page)

    def run_axe(page):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(_axe_source)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            lines = [f"{len(blocking)} accessibility violation(s) on {page.url}:"]
            for violation in blocking:
                targets = ", ".join(
                    " ".join(map(str, node["target"])) for node in violation["nodes"]
                )
                lines.append(
                    f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                    f" — {targets}"
                )
            pytest.fail("\n".join(lines), pytrace=False)

    return check


def _check_without_site_scripts(page, run_axe):
    """Run `run_axe` on the page's address in a twin of its browser context, with the same
    cookies but every script the site serves refused: the page as a browser without
    JavaScript shows it, in a browser where axe (injected by Playwright) can still run."""
    context = page.context.browser.new_context(
        viewport=VIEWPORT, storage_state=page.context.storage_state()
    )
    try:
        context.route(
            "**/*",
            lambda route: (
                route.abort() if route.request.resource_type == "script" else route.continue_()
            ),
        )
        twin = context.new_page()
        twin.goto(page.url)
        run_axe(twin)
    finally:
        context.close()


@pytest.fixture
def sign_in_with_browser(live_server):
    """Return a function that signs a user in through the real sign-in page."""

    def sign_in(page, email, password):
        page.goto(f"{live_server.url}/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()

    return sign_in
