"""The same search saved twice at once (a double click, two tabs): both requests find no
such saved search, and the database keeps one. The second is told it had already saved the
search, as it would be a moment later; never a 500.

The other tab saves in a thread with its own app context, so its own database session and
connection, as a request on another worker would. A session event holds the page's request
after its check, just before it writes the saved search, until the other tab has committed.
"""

import threading

from flask import has_request_context
from sqlalchemy import event, func, select

from elp.accounts.models import User
from elp.extensions import db as _db
from elp.search import saved_searches
from elp.search.models import SavedSearch
from tests.factories import committed, make_member

SEARCH = {"q": "phonics", "phase": "KS1"}


def test_saving_one_search_twice_at_once_keeps_one(app, db, login_as):
    user = make_member(full_name="Sam Seeker")
    client = login_as(user)
    user_id = user.id
    holding, released = threading.Event(), threading.Event()
    page = threading.current_thread()
    other_tab = {}

    def before_flush(session, context, instances):
        saving = any(isinstance(o, SavedSearch) for o in session.new)
        in_page = threading.current_thread() is page and has_request_context()
        if in_page and saving and not holding.is_set():
            holding.set()
            released.wait(10)

    def save_in_the_other_tab():
        with app.app_context():
            try:
                if holding.wait(10):
                    same_user = _db.session.get(User, user_id)
                    saved, new = committed(
                        saved_searches.save_search, same_user, dict(reversed(SEARCH.items()))
                    )
                    other_tab["saved"] = (saved.name, new)
            finally:
                _db.session.remove()
                released.set()

    event.listen(_db.session, "before_flush", before_flush)
    try:
        thread = threading.Thread(target=save_in_the_other_tab)
        thread.start()
        response = client.post("/search/saved", data=SEARCH, follow_redirects=True)
        thread.join(20)
    finally:
        event.remove(_db.session, "before_flush", before_flush)

    assert other_tab["saved"] == ("“phonics” · KS1", True)
    assert response.status_code == 200
    assert "You had already saved this search, as ““phonics” · KS1”." in response.get_data(
        as_text=True
    )
    with app.app_context():
        count = _db.session.scalar(select(func.count()).select_from(SavedSearch))
        _db.session.remove()
    assert count == 1
