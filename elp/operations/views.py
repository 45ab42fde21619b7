"""/healthz for load balancers and monitoring, /metrics for Prometheus."""

import hmac

from flask import Blueprint, abort, current_app, jsonify, request

from elp.extensions import limiter
from elp.operations import health, metrics

bp = Blueprint("operations", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 with every check's figures, or 503 naming the failing checks."""
    result = health.run_checks()
    response = jsonify(result)
    response.status_code = 200 if result["status"] == health.OK else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
@limiter.exempt
def metrics_page():
    """The metrics, only for `Authorization: Bearer <ELP_METRICS_TOKEN>`; without the token
    configured the page does not exist (404), so it never answers to anyone by accident."""
    expected = current_app.config.get("METRICS_TOKEN")
    if not expected:
        abort(404)
    offered = request.headers.get("Authorization", "")
    scheme, _, token = offered.partition(" ")
    # Compared in constant time, as bytes, so the answer's timing says nothing about the token.
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        response = jsonify(error="Send the metrics token as Authorization: Bearer <token>.")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = current_app.response_class(metrics.exposition(), mimetype=None)
    response.headers["Content-Type"] = metrics.CONTENT_TYPE
    response.headers["Cache-Control"] = "no-store"
    return response
