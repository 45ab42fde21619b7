"""ELP admin pages for the audit log (routes on the admin blueprint)."""

from flask import render_template, request
from werkzeug.datastructures import MultiDict

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.bounds import page_number
from elp.errors import InvalidParameter
from elp.reports import audit_log
from elp.reports.csv_export import csv_response
from elp.reports.forms import AuditLogFilterForm


def _audit_log_form():
    form = AuditLogFilterForm(formdata=request.args, kinds=audit_log.kinds())
    valid = form.validate()
    filters = None
    if valid:
        filters = audit_log.AuditFilters(
            period=form.period(),
            actor=form.actor.data or "",
            school=form.school.data or "",
            kind=form.kind.data or "",
        )
    return form, filters


def _filters_args(args):
    """The query string without the page, for the CSV link and the pagination."""
    return MultiDict([(key, value) for key, value in args.items(multi=True) if key != "page"])


@bp.get("/audit-log")
@admin_required
def audit_log_page():
    page = page_number(request.args)
    form, filters = _audit_log_form()
    events = actors = None
    if filters is not None:
        events, actors = audit_log.find_events(filters, page)
    return render_template(
        "reports/audit_log.html",
        form=form,
        events=events,
        actors=actors,
        subject_names=audit_log.SUBJECT_NAMES,
        filter_args=_filters_args(request.args),
    )


@bp.get("/audit-log.csv")
@admin_required
def audit_log_csv():
    form, filters = _audit_log_form()
    if filters is None:
        raise InvalidParameter(form.first_error())
    return csv_response("elp-audit-log.csv", audit_log.CSV_COLUMNS, audit_log.csv_rows(filters))
