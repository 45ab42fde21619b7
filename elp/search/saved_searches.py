"""Saved searches: save the search on the page, list and delete them, and email each owner
the offers that newly match (`elp send-alerts`, a daily digest), with an unsubscribe link.
"""

import hmac
import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from elp.errors import ActionRefused, NotFound
from elp.extensions import db
from elp.money import MoneyError, format_pence, parse_pounds
from elp.notifications.services import deliver_outbox, queue_email
from elp.offers.services import (
    DELIVERY_MODES,
    PER_UNIT,
    published_at,
    visible_offers_published_between,
)
from elp.search import sync
from elp.search.models import SavedSearch, params_key
from elp.search.services import MAX_PER_PAGE, SearchRequest, search_offers
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work
from elp.urls import absolute_url, path_for
from elp.waiting import SEARCHES, Waiting

# The search page's arguments a saved search keeps (page and per_page are not the search).
SEARCH_ARGS = ("q", "category", "phase", "district", "mode", "max_price", "has_capacity", "sort")
MAX_SAVED_SEARCHES = 50
NAME_MAX = 100
# An alert covers offers published up to this long ago, so an offer whose transaction was
# still committing when the alerts ran is in tomorrow's digest rather than in none.
SETTLE_TIME = timedelta(minutes=1)
# Alerts page through a saved search's results this many at a time.
ALERT_PAGE_SIZE = MAX_PER_PAGE
# An email lists this many offers and links to the search for the rest.
OFFERS_PER_EMAIL = 20
_UNSUBSCRIBE_SALT = "saved-search-unsubscribe"


# --- saving, listing, deleting -------------------------------------------------------------


def search_params(args):
    """The search arguments worth keeping from a request.args-like mapping, cleaned."""
    params = {}
    for name in SEARCH_ARGS:
        value = " ".join((args.get(name) or "").split())
        if value:
            params[name] = value[:200]
    if params.get("sort") == "relevance":
        del params["sort"]
    return params


def describe(params):
    """Say what a saved search looks for, in words: “phonics” · KS1 · Harlow · up to £350."""
    parts = []
    if params.get("q"):
        parts.append(f"“{params['q']}”")
    for name in ("category", "phase", "district"):
        if params.get(name):
            parts.append(params[name])
    if params.get("mode") in DELIVERY_MODES:
        parts.append(DELIVERY_MODES[params["mode"]].lower())
    if params.get("max_price"):
        try:
            parts.append(f"up to {format_pence(parse_pounds(params['max_price']))}")
        except MoneyError:
            pass
    if params.get("has_capacity"):
        parts.append("with capacity left")
    return " · ".join(parts) or "All offers"


def save_search(user, args, name=None):
    """Save the search in `args` for `user`; return (saved search, whether it is new).

    Saving the same search twice keeps the first one.
    """
    if user.school_id is None:
        raise ActionRefused("Only school users can save searches.")
    params = search_params(args)
    already = _saved_already(user, params)
    if already is not None:
        return already, False
    if len(saved_searches_of(user)) >= MAX_SAVED_SEARCHES:
        raise ActionRefused(
            f"You already have {MAX_SAVED_SEARCHES} saved searches. Delete one you no longer "
            "need, then save this search."
        )
    name = " ".join((name or "").split())[:NAME_MAX] or describe(params)[:NAME_MAX]
    saved = SavedSearch(
        school_id=user.school_id,
        user_id=user.id,
        name=name,
        params=params,
        unsubscribe_key=secrets.token_hex(16),
    )
    db.session.add(saved)
    try:
        db.session.flush()
    except IntegrityError:
        # The same search saved at the same moment (a double click, two tabs): the database
        # keeps one, and this request is told about it as if it had come second.
        db.session.rollback()
        return _saved_already(user, params), False
    return saved, True


def _saved_already(user, params):
    """The user's saved search with exactly these parameters, or None."""
    return db.session.scalar(
        select(SavedSearch).where(
            SavedSearch.user_id == user.id,
            SavedSearch.school_id == user.school_id,
            SavedSearch.params_key == params_key(params),
        )
    )


def saved_searches_of(user):
    """The user's own saved searches, newest first."""
    return db.session.scalars(
        select(SavedSearch)
        .where(SavedSearch.user_id == user.id, SavedSearch.school_id == user.school_id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
    ).all()


def saved_search_of(user, saved_search_id):
    """One of the user's own saved searches; anyone else's is a 404."""
    saved = db.session.get(SavedSearch, saved_search_id)
    if saved is None or saved.user_id != user.id or saved.school_id != user.school_id:
        raise NotFound
    return saved


def delete_saved_search(user, saved_search_id):
    saved = saved_search_of(user, saved_search_id)
    db.session.delete(saved)
    db.session.flush()
    return saved


def set_alerts(user, saved_search_id, on):
    """Turn the emails about one saved search on or off."""
    saved = saved_search_of(user, saved_search_id)
    if on and not saved.alerts:
        saved.last_alerted_at = utcnow()  # offers published while alerts were off are not news
    saved.alerts = on
    db.session.flush()
    return saved


# --- new matches on "What needs you" -------------------------------------------------------

# Saved searches on a user's "What needs you" page: at most this many, the latest news first.
SEARCHES_WAITING_MAX = 50


def searches_waiting(user_id):
    """The user's saved searches with new matching offers not yet looked at, as `Waiting`
    items, the latest found first: one statement whatever the number of saved searches."""
    rows = db.session.execute(
        select(SavedSearch.id, SavedSearch.name, SavedSearch.new_matches)
        .where(SavedSearch.user_id == user_id, SavedSearch.new_matches > 0)
        .order_by(SavedSearch.new_matches_at.desc(), SavedSearch.id.desc())
        .limit(SEARCHES_WAITING_MAX)
    )
    return [
        Waiting(
            SEARCHES,
            f"{count} new offer{'s' if count != 1 else ''} match{'' if count != 1 else 'es'} "
            f"your saved search ‘{name}’",
            path_for("saved_searches.results", saved_search_id=id_),
            tag="New",
        )
        for id_, name, count in rows
    ]


def open_results(user, saved_search_id):
    """The user opens a saved search's results: its new matches are news no longer."""
    saved = saved_search_of(user, saved_search_id)
    if saved.new_matches:
        saved.new_matches = 0
        db.session.flush()
    return saved


# --- links ---------------------------------------------------------------------------------


def search_link(params, **changes):
    """A full link to the search page showing this saved search (with any changes)."""
    return absolute_url("search.search", **{**params, **changes})


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(saved):
    """A token for the unsubscribe link: it works without signing in, for this search only."""
    return _serializer().dumps([saved.id, saved.unsubscribe_key])


def saved_search_for_token(token):
    """The saved search an unsubscribe token names, or None if the link is not valid."""
    try:
        saved_search_id, key = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    saved = (
        db.session.get(SavedSearch, saved_search_id) if isinstance(saved_search_id, int) else None
    )
    if saved is None or not hmac.compare_digest(str(key), saved.unsubscribe_key):
        return None
    return saved


def unsubscribe(saved):
    """Stop the emails about a saved search; the search itself stays saved."""
    saved.alerts = False
    db.session.flush()
    return saved


# --- alerts --------------------------------------------------------------------------------


def send_alerts(now=None, progress=None):
    """Email each owner the offers newly published that match their saved search.

    One email per saved search, listing offers published since its last alert. Each saved
    search's email is queued in the same transaction that moves its `last_alerted_at` on,
    so running this twice sends nothing twice: a batch of small units of work, one per
    saved search, so a failure part-way loses nothing already sent. Returns how many emails
    were queued.
    Raises IndexBusy, sending nothing, if the index cannot be brought up to date.
    """
    cutoff = _cutoff(now)
    due = db.session.scalars(select(SavedSearch).where(*_due(now)).order_by(SavedSearch.id)).all()
    if not due:
        return 0
    # An offer the index has not applied yet would never be alerted, as `last_alerted_at`
    # moves past it; a search catches up only once a second and never waits for the lock.
    sync.apply_pending()
    published = visible_offers_published_between(min(saved.last_alerted_at for saved in due), cutoff)
    queued = 0
    for saved in due:
        new = {
            offer_id
            for offer_id, (school_id, published_at) in published.items()
            if published_at > saved.last_alerted_at and school_id != saved.school_id
        }
        with unit_of_work():
            if new and saved.user.is_active:
                hits = _matching(saved, new)
                if hits:
                    _queue_alert(saved, hits)
                    queued += 1
                    # Kept until the owner opens the results, for their "What needs you".
                    saved.new_matches += len(hits)
                    saved.new_matches_at = cutoff
            saved.last_alerted_at = cutoff
        if progress:
            progress(1)
    deliver_outbox()
    return queued


def _cutoff(now):
    return (now or utcnow()) - SETTLE_TIME


def _due(now):
    return SavedSearch.alerts.is_(True), SavedSearch.last_alerted_at < _cutoff(now)


def _matching(saved, new):
    """The hits of the saved search whose offers are among the `new` ids, newest first.

    The search runs newest first, and "newest" orders by publication date, so once a page
    reaches offers published before the alert window no later page can hold a new one.
    """
    request = SearchRequest.from_args(saved.params)
    request.sort = "newest"
    request.per_page = ALERT_PAGE_SIZE
    since = saved.last_alerted_at
    hits, wanted = [], set(new)
    while wanted:
        results = search_offers(request, school=saved.school)
        for hit in results.hits:
            if hit.offer_id in wanted:
                hits.append(hit)
                wanted.discard(hit.offer_id)
        if not results.hits or results.page >= results.pages:
            break
        last_published = published_at(results.hits[-1].offer_id)
        if last_published is None or last_published <= since:
            break
        request.page += 1
    return hits


def _queue_alert(saved, hits):
    shown = hits[:OFFERS_PER_EMAIL]
    count = len(hits)
    subject = (
        f"{count} new offer{'s' if count != 1 else ''} for your saved search “{saved.name}”"
    )[:200]
    unsubscribe = absolute_url(
        "saved_searches.unsubscribe", unsubscribe_token=unsubscribe_token(saved)
    )
    queue_email(
        saved.user.email,
        subject,
        "saved_search_alert",
        saved=saved,
        user=saved.user,
        description=describe(saved.params),
        count=count,
        offers=[_offer_lines(hit) for hit in shown],
        more=count - len(shown),
        search_link=search_link(saved.params, sort="newest"),
        saved_searches_link=absolute_url("saved_searches.index"),
        unsubscribe_link=unsubscribe,
        unsubscribe_url=unsubscribe,
    )


def _offer_lines(hit):
    if hit.price_pence is None:
        price = "Price on request"
    else:
        price = f"{format_pence(hit.price_pence)} {PER_UNIT[hit.unit]}"
    where = f"{hit.school_name}, {hit.district}" if hit.district else hit.school_name
    return {
        "title": hit.title,
        "where": where,
        "price": price,
        "summary": hit.summary,
        "link": absolute_url("offers.show", offer_id=hit.offer_id),
    }


def count_due(now=None):
    """How many saved searches the next `send_alerts` will look at (for a progress bar)."""
    return db.session.scalar(select(func.count()).where(*_due(now)))
