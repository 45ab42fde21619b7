"""One user action, one transaction.

Services add, change and flush; they never commit. The view (or CLI command) that carries
out a user's action wraps its service calls in `unit_of_work()`, which commits once at the
end, or rolls everything back if anything in it failed, so an action that spans several
services is saved whole or not at all. Work that must wait for the commit (sending email,
updating the search index) hangs off SQLAlchemy's `after_commit` event
(`elp.notifications.services`, `elp.search.sync`).
"""

from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from elp.errors import ActionRefused
from elp.extensions import db
from elp.transitions import changed_meanwhile


@contextmanager
def unit_of_work():
    """Commit what the block did, once; roll it all back if the block raises."""
    try:
        yield db.session
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ActionRefused(changed_meanwhile()) from None
    except BaseException:
        db.session.rollback()
        raise
