"""The accessibility check itself: it must catch what it is there to catch."""

import pytest

pytestmark = pytest.mark.browser


def test_accessibility_check_lists_serious_violations(page, live_server, assert_accessible):
    page.goto(live_server.url + "/")
    # An image with no text alternative and an unlabelled field: both "critical" in axe.
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<img src="/static/images/favicon.svg" id="no-alt">' +
                '<input type="text" id="no-label">');
        }"""
    )

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)

    message = str(failure.value)
    assert "image-alt" in message
    assert "#no-alt" in message
    assert "label" in message
    assert "#no-label" in message

