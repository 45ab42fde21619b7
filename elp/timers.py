"""`elp tick`: every timer the service keeps, run once; cron runs it every minute.

Each timer acts on one request or booking per transaction, as a compare-and-set, so ticks
may overlap, on one node or several, and still act once.
"""

from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import with_appcontext

from elp.billing.timers import send_charge_reminders
from elp.bookings.timers import complete_delivered_bookings, send_booking_reminders
from elp.negotiation.timers import expire_requests, send_expiry_reminders
from elp.notifications.services import deliver_outbox
from elp.timeutil import utcnow


@dataclass(frozen=True)
class TickReport:
    expired: int
    reminded: int  # every reminder: proposals about to expire, bookings, charges
    completed: int

    def __str__(self):
        return (
            f"Expired {_count(self.expired, 'request')}, "
            f"sent {_count(self.reminded, 'reminder')}, "
            f"completed {_count(self.completed, 'booking')}."
        )


def _count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"


def tick(now=None):
    """Run every timer once, as of `now`. Expiry goes first, so a request that expires
    is not also reminded; completion before the reminders, so a booking that completes is
    not asked to be confirmed."""
    now = now or utcnow()
    expired = expire_requests(now)
    reminded = send_expiry_reminders(now)
    completed = complete_delivered_bookings(now)
    reminded += send_booking_reminders(now) + send_charge_reminders(now)
    return TickReport(expired=expired, reminded=reminded, completed=completed)


@click.command("tick")
@with_appcontext
def tick_command():
    """Expire unanswered proposals, complete delivered bookings, send the reminders."""
    # The emails go before the command ends, from this process, rather than waiting for a
    # worker that a site running the timers from cron may not have.
    config = current_app.config
    delivery, config["MAIL_DELIVERY"] = config["MAIL_DELIVERY"], "command"
    try:
        report = tick()
    finally:
        config["MAIL_DELIVERY"] = delivery
    deliver_outbox()
    click.echo(str(report))


commands = [tick_command]
