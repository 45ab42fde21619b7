"""An ELP admin sets the days a proposal waits and a delivered booking takes to complete,
and edits the search synonym table, whose change rebuilds the index in the background."""

import re
from datetime import timedelta

import pytest
from factories import make_admin, make_member, make_offer, make_school

from elp.audit import AuditEvent
from elp.bookings.timers import completion_cutoff
from elp.extensions import db as _db
from elp.negotiation.services import start_request
from elp.search import index, reindex_runs, sync, synonym_table
from elp.search.models import ReindexRun
from elp.search.services import SearchRequest, search_offers
from elp.settings import services as settings
from elp.settings.models import Setting
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work
from tests.negotiation.helpers import good_terms

NEW_GROUP = "forest school, outdoor learning, outdoor education"


@pytest.fixture
def admin(db, login_as):
    user = make_admin()
    return login_as(user), user


def found(q):
    return sorted(hit.title for hit in search_offers(SearchRequest.from_args({"q": q})).hits)


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- days --------------------------------------------------------------------------------


def test_the_days_come_from_configuration_until_an_admin_sets_them(app, admin):
    client, _ = admin
    page = text_of(client.get("/admin/settings"))

    assert settings.proposal_expiry_days() == app.config["PROPOSAL_EXPIRY_DAYS"] == 10
    assert settings.auto_complete_days() == app.config["BOOKING_AUTO_COMPLETE_DAYS"] == 14
    assert re.search(r"Days a proposal waits for an answer\s*</dt>\s*<dd[^>]*>\s*10\s*</dd>", page)


def test_an_admin_changes_the_days_and_new_proposals_and_the_timer_use_them(app, admin):
    client, user = admin

    response = client.post(
        "/admin/settings/days", data={"proposal_expiry_days": "21", "auto_complete_days": "30"}
    )

    assert response.status_code == 302
    assert (settings.proposal_expiry_days(), settings.auto_complete_days()) == (21, 30)
    offer = make_offer(make_school(), price_pence=35_000)
    with unit_of_work():
        request = start_request(offer, make_member(), "Coaching for our phonics lead.",
                                good_terms())  # fmt: skip
    waited = request.latest_proposal.expires_at - utcnow()
    assert timedelta(days=20) < waited <= timedelta(days=21)
    now = utcnow()
    assert completion_cutoff(now) == now - timedelta(days=30)
    events = _db.session.scalars(
        _db.select(AuditEvent).where(AuditEvent.action == "setting.changed")
    ).all()
    assert {(e.details["setting"], e.details["to"], e.actor_id) for e in events} == {
        ("proposal_expiry_days", "21", user.id),
        ("booking_auto_complete_days", "30", user.id),
    }


@pytest.mark.parametrize(
    ("expiry", "complete", "message"),
    [
        ("", "14", "Enter the time a proposal waits in days"),
        ("ten", "14", "Enter the time a proposal waits as a whole number of days, like 14"),
        ("10", "0", "Enter a whole number of days from 1 to 365"),
        ("400", "14", "Enter a whole number of days from 1 to 365"),
    ],
)
def test_bad_days_are_refused_with_a_message_and_nothing_is_saved(admin, expiry, complete, message):
    client, _ = admin

    page = text_of(
        client.post(
            "/admin/settings/days",
            data={"proposal_expiry_days": expiry, "auto_complete_days": complete},
        )
    )

    assert message in page and "govuk-error-summary" in page
    assert f'value="{expiry}"' in page  # what was typed is kept
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Setting)) == 0


# --- the synonym table -------------------------------------------------------------------


def test_the_synonym_table_starts_as_the_seed_file(admin):
    client, _ = admin

    page = text_of(client.get("/admin/settings/synonyms"))

    assert "ASD, autism, autistic" in page
    assert synonym_table.current_text() == index.seed_synonym_table()


def test_saving_the_table_rebuilds_the_index_so_a_new_group_finds_its_words(admin):
    client, user = admin
    make_offer(title="Forest school sessions", description="Forest school for KS2.")
    make_offer(title="Outdoor learning days", description="Outdoor learning in all weathers.")
    sync.reindex()
    assert found("forest school") == ["Forest school sessions"]
    table = index.seed_synonym_table() + NEW_GROUP + "\r\n"

    response = client.post("/admin/settings/synonyms", data={"table": table})

    assert response.status_code == 302
    assert synonym_table.stored_text().endswith(NEW_GROUP + "\n")
    assert found("forest school") == ["Forest school sessions", "Outdoor learning days"]
    assert found("outdoor education") == ["Forest school sessions", "Outdoor learning days"]
    assert found("ASD") == [] and found("autism") == []  # the rest of the table still reads
    run = _db.session.scalar(_db.select(ReindexRun))
    assert run.requested_by_id == user.id and run.finished_at and run.offers_done == 2
    page = text_of(client.get(response.location))
    assert "Up to date" in page and "2 offers" in page
    event = _db.session.scalar(_db.select(AuditEvent).where(AuditEvent.action == "setting.changed"))
    assert event.details == {"setting": "search_synonyms"} and event.actor_id == user.id


def test_the_index_keeps_the_table_it_was_written_with(app, admin):
    client, _ = admin
    make_offer(title="Forest school sessions", description="Forest school for KS2.")

    client.post("/admin/settings/synonyms", data={"table": NEW_GROUP})

    directory = index.IndexDirectory(app.config["INDEX_DIR"])
    assert directory.synonyms(directory.current_name()) == NEW_GROUP + "\n"
    assert found("outdoor learning") == ["Forest school sessions"]
    # A rebuild from the command line keeps the admins' table.
    runner = app.test_cli_runner()
    assert runner.invoke(args=["reindex"]).exit_code == 0
    assert found("outdoor learning") == ["Forest school sessions"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("autism, ASD\nphonics", "Line 2 has one entry: a group needs two or more"),
        ("autism, ASD\nAutism, outreach", "Line 2: “Autism” is already in line 1"),
        ("autism, , ASD", "Line 1 has an empty entry: remove the extra comma"),
        ("autism, the of", "Line 1: “the of” has no words the search reads"),
        ("a, b\n" * 501, "The synonym table may have 500 groups at most"),
        ("", "Enter the synonym table"),
    ],
)
def test_a_bad_table_is_refused_whole_with_its_lines_named(admin, table, message):
    client, _ = admin

    page = text_of(client.post("/admin/settings/synonyms", data={"table": table}))

    assert message in page and "govuk-error-summary" in page
    assert synonym_table.stored_text() is None
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(ReindexRun)) == 0


def test_saving_the_same_table_again_changes_nothing_and_rebuilds_nothing(admin):
    client, _ = admin
    client.post("/admin/settings/synonyms", data={"table": NEW_GROUP})

    client.post("/admin/settings/synonyms", data={"table": NEW_GROUP + "\n"})

    assert _db.session.scalar(_db.select(_db.func.count()).select_from(ReindexRun)) == 1


def test_the_page_shows_a_running_rebuild_and_one_that_stopped(admin):
    client, user = admin
    now = utcnow()
    run = ReindexRun(requested_by_id=user.id, requested_at=now, started_at=now,
                     heartbeat_at=now, offers_total=2000, offers_done=500)  # fmt: skip
    _db.session.add(run)
    _db.session.commit()

    page = text_of(client.get("/admin/settings/synonyms"))
    assert "Rebuilding" in page and "500 of 2,000 offers indexed (25%)" in page

    run.heartbeat_at = now - reindex_runs.STALE_AFTER - timedelta(seconds=1)
    _db.session.commit()
    assert "stopped without finishing" in text_of(client.get("/admin/settings"))


def test_a_rebuild_waits_while_another_runs_and_a_stopped_one_does_not_block(app, admin):
    _, user = admin
    now = utcnow()
    running = ReindexRun(requested_by_id=user.id, started_at=now, heartbeat_at=now)
    queued = ReindexRun(requested_by_id=user.id)
    _db.session.add_all([running, queued])
    _db.session.commit()

    assert reindex_runs.run_queued(app) == 0
    _db.session.refresh(queued)
    assert queued.started_at is None

    running.heartbeat_at = now - reindex_runs.STALE_AFTER - timedelta(seconds=1)
    _db.session.commit()
    assert reindex_runs.run_queued(app) == 1
    _db.session.refresh(queued)
    assert queued.finished_at is not None and queued.failure is None


def test_a_failed_rebuild_is_recorded_and_shown(app, admin, monkeypatch):
    client, _ = admin

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(sync, "reindex", broken)
    client.post("/admin/settings/synonyms", data={"table": NEW_GROUP})

    run = _db.session.scalar(_db.select(ReindexRun))
    assert run.failure == "No space left on device" and run.finished_at
    assert "No space left on device" in text_of(client.get("/admin/settings/synonyms"))


def test_in_production_the_rebuild_is_a_job_for_the_worker(app, admin, held_jobs):
    _, user = admin
    make_offer(title="Forest school sessions")
    reindex_runs.request_reindex(user)
    _db.session.commit()

    reindex_runs.start(app)

    run = _db.session.scalar(_db.select(ReindexRun))
    assert run.started_at is None and held_jobs.names() == ["rebuild-index"]
    assert held_jobs.run() == 1
    _db.session.expire_all()
    run = _db.session.scalar(_db.select(ReindexRun))
    assert run.finished_at is not None and run.offers_done == 1
