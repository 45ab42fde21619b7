"""The Requests inbox: received and sent tabs, status filter, unread markers and counts,
pages of 25, and the same SQL queries whatever the number of rows."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from elp.extensions import db as _db
from elp.negotiation import inbox
from elp.negotiation.models import RequestRead
from elp.timeutil import format_date, utcnow
from tests.factories import make_member, make_offer, make_request, make_school
from tests.queries import statements_run


@pytest.fixture
def harlow(db):
    """The offering school, with one offer at £350 a day and a member to sign in as."""
    school = make_school(name="Harlow Primary")
    return school, make_offer(school, "Phonics catch-up"), make_member(school)


def _read(request, school, at=None):
    _db.session.add(RequestRead(request_id=request.id, school_id=school.id, read_at=at or utcnow()))
    _db.session.commit()


def _rows(page):
    """The inbox table's rows, as the text of their cells."""
    body = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
         for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
    ]


def test_received_lists_requests_on_the_schools_offers(client, login_as, harlow):
    _, offer, member = harlow
    tendring = make_school(name="Tendring Academy")
    make_request(offer, tendring, quantity=5)
    make_request(make_offer(title="Someone else's offer"), tendring)  # not Harlow's
    login_as(member)

    page = client.get("/requests").get_data(as_text=True)

    assert _rows(page) == [
        ["Unread Phonics catch-up", "Tendring Academy", "Open Waiting for you", "5 days, £1,750",
         format_date(utcnow())],
    ]
    assert "Received (1 unread)" in page
    assert 'aria-current="page">Received' in page


def test_sent_lists_the_schools_own_requests_with_the_offering_school(client, login_as, harlow):
    _, offer, member = harlow
    colchester = make_school(name="Colchester Juniors")
    make_request(make_offer(colchester, "Maths mastery"), author=member, price_pence=None)
    make_request(offer)  # received, not sent
    login_as(member)

    page = client.get("/requests?box=sent").get_data(as_text=True)

    rows = _rows(page)
    assert [row[:4] for row in rows] == [
        ["Maths mastery", "Colchester Juniors", "Open Waiting for Colchester Juniors",
         "5 days, price to be agreed"]
    ]
    assert "Offered by" in page
    assert "Sent (" not in page  # its own request: nothing unread


def test_the_status_filter_shows_only_that_status(client, login_as, harlow):
    _, offer, member = harlow
    make_request(offer, status="open")
    make_request(offer, status="declined")
    login_as(member)

    declined = _rows(client.get("/requests?status=declined").get_data(as_text=True))
    assert [row[2] for row in declined] == ["Declined"]
    assert "There are no expired received requests." in client.get(
        "/requests?status=expired"
    ).get_data(as_text=True)
    assert len(_rows(client.get("/requests?status=nonsense").get_data(as_text=True))) == 2


def test_unread_means_the_other_school_acted_after_this_school_last_looked(harlow):
    school, offer, _ = harlow
    never_opened = make_request(offer)
    opened_since = make_request(offer)
    _read(opened_since, school)
    opened_before = make_request(offer)
    _read(opened_before, school, at=utcnow() - timedelta(days=1))
    answered = make_request(offer)
    answered.last_activity_school_id = school.id  # Harlow acted last: nothing new for it
    _db.session.commit()

    rows = inbox.inbox_page(school.id).rows

    unread = {row.request_id for row in rows if row.unread}
    assert unread == {never_opened.id, opened_before.id}
    assert inbox.unread_counts(school.id) == {"received": 2, "sent": 0}
    seeking = never_opened.seeking_school_id
    assert inbox.unread_counts(seeking) == {"received": 0, "sent": 0}


def test_opening_a_request_with_nothing_new_writes_nothing(client, login_as, harlow):
    """A reading is written when there is something new to read, not on every visit: the
    request page is read often, and a write on each would queue the readers behind one
    another (SQLite has one writer at a time)."""
    school, offer, member = harlow
    request = make_request(offer)
    login_as(member)

    def open_the_request():
        commits = []

        def note(connection):
            commits.append(connection)

        event.listen(_db.engine, "commit", note)
        try:
            with statements_run(_db.engine) as statements:
                assert client.get(f"/requests/{request.id}").status_code == 200
        finally:
            event.remove(_db.engine, "commit", note)
        writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        assert len(commits) == len(writes), "a commit for each reading written, and only then"
        return writes

    assert len(open_the_request()) == 1  # the first reading
    first_read = _db.session.scalar(_db.select(RequestRead.read_at))
    assert open_the_request() == []
    assert open_the_request() == []
    request.last_activity_at = utcnow()  # the other school acts
    _db.session.commit()
    assert len(open_the_request()) == 1
    assert _db.session.scalar(_db.select(RequestRead.read_at)) > first_read
    assert inbox.unread_counts(school.id) == {"received": 0, "sent": 0}


def test_the_latest_activity_comes_first_25_to_a_page(client, login_as, harlow):
    school, offer, member = harlow
    requests = [make_request(offer) for _ in range(27)]
    for minutes, request in enumerate(requests):
        request.last_activity_at = utcnow() - timedelta(minutes=minutes)
    _db.session.commit()

    first = inbox.inbox_page(school.id, page=1)
    second = inbox.inbox_page(school.id, page=2)

    assert [row.request_id for row in first.rows + second.rows] == [r.id for r in requests]
    assert (len(first.rows), first.pages, first.has_next, second.has_next) == (25, 2, True, False)
    login_as(member)
    page = client.get("/requests?page=2").get_data(as_text=True)
    assert len(_rows(page)) == 2
    assert "/requests?box=received&amp;status=all&amp;page=1" in page


@pytest.mark.parametrize("box", ["received", "sent"])
def test_thirty_requests_cost_the_same_queries_as_three(client, login_as, harlow, box):
    _, offer, member = harlow
    login_as(member)

    def make(count):
        for _ in range(count):
            if box == "received":
                make_request(offer)
            else:
                make_request(make_offer(), author=member)

    def inbox_queries():
        with statements_run(_db.engine) as statements:
            response = client.get(f"/requests?box={box}")
        assert response.status_code == 200
        return len(_rows(response.get_data(as_text=True))), statements

    make(3)
    three, for_three = inbox_queries()
    make(27)
    many, for_many = inbox_queries()

    assert (three, many) == (3, 25)
    assert len(for_three) == len(for_many), "\n".join(for_many)
    assert len(for_many) <= 6  # the user and session, the header's count, the inbox's three
