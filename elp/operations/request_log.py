"""Request ids and the log's format.

Every request gets an id: the proxy's `X-Request-ID` when it sends a sensible one (so a line
in nginx's log and the app's match), else a new one. It is sent back in `X-Request-ID`, put
on every log line written while the request is answered, and kept in a context variable
that background jobs carry: a job queued during a request takes `current_request_id()` with
it and runs inside `bound_request_id(that_id)`, so its lines share the request's id.

`ELP_LOG_FORMAT=json` writes one JSON object a line (time, level, logger, message,
request_id, and the traceback when there is one), for a log collector; `text` (the default)
writes plain lines for a person reading a terminal. Each request also writes one line saying
what was asked, the answer's status and how long it took (in JSON only: in text, gunicorn's
access log and the development server already say it).
"""

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import current_app, g, request

log = logging.getLogger("elp.requests")

HEADER = "X-Request-ID"
# What a proxy's id may look like: nginx's $request_id is 32 hex digits; allow a little more.
_SENSIBLE_ID = re.compile(r"[A-Za-z0-9._-]{8,100}")
_request_id = contextvars.ContextVar("elp_request_id", default=None)
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"


def current_request_id():
    """The id of the request (or the job it started) this code runs for, or None."""
    return _request_id.get()


@contextmanager
def bound_request_id(request_id):
    """Run the block as part of the request `request_id` (a background job calls this with
    the id it was queued with)."""
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


def new_request_id():
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name in ("method", "path", "status", "duration_ms", "endpoint"):
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format, stream=None):
    """Send the service's log lines to stderr in `log_format` ("text" or "json"), each with
    the request id; replaces the handler an earlier call added, so it can be called again."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "elp_handler", False)]:
        root.removeHandler(handler)
    if log_format == "text" and root.handlers:
        return  # someone (a test runner, gunicorn's config) already shows the lines
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.elp_handler = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def init_app(app):
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_forget)


def _begin():
    offered = request.headers.get(HEADER, "")
    request_id = offered if _SENSIBLE_ID.fullmatch(offered) else new_request_id()
    g.request_log = (_request_id.set(request_id), time.perf_counter())


def _finish(response):
    token_and_start = g.get("request_log")
    if token_and_start is None:
        return response
    response.headers[HEADER] = current_request_id()
    if current_app.config.get("LOG_FORMAT") != "json":
        return response  # gunicorn's access log or the development server's says it in text
    duration_ms = round((time.perf_counter() - token_and_start[1]) * 1000, 1)
    log.info(
        "%s %s %s %.1f ms",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "endpoint": request.url_rule.endpoint if request.url_rule else None,
        },
    )
    return response


def _forget(error=None):
    token_and_start = g.pop("request_log", None)
    if token_and_start is not None:
        try:
            _request_id.reset(token_and_start[0])
        except ValueError:  # set in another context (a streamed response): nothing to undo
            _request_id.set(None)
