"""Running the service: health and metrics, logs with request ids, the worker's heartbeat,
backups, and the check of a production configuration (docs/deployment.md)."""


def init_app(app):
    """Give every request an id (and its line in the log) and time it for /metrics."""
    from elp.operations import metrics, request_log

    request_log.init_app(app)
    metrics.init_app(app)
