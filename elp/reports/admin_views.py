"""ELP admin pages for the audit log and the reports (routes on the admin blueprint)."""

from flask import abort, render_template, request
from werkzeug.datastructures import MultiDict

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.bounds import page_number
from elp.errors import InvalidParameter
from elp.reports import audit_log
from elp.reports.catalogue import REPORTS
from elp.reports.charts import render_svg
from elp.reports.csv_export import csv_response
from elp.reports.forms import AuditLogFilterForm, ReportFilterForm

REPORT = "<any(" + ", ".join(f'"{slug}"' for slug in REPORTS) + "):report>"
# The charts are images: pygal's stylesheet is inside the SVG, and nothing else may run there.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


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


@bp.get("/reports")
@admin_required
def reports():
    return render_template("reports/index.html", reports=REPORTS.values())


def _report_form():
    form = ReportFilterForm(formdata=request.args)
    return form, form.validate()


@bp.get(f"/reports/{REPORT}")
@admin_required
def report(report):
    form, valid = _report_form()
    figures = period = None
    if valid:
        period = form.period()
        figures = REPORTS[report].build(period, form.district.data or None)
    return render_template(
        "reports/report.html",
        report=REPORTS[report],
        form=form,
        period=period,
        district=form.district.data,
        figures=figures,
        filter_args=_filters_args(request.args),
    )


@bp.get(f"/reports/{REPORT}.csv")
@admin_required
def report_csv(report):
    form, valid = _report_form()
    if not valid:
        raise InvalidParameter(form.first_error())
    period = form.period()
    figures = REPORTS[report].build(period, form.district.data or None)
    district = f"-{form.district.data.lower().replace(' ', '-')}" if form.district.data else ""
    file_name = f"elp-{report}{district}-{period.first_day}-to-{period.last_day}.csv"
    return csv_response(file_name, figures.csv.columns, figures.csv.rows)


@bp.get(f"/reports/{REPORT}/<chart>.svg")
@admin_required
def report_chart(report, chart):
    form, valid = _report_form()
    if not valid:
        raise InvalidParameter(form.first_error())
    figures = REPORTS[report].build(form.period(), form.district.data or None)
    found = next((each for each in figures.charts if each.name == chart), None) or abort(404)
    return (
        render_svg(found, narrow=request.args.get("size") == "narrow"),
        200,
        {
            "Content-Type": "image/svg+xml",
            "Content-Security-Policy": SVG_POLICY,
            "Cache-Control": "no-store",
        },
    )
