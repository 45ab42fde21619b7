"""Reading and changing the settings admins set in the browser.

- `proposal_expiry_days()`, `auto_complete_days()` — what the timers and pages use: the
  admin's value, else PROPOSAL_EXPIRY_DAYS / BOOKING_AUTO_COMPLETE_DAYS from configuration
- `change_days(actor, proposal_expiry_days, auto_complete_days)`
- `stored(name)` / `store(actor, name, value)` — for features that keep a setting here (the
  search synonym table)
"""

from flask import current_app

from elp.audit import record
from elp.errors import InvalidInput
from elp.extensions import db
from elp.settings.models import Setting
from elp.timeutil import utcnow

PROPOSAL_EXPIRY_DAYS = "proposal_expiry_days"
AUTO_COMPLETE_DAYS = "booking_auto_complete_days"
# Whole days an admin may choose for either.
FEWEST_DAYS, MOST_DAYS = 1, 365

_CONFIGURED = {
    PROPOSAL_EXPIRY_DAYS: "PROPOSAL_EXPIRY_DAYS",
    AUTO_COMPLETE_DAYS: "BOOKING_AUTO_COMPLETE_DAYS",
}


def stored(name):
    """The value an admin set, as text; None if nobody has set it."""
    setting = db.session.get(Setting, name)
    return None if setting is None else setting.value


def store(actor, name, value):
    """Set a setting, and audit the change with the old and new values (when short)."""
    setting = db.session.get(Setting, name)
    old = None if setting is None else setting.value
    if old == value:
        return False
    if setting is None:
        setting = Setting(name=name, value=value)
        db.session.add(setting)
    setting.value = value
    setting.updated_at = utcnow()
    setting.updated_by_id = actor.id
    details = {"setting": name}
    if len(value) <= 100:
        details |= {"from": old, "to": value}
    record("setting.changed", setting, actor, **details)
    db.session.flush()
    return True


def _days(name):
    value = stored(name)
    if value is not None:
        return int(value)
    return int(current_app.config[_CONFIGURED[name]])


def proposal_expiry_days():
    """Days a proposal may wait for an answer before its request expires."""
    return _days(PROPOSAL_EXPIRY_DAYS)


def auto_complete_days():
    """Days after delivery a booking completes by itself if the seeking school has not
    confirmed it."""
    return _days(AUTO_COMPLETE_DAYS)


def change_days(actor, proposal_expiry_days, auto_complete_days):
    """Set both numbers of days; nothing is saved if either is out of range."""
    for field, value in (
        ("proposal_expiry_days", proposal_expiry_days),
        ("auto_complete_days", auto_complete_days),
    ):
        if not isinstance(value, int) or not FEWEST_DAYS <= value <= MOST_DAYS:
            raise InvalidInput(
                field, f"Enter a whole number of days from {FEWEST_DAYS} to {MOST_DAYS}"
            )
    changed = store(actor, PROPOSAL_EXPIRY_DAYS, str(proposal_expiry_days))
    return store(actor, AUTO_COMPLETE_DAYS, str(auto_complete_days)) or changed
