"""A school user saves a search and is emailed, once a day, the new offers that match it."""

from datetime import timedelta

import pytest

from elp.search import saved_searches, sync
from elp.search.models import SavedSearch, SearchLog
from elp.timeutil import utcnow
from tests.factories import committed, make_admin, make_lead, make_member, make_offer, make_school


@pytest.fixture
def seeker(db, login_as):
    user = make_member(make_school(name="Seeking Primary"), full_name="Sam Seeker")
    login_as(user)
    return user


def save(client, **fields):
    return client.post("/search/saved", data=fields, follow_redirects=True)


def saved_search(db):
    return db.session.scalar(db.select(SavedSearch))


def an_hour_ago():
    return utcnow() - timedelta(hours=1)


def saved_yesterday(user, **params):
    """A saved search whose last alert was a day ago."""
    saved, _ = committed(saved_searches.save_search, user, params)
    saved.last_alerted_at = utcnow() - timedelta(days=1)
    return saved


# --- saving and listing ----------------------------------------------------------------------


def test_the_search_page_offers_to_save_the_current_search(client, seeker):
    page = client.get("/search?q=phonics&phase=KS1").get_data(as_text=True)

    assert "Save this search" in page
    assert 'action="/search/saved"' in page
    assert '<input type="hidden" name="q" value="phonics">' in page
    assert '<input type="hidden" name="phase" value="KS1">' in page


def test_a_school_user_saves_a_search_and_sees_it_listed(client, db, seeker):
    response = save(client, q="phonics", phase="KS1", district="Harlow", name="Year 1 phonics")

    page = response.get_data(as_text=True)
    assert "Search saved as “Year 1 phonics”" in page
    assert "Year 1 phonics" in page and "“phonics” · KS1 · Harlow" in page
    assert 'href="/search?q=phonics&amp;phase=KS1&amp;district=Harlow"' in page
    saved = saved_search(db)
    assert saved.params == {"q": "phonics", "phase": "KS1", "district": "Harlow"}
    assert (saved.user, saved.school) == (seeker, seeker.school)
    assert saved.alerts is True


def test_a_search_saved_without_a_name_is_named_after_what_it_looks_for(client, db, seeker):
    save(client, q="autism outreach", mode="online", max_price="350")

    assert saved_search(db).name == "“autism outreach” · online · up to £350"


def test_saving_the_same_search_twice_keeps_one(client, db, seeker):
    save(client, q="phonics", name="First")

    response = save(client, q="phonics", name="Second")

    assert "You had already saved this search, as “First”" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(SavedSearch)) == 1


def test_each_user_sees_only_their_own_saved_searches(client, db, login_as):
    school = make_school()
    mine, colleague = make_member(school), make_lead(school)
    committed(saved_searches.save_search, colleague, {"q": "colleague's search"}, "Colleague's search")
    committed(saved_searches.save_search, make_member(), {"q": "other school"}, "Other school's search")
    committed(saved_searches.save_search, mine, {"q": "maths"}, "My maths search")
    login_as(mine)

    page = client.get("/search/saved").get_data(as_text=True)

    assert "My maths search" in page
    assert "Colleague's search" not in page and "Other school's search" not in page


def test_a_user_deletes_a_saved_search(client, db, seeker):
    saved, _ = committed(saved_searches.save_search, seeker, {"q": "phonics"}, "Phonics")

    response = client.post(f"/search/saved/{saved.id}/delete", follow_redirects=True)

    assert "Saved search “Phonics” deleted" in response.get_data(as_text=True)
    assert saved_search(db) is None


def test_someone_else_s_saved_search_is_not_found(client, db, seeker):
    colleague = make_lead(seeker.school)
    saved, _ = committed(saved_searches.save_search, colleague, {"q": "phonics"}, "Phonics")

    assert client.post(f"/search/saved/{saved.id}/delete").status_code == 404
    assert (
        client.post(f"/search/saved/{saved.id}/alerts", data={"alerts": "off"}).status_code == 404
    )
    assert saved_search(db).alerts is True


def test_a_user_turns_the_emails_off_and_on(client, db, seeker):
    saved, _ = committed(saved_searches.save_search, seeker, {"q": "phonics"}, "Phonics")

    off = client.post(
        f"/search/saved/{saved.id}/alerts", data={"alerts": "off"}, follow_redirects=True
    )
    assert "Emails turned off for “Phonics”" in off.get_data(as_text=True)
    assert saved_search(db).alerts is False
    on = client.post(
        f"/search/saved/{saved.id}/alerts", data={"alerts": "on"}, follow_redirects=True
    )
    assert "Emails turned on for “Phonics”" in on.get_data(as_text=True)
    assert saved_search(db).alerts is True


def test_an_elp_admin_has_no_school_so_cannot_save_searches(client, db, login_as):
    login_as(make_admin())

    assert client.post("/search/saved", data={"q": "phonics"}).status_code == 403
    assert client.get("/search/saved").status_code == 403


# --- alerts -----------------------------------------------------------------------------------


def test_send_alerts_emails_only_new_offers_that_match(db, runner, seeker, sent_emails):
    other = make_school(name="Oak Academy", district="Harlow")
    make_offer(other, "Phonics for the old", published_at=utcnow() - timedelta(days=3))
    saved_yesterday(seeker, q="phonics", phase="KS1")
    new = make_offer(
        other, "Phonics catch-up", phases=("KS1",), price_pence=35000, published_at=an_hour_ago()
    )
    make_offer(other, "Phonics for KS3", phases=("KS3",), published_at=an_hour_ago())
    make_offer(other, "Maths mastery", phases=("KS1",), published_at=an_hour_ago())
    make_offer(other, "Phonics draft", status="draft")
    make_offer(other, "Phonics hidden", published_at=an_hour_ago(), hidden_at=utcnow())
    make_offer(seeker.school, "Our own phonics", published_at=an_hour_ago())
    db.session.commit()

    result = runner.invoke(args=["send-alerts"])

    assert result.exit_code == 0, result.output
    assert "Sent 1 saved-search email" in result.output
    [email] = sent_emails
    assert email["To"] == seeker.email
    assert email["Subject"] == "1 new offer for your saved search ““phonics” · KS1”"
    body = email.get_content()
    assert "Hello Sam Seeker" in body
    assert "Phonics catch-up" in body
    assert "Oak Academy, Harlow · £350 a day" in body
    assert f"http://localhost/offers/{new.id}" in body
    for title in (
        "Phonics for the old",
        "Phonics for KS3",
        "Maths mastery",
        "Phonics draft",
        "Phonics hidden",
        "Our own phonics",
    ):
        assert title not in body
    assert "http://localhost/search?q=phonics&phase=KS1&sort=newest" in body
    assert "http://localhost/search/saved\n" in body
    assert "http://localhost/search/saved/unsubscribe/" in body


def test_a_search_saved_with_a_sort_links_to_its_newest_offers(db, seeker, sent_emails):
    saved_yesterday(seeker, q="phonics", sort="price")
    make_offer(title="Phonics catch-up", published_at=an_hour_ago())
    db.session.commit()

    assert saved_searches.send_alerts() == 1
    assert "http://localhost/search?q=phonics&sort=newest\n" in sent_emails[0].get_content()


def test_an_alert_gives_a_price_an_hour(db, seeker, sent_emails):
    saved_yesterday(seeker, q="phonics")
    make_offer(title="Phonics catch-up", unit="hour", price_pence=5000, published_at=an_hour_ago())
    db.session.commit()

    assert saved_searches.send_alerts() == 1
    assert "£50 an hour" in sent_emails[0].get_content()


def test_running_send_alerts_twice_sends_nothing_twice(db, seeker, sent_emails):
    saved_yesterday(seeker, q="phonics")
    make_offer(title="Phonics catch-up", published_at=an_hour_ago())
    db.session.commit()

    assert saved_searches.send_alerts() == 1
    assert saved_searches.send_alerts() == 0
    assert len(sent_emails) == 1

    later = utcnow() + timedelta(days=1)
    make_offer(title="Phonics outreach", published_at=later - timedelta(hours=1))
    assert saved_searches.send_alerts(now=later) == 1
    assert len(sent_emails) == 2
    second = sent_emails[1].get_content()
    assert "Phonics outreach" in second and "Phonics catch-up" not in second


def test_an_offer_written_long_ago_and_published_today_is_news(
    db, seeker, sent_emails, monkeypatch
):
    monkeypatch.setattr(saved_searches, "ALERT_PAGE_SIZE", 5)
    saved_yesterday(seeker, q="phonics")
    for number in range(12):  # more than two pages of the search, all published before
        make_offer(
            title=f"Phonics {number}",
            published_at=utcnow() - timedelta(days=2),
            created_at=utcnow() - timedelta(days=2),
        )
    make_offer(
        title="Phonics at last",
        created_at=utcnow() - timedelta(days=400),
        published_at=an_hour_ago(),
    )
    db.session.commit()

    assert saved_searches.send_alerts() == 1
    assert "Phonics at last" in sent_emails[0].get_content()


def test_offers_published_in_the_last_minute_wait_for_the_next_digest(db, seeker, sent_emails):
    saved_yesterday(seeker, q="phonics")
    make_offer(title="Phonics just now", published_at=utcnow())
    db.session.commit()

    assert saved_searches.send_alerts() == 0
    assert saved_searches.send_alerts(now=utcnow() + timedelta(minutes=5)) == 1


def test_a_long_digest_lists_twenty_and_links_to_the_rest(db, seeker, sent_emails, monkeypatch):
    monkeypatch.setattr(saved_searches, "ALERT_PAGE_SIZE", 5)  # so the alert pages through
    saved_yesterday(seeker, q="phonics")
    for number in range(23):
        make_offer(title=f"Phonics offer {number}", published_at=an_hour_ago())
    db.session.commit()

    saved_searches.send_alerts()

    [email] = sent_emails
    assert email["Subject"].startswith("23 new offers")
    body = email.get_content()
    assert body.count("http://localhost/offers/") == 20
    assert "There are 3 more" in body


def test_alerts_are_not_logged_as_searches(db, seeker, sent_emails):
    saved_yesterday(seeker, q="phonics")
    make_offer(title="Phonics catch-up", published_at=an_hour_ago())
    db.session.commit()

    saved_searches.send_alerts()

    assert len(sent_emails) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(SearchLog)) == 0


def test_a_removed_user_gets_no_alerts(db, seeker, sent_emails):
    saved_yesterday(seeker, q="phonics")
    seeker.active = False
    make_offer(title="Phonics catch-up", published_at=an_hour_ago())
    db.session.commit()

    assert saved_searches.send_alerts() == 0
    assert sent_emails == []


# --- unsubscribing ------------------------------------------------------------------------------


def unsubscribe_link(sent_emails):
    body = sent_emails[-1].get_content()
    link = next(line for line in body.splitlines() if "/search/saved/unsubscribe/" in line)
    return link.removeprefix("http://localhost")


def test_the_unsubscribe_link_works_without_signing_in_and_stops_alerts(
    app, db, seeker, sent_emails
):
    saved_yesterday(seeker, q="phonics")
    make_offer(title="Phonics catch-up", published_at=an_hour_ago())
    db.session.commit()
    saved_searches.send_alerts()
    link = unsubscribe_link(sent_emails)
    # Mail programs offer the same link as their own "Unsubscribe" button.
    assert sent_emails[-1]["List-Unsubscribe"] == f"<http://localhost{link}>"
    anonymous = app.test_client()

    confirm = anonymous.get(link)
    assert confirm.status_code == 200
    assert "Stop emails about this saved search" in confirm.get_data(as_text=True)
    assert saved_search(db).alerts is True  # a GET (a mail scanner, say) changes nothing

    done = anonymous.post(link)
    assert "You have unsubscribed" in done.get_data(as_text=True)
    db.session.expire_all()
    assert saved_search(db).alerts is False

    later = utcnow() + timedelta(days=1)
    make_offer(title="Phonics outreach", published_at=later - timedelta(hours=1))
    assert saved_searches.send_alerts(now=later) == 0
    assert "already off" in anonymous.get(link).get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "WzEsImFiYyJd.forged-signature"])
def test_a_broken_unsubscribe_link_gets_a_clear_page(client, db, token):
    response = client.get(f"/search/saved/unsubscribe/{token}")

    assert response.status_code == 404
    assert "This unsubscribe link does not work" in response.get_data(as_text=True)


def test_the_link_of_a_deleted_saved_search_no_longer_works(client, db, seeker):
    saved, _ = committed(saved_searches.save_search, seeker, {"q": "phonics"})
    link = f"/search/saved/unsubscribe/{saved_searches.unsubscribe_token(saved)}"
    committed(saved_searches.delete_saved_search, seeker, saved.id)

    assert client.post(link).status_code == 404


def test_unsubscribing_works_with_csrf_protection_on(app, db, seeker, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    saved, _ = committed(saved_searches.save_search, seeker, {"q": "phonics"})
    link = f"/search/saved/unsubscribe/{saved_searches.unsubscribe_token(saved)}"
    browser = app.test_client()  # no one signed in

    page = browser.get(link).get_data(as_text=True)
    csrf_token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert browser.post(link).status_code == 400  # without the form's token
    done = browser.post(link, data={"csrf_token": csrf_token})

    assert "You have unsubscribed" in done.get_data(as_text=True)
    db.session.expire_all()
    assert saved_search(db).alerts is False


def test_alerts_catch_the_index_up_before_matching(app, db, seeker, sent_emails, monkeypatch):
    saved_yesterday(seeker, q="phonics")
    db.session.commit()
    # This node looked at the outbox a moment ago, so a search would not look again yet ...
    monkeypatch.setattr(sync, "CATCH_UP_EVERY_SECONDS", 3600)
    sync.catch_up_if_behind(app)
    # ... and then another node published an offer, which this node's index has not seen.
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)
    make_offer(title="Phonics catch-up", published_at=an_hour_ago())

    assert saved_searches.send_alerts() == 1
    assert "Phonics catch-up" in sent_emails[0].get_content()
