"""Search's own tables: the index outbox, the search log and saved searches."""

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from elp.accounts.models import School, User
from elp.extensions import db
from elp.timeutil import utcnow


class SearchOutbox(db.Model):
    """A change the search index must pick up: one offer, or every offer of one school.

    Written in the same transaction as the change (see elp.search.sync), so a crash between
    the commit and the index update loses nothing. Rows are not consumed: each index keeps
    its own position, because every app node has an index of its own on local disk.
    """

    __tablename__ = "search_outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never go back, even after pruning

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None]
    school_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SearchLog(db.Model):
    """One search, for the unmet-demand report: what was asked and by which school, never who."""

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    searched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    query: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    result_count: Mapped[int]
    source: Mapped[str] = mapped_column(String(10), default="page")  # page or api


def params_key(params):
    """The saved search's parameters in one canonical form, as a digest: the same search
    has the same key whatever order its arguments came in. A digest, not the form itself,
    because a search's arguments can be longer than a database index entry may be."""
    canonical = json.dumps(params or {}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class SavedSearch(db.Model):
    """A search a school user saved; its owner is emailed offers that newly match it.

    `params` holds the search's query-string arguments (as the search page reads them).
    `last_alerted_at` starts at the time of saving: offers published after it are news.
    `unsubscribe_key` is signed into the unsubscribe link (see elp.search.saved_searches).
    `new_matches` counts the offers the alerts found that its owner has not yet looked at.
    """

    __tablename__ = "saved_search"
    __table_args__ = (
        # A user saves a search once: elp.search.saved_searches finds the one already saved,
        # and this stops the second of two saving the same search at once.
        UniqueConstraint(
            "user_id", "school_id", "params_key", name="uq_saved_search_user_id_params_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # params_key(params), kept in step below; the default is the key of the default params.
    params_key: Mapped[str] = mapped_column(String(64), default=params_key({}))
    alerts: Mapped[bool] = mapped_column(default=True)
    unsubscribe_key: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_alerted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Offers the alerts found matching since the owner last opened the search's results:
    # the owner's "What needs you" lists the search while this is above nought.
    new_matches: Mapped[int] = mapped_column(default=0, server_default="0")
    new_matches_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    school: Mapped[School] = relationship()

    @validates("params")
    def _keep_params_key(self, name, params):
        self.params_key = params_key(params)
        return params


class ReindexRun(db.Model):
    """A rebuild of the search index asked for in the browser (after a change to the
    synonym table), and how far it has got. Runs asked for while one is going are done
    together, by one rebuild, when it finishes (see elp.search.reindex_runs)."""

    __tablename__ = "reindex_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime | None]
    # Written with every batch of offers: a run whose heartbeat stops has died with its process.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    offers_total: Mapped[int | None]
    offers_done: Mapped[int] = mapped_column(default=0)
    failure: Mapped[str | None] = mapped_column(String(500))

    requested_by: Mapped[User | None] = relationship()
