"""The timers `elp worker` runs, each on one node at a time (decision 29): what cron ran
before, from `elp tick` every minute to the saved-search alerts once a day. The commands
stay, for cron users and scripts."""

from datetime import timedelta

from huey import crontab

from elp.billing import stripe_events, stripe_gateway
from elp.jobs import queue, services
from elp.notifications import services as notifications
from elp.operations import heartbeat
from elp.search import saved_searches
from elp.timers import tick


@queue.timer("timers", crontab(), every=timedelta(minutes=1))
def run_timers():
    """`elp tick`: expire unanswered proposals, send reminders, complete bookings."""
    tick()


@queue.timer("send-unsent-email", crontab(), every=timedelta(minutes=1))
def deliver_email():
    """Send what the outbox still holds: emails queued by commands, and those whose earlier
    attempt failed. (Each commit that queues an email also queues a delivery at once.)"""
    notifications.deliver_due_emails()


@queue.timer("saved-search-alerts", crontab(minute="0", hour="7"), every=timedelta(days=1),
             hold=timedelta(hours=2))  # fmt: skip
def send_saved_search_alerts():
    """`elp send-alerts`, each morning: new offers matching saved searches, by email."""
    saved_searches.send_alerts(progress=lambda count: queue.beat())


@queue.timer("sync-payments", crontab(minute="*/15"), every=timedelta(minutes=15))
def sync_payments():
    """`elp sync-payments`: apply the Stripe events the webhook missed."""
    if stripe_gateway.is_configured():
        stripe_events.sync_payments()


@queue.timer("recover-lost-jobs", crontab(), every=timedelta(minutes=1))
def recover_lost_jobs():
    """Retry, or mark failed, each job whose worker stopped while running it."""
    for lost in services.recover_lost_runs(queue.retryable):
        queue.queue_again(lost)


@queue.on_every_node("worker-heartbeat", crontab())
def record_heartbeat():
    """Show that this node's worker is alive: its recorded run, every minute, is what
    `services.worker_last_seen` (the admins' "Background jobs" page) reads."""
    # And the heartbeat /healthz reads, one row a node.
    heartbeat.record_worker_heartbeat()
