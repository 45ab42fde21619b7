"""schemathesis checks the search API against its own OpenAPI document.

It reads /api/v1/openapi.json from the app (through WSGI, no server), then sends values the
document allows (positive) and values it forbids (negative) to every operation, with an API
token: every answer must be one the document lists, in its shape, never a 500; what the
document allows must be accepted and what it forbids refused. A bounded run, so it stays quick.

The operations are walked here rather than through schemathesis' pytest plugin, whose lazy
loader reaches into pytest internals that pytest 9.2 no longer has.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from elp.api import services as api_services
from tests.factories import committed, make_category, make_offer, make_school

EXAMPLES = 60


@pytest.fixture
def api_schema(app, db, monkeypatch):
    """The document as the app serves it, with offers to find and room for many requests."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    make_category("Pupil achievement")
    make_category("Careers guidance")
    school = make_school(name="Harlow Primary")
    make_offer(school, "Phonics for KS1", price_pence=35_000)
    make_offer(school, "Careers fair", category="Careers guidance", price_pence=None)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def bearer(db):
    _, secret = committed(api_services.issue_token, "schemathesis")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_the_api_does_what_its_document_says(api_schema, bearer, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert "/api/v1/offers" in {operation.path for operation in operations}
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def conforms(case):
            case.call_and_validate(headers=bearer)

        conforms()
