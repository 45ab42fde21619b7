"""SQL queries per page are bounded by a constant, whatever the number of results shown
(PRODUCT.md section 6: no N+1)."""

import re

import pytest
from factories import make_member, make_offer

from elp.search import sync
from tests.queries import statements_run


def results_shown(path, response):
    if path.startswith("/api/"):
        return len(response.get_json()["results"])
    return len(re.findall(r'<h3 class="govuk-heading-s', response.get_data(as_text=True)))


@pytest.mark.parametrize("path", ["/search", "/api/v1/offers"])
def test_twenty_results_cost_the_same_queries_as_one(db, client, login_as, path):
    login_as(make_member())
    make_offer(title="Phonics training")
    for number in range(25):
        make_offer(title=f"Attendance project {number}")
    client.get(path, query_string={"q": "warm up"})

    def search(q):
        sync.forget_catch_up_times()  # so each request checks the outbox, as one a second does
        with statements_run(db.engine) as statements:
            response = client.get(path, query_string={"q": q})
        assert response.status_code == 200
        return results_shown(path, response), statements

    one, for_one = search("phonics")
    twenty, for_twenty = search("attendance")

    assert (one, twenty) == (1, 20)
    assert len(for_one) == len(for_twenty), "\n".join(for_twenty)
