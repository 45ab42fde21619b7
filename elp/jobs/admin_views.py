"""The ELP admin page of background jobs: when a worker was last seen, and the jobs that
failed, so none fails silently."""

from flask import render_template

from elp.accounts.decorators import admin_required
from elp.admin.views import bp
from elp.jobs import queue, services


@bp.get("/jobs")
@admin_required
def jobs():
    return render_template(
        "jobs/failed.html",
        failed=services.failed_runs(),
        last_seen=services.worker_last_seen(),
        described=queue.described,
        shown=services.FAILED_SHOWN,
    )
