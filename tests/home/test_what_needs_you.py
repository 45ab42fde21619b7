"""A school user's home page, "What needs you": each thing waiting on the school, the most
urgent first, each a link to the thing; the menu's counts; and what waits on ELP admins."""

import re
from datetime import timedelta

import pytest

from elp import what_needs_you
from elp.billing.models import Charge
from elp.bookings.models import Feedback
from elp.extensions import db as _db
from elp.negotiation.models import Proposal, RequestRead
from elp.notifications.models import OutboxEmail
from elp.timeutil import format_date, uk_today, utcnow
from tests.factories import (
    days,
    make_admin,
    make_booking,
    make_lead,
    make_member,
    make_offer,
    make_request,
    make_school,
)
from tests.queries import statements_run


@pytest.fixture
def schools(db):
    """Harlow Primary offers "Phonics catch-up"; Brentwood High seeks support on it."""
    harlow, brentwood = make_school(name="Harlow Primary"), make_school(name="Brentwood High")
    offer = make_offer(harlow, "Phonics catch-up")
    return harlow, brentwood, offer, make_member(harlow), make_member(brentwood)


def _items(page):
    """The home page's list, as the text of each item (tags and dates included)."""
    if 'id="what-needs-you"' not in page:
        return []
    body = page.split('id="what-needs-you"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", body, re.DOTALL)
    ]


def _links(page):
    body = page.split('id="what-needs-you"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="([^"]+)"', body)


def _menu(page):
    body = page.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", link)).strip()
        for link in re.findall(r"<a [^>]*>(.*?)</a>", body, re.DOTALL)
    ]


def _home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _counter(request, school, user):
    """The offering school answers with a counter-proposal (straight in the database)."""
    first = request.latest_proposal
    now = utcnow()
    request.proposals.append(
        Proposal(
            author_school_id=school.id,
            author_id=user.id,
            quantity=3,
            unit=first.unit,
            price_pence=first.price_pence,
            total_pence=3 * first.price_pence,
            earliest_start=first.earliest_start,
            latest_end=first.latest_end,
            session_dates=[],
            delivery_mode=first.delivery_mode,
            expires_at=now + days(5),
        )
    )
    request.expires_at = now + days(5)
    request.last_activity_school_id, request.last_activity_at = school.id, now
    _db.session.commit()


def test_a_new_request_waits_on_the_offering_school_with_its_answer_by_date(
    client, login_as, schools
):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    request = make_request(offer, author=brentwood_member)

    page = _home(login_as(harlow_member))

    assert '<h1 class="govuk-heading-l">What needs you</h1>' in page
    answer_by = format_date(request.expires_at)
    assert _items(page) == [
        f"New request from Brentwood High for ‘Phonics catch-up’ New Answer by {answer_by}"
    ]
    assert _links(page) == [f"/requests/{request.id}"]
    assert "Requests (1)" in _menu(page)


def test_the_seeking_school_waits_for_the_answer_so_nothing_needs_it(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    request = make_request(offer, author=brentwood_member)

    page = _home(login_as(brentwood_member))

    assert _items(page) == []
    assert "Nothing needs you today" in page
    # The next dated event: the other school's answer is due when the proposal expires.
    assert "Harlow Primary has until then to answer your proposal on ‘Phonics catch-up’" in page
    assert f"answer due {format_date(request.expires_at)}" in page
    assert "Requests" in _menu(page)


def test_a_counter_proposal_waits_on_the_seeking_school(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    request = make_request(offer, author=brentwood_member)
    _counter(request, harlow, harlow_member)

    seeking = _home(login_as(brentwood_member))
    answer_by = format_date(request.expires_at)
    assert _items(seeking) == [
        f"Harlow Primary made a counter-proposal on ‘Phonics catch-up’ New Answer by {answer_by}"
    ]
    assert _items(_home(login_as(harlow_member))) == []


def test_a_message_not_yet_opened_shows_until_the_request_is_opened(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools
    request = make_request(offer, author=brentwood_member)
    _counter(request, harlow, harlow_member)
    # Brentwood has read the counter-proposal and answered it with its own; Harlow then writes.
    _counter(request, brentwood, brentwood_member)
    _db.session.add(RequestRead(request_id=request.id, school_id=brentwood.id, read_at=utcnow()))
    request.last_activity_school_id, request.last_activity_at = harlow.id, utcnow()
    _db.session.commit()

    client = login_as(brentwood_member)
    assert _items(_home(client)) == ["New message from Harlow Primary on ‘Phonics catch-up’ New"]
    assert client.get(f"/requests/{request.id}").status_code == 200
    assert _items(_home(client)) == []


def test_a_decision_not_yet_opened_shows_as_news(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    request = make_request(offer, author=brentwood_member)
    request.status = "declined"
    request.last_activity_school_id, request.last_activity_at = harlow.id, utcnow()
    _db.session.commit()

    page = _home(login_as(brentwood_member))

    assert _items(page) == ["Harlow Primary declined the request for ‘Phonics catch-up’ New"]


def test_a_booking_whose_last_session_passed_waits_to_be_marked_delivered(
    client, login_as, schools
):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    last = uk_today() - timedelta(days=2)
    booking = make_booking(
        make_request(
            offer,
            author=brentwood_member,
            earliest_start=last - timedelta(days=20),
            latest_end=uk_today() + timedelta(days=30),
            session_dates=[str(last - timedelta(days=10)), str(last)],
        )
    )

    page = _home(login_as(harlow_member))

    assert (
        f"Mark ‘Phonics catch-up’ for Brentwood High as delivered Last session {format_date(last)}"
        in _items(page)
    )
    assert f"/bookings/{booking.id}" in _links(page)
    assert "Bookings (1)" in _menu(page)
    # The seeking school has nothing to do on it yet.
    assert not any(
        "Phonics" in item for item in _items(_home(login_as(brentwood_member))) if "Mark" in item
    )


def test_a_booking_with_a_session_still_to_come_does_not_wait(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    make_booking(
        make_request(
            offer,
            author=brentwood_member,
            earliest_start=uk_today() - timedelta(days=20),
            latest_end=uk_today() + timedelta(days=5),
            session_dates=[str(uk_today() - timedelta(days=20)), str(uk_today())],
        )
    )

    page = _home(login_as(harlow_member))

    assert not any(item.startswith("Mark") for item in _items(page))
    assert "Bookings" in _menu(page)


def test_a_delivered_booking_waits_on_the_seeking_school_until_it_completes(
    client, login_as, schools
):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    booking = make_booking(make_request(offer, author=brentwood_member))
    booking.status, booking.delivered_at = "delivered", utcnow() - days(2)
    _db.session.commit()

    page = _home(login_as(brentwood_member))

    completes = format_date(booking.delivered_at + days(14))
    assert (
        f"Confirm ‘Phonics catch-up’ from Harlow Primary is completed Completes by itself on {completes}"
        in _items(page)
    )
    assert "Bookings (1)" in _menu(page)


def test_feedback_waits_on_each_school_until_it_has_written(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    booking = make_booking(make_request(offer, author=brentwood_member))
    booking.status, booking.completed_at = "completed", utcnow() - days(1)
    _db.session.add(
        Feedback(booking=booking, author_school_id=harlow.id, author_id=harlow_member.id, rating=5)
    )
    _db.session.commit()

    assert "Leave feedback on ‘Phonics catch-up’ with Harlow Primary" in _items(
        _home(login_as(brentwood_member))
    )
    assert not any("feedback" in item for item in _items(_home(login_as(harlow_member))))


def test_charges_due_and_overdue_wait_with_their_amounts_overdue_first(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    first = make_booking(make_request(offer, author=brentwood_member))
    second = make_booking(
        make_request(make_offer(harlow, "Reading recovery"), author=brentwood_member)
    )
    charges = {c.booking_id: c for c in _db.session.scalars(_db.select(Charge))}
    charges[first.id].due_date = uk_today() - timedelta(days=3)
    _db.session.commit()
    overdue, due = charges[first.id], charges[second.id]

    page = _home(login_as(brentwood_member))

    charge_items = [item for item in _items(page) if item.startswith("Pay")]
    assert charge_items == [
        f"Pay £87.50 for ‘Phonics catch-up’ (invoice {overdue.invoice_number}) Overdue "
        + f"Was due by {format_date(overdue.due_date)}",
        f"Pay £87.50 for ‘Reading recovery’ (invoice {due.invoice_number}) "
        + f"Due by {format_date(due.due_date)}",
    ]
    assert "Charges (2)" in _menu(page)
    # The offering school pays nothing under the default fee policy.
    assert "Charges" in _menu(_home(login_as(harlow_member)))


def test_an_unfinished_draft_waits_on_its_school(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    draft = make_offer(harlow, "Maths mastery", status="draft")

    page = _home(login_as(harlow_member))

    assert _items(page) == ["Finish your draft offer ‘Maths mastery’"]
    assert _links(page) == [f"/offers/{draft.id}/edit"]


def test_the_most_urgent_comes_first(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    make_offer(harlow, "Maths mastery", status="draft")  # no date: last
    later = make_request(offer, author=make_member(make_school(name="Colchester Academy")))
    sooner = make_request(offer, author=brentwood_member)
    later.expires_at, sooner.expires_at = utcnow() + days(8), utcnow() + days(2)
    _db.session.commit()

    items = _items(_home(login_as(harlow_member)))

    assert [item.split(" for ")[0] for item in items] == [
        "New request from Brentwood High",
        "New request from Colchester Academy",
        "Finish your draft offer ‘Maths mastery’",
    ]


def test_another_schools_things_never_show(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    make_request(offer, author=brentwood_member)
    make_offer(harlow, "Maths mastery", status="draft")
    outsider = make_member(make_school(name="Maldon Infants"))

    page = _home(login_as(outsider))

    assert _items(page) == []
    assert "Nothing needs you today" in page
    assert [item for item in _menu(page) if "(" in item] == []


def _things_waiting(harlow, harlow_member, offer, seekers, provider_offer, count):
    """Add `count` new requests on Harlow's offer, and a tenth as many delivered bookings
    Harlow must confirm (and pay the charges of) and draft offers it must finish."""
    for n in range(count):
        make_request(offer, author=seekers[n % len(seekers)])
    for n in range(count // 10):
        booking = make_booking(make_request(provider_offer, author=harlow_member))
        booking.status, booking.delivered_at = "delivered", utcnow() - days(1)
        make_offer(harlow, f"Draft {n} of {count}", status="draft")
    _db.session.commit()


def _statements_for_home(client):
    with statements_run(_db.engine) as statements:
        page = _home(client)
    return statements, page


def test_the_home_page_runs_the_same_queries_for_10_and_100_things_waiting(
    client, login_as, schools
):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    offer.capacity = None
    provider_offer = make_offer(
        make_school(name="Tendring Special"), "Autism outreach", capacity=None
    )
    seekers = [make_member(make_school(name=f"School {n}")) for n in range(3)]
    client = login_as(harlow_member)

    _things_waiting(harlow, harlow_member, offer, seekers, provider_offer, 10)
    ten, page = _statements_for_home(client)
    assert len(_items(page)) == 10 + 3 * 1
    _things_waiting(harlow, harlow_member, offer, seekers, provider_offer, 90)
    hundred, page = _statements_for_home(client)

    # 100 requests (50 shown, the most urgent), 10 bookings, their 10 charges, 10 drafts.
    assert len(_items(page)) == 50 + 3 * 10
    assert len(hundred) == len(ten), "\n".join(hundred)
    assert len(ten) <= 15


def test_admins_see_what_waits_on_them(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    booking = make_booking(make_request(offer, author=brentwood_member))
    charge = _db.session.scalar(_db.select(Charge).where(Charge.booking_id == booking.id))
    charge.due_date = uk_today() - timedelta(days=1)
    charge.needs_attention, charge.attention_reason = True, "The amount paid did not match"
    _db.session.add(
        OutboxEmail(
            to="head@example.org", subject="A", body="B", message_id="<failed@example.org>",
            retry_until=utcnow(), failed_at=utcnow(),
        )
    )
    _db.session.commit()

    page = login_as(make_admin()).get("/admin/").get_data(as_text=True)

    items = _items(page)
    assert any(item.startswith("1 payment needs attention") for item in items)
    assert "1 overdue charge (£87.50)" in items
    assert "Emails not sent: 1" in items


def test_admins_with_nothing_waiting_are_told_so(client, login_as, db):
    page = login_as(make_admin()).get("/admin/").get_data(as_text=True)
    assert "Nothing needs you today" in page
    assert _items(page) == []


def test_a_school_lead_sees_the_same_as_a_member(client, login_as, schools):
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    make_request(offer, author=brentwood_member)
    lead = make_lead(harlow)

    assert _items(_home(login_as(lead))) == _items(_home(login_as(harlow_member)))


def test_the_menu_counts_what_the_home_page_lists_in_each_section(client, login_as, schools):
    """The menu counts in SQL what the page lists from the rows: a mix of every state,
    session dates passed and to come, for both schools."""
    harlow, brentwood, offer, harlow_member, brentwood_member = schools  # noqa: RUF059
    offer.capacity = None
    today = uk_today()
    windows = [
        (today - timedelta(days=30), today - timedelta(days=2), []),  # window ended
        (today - timedelta(days=30), today + timedelta(days=30), []),  # window still open
        (today - timedelta(days=30), today + timedelta(days=30), [str(today - timedelta(days=5))]),
        (today - timedelta(days=30), today + timedelta(days=30), [str(today)]),  # today
        (today + timedelta(days=3), today + timedelta(days=30), []),  # not started
    ]
    for start, end, sessions in windows:
        make_booking(
            make_request(
                offer,
                author=brentwood_member,
                earliest_start=start,
                latest_end=end,
                session_dates=sessions,
            ),
            accepted_by=harlow_member,
        )
    delivered = make_booking(make_request(offer, author=brentwood_member))
    delivered.status, delivered.delivered_at = "delivered", utcnow() - days(3)
    completed = make_booking(make_request(offer, author=brentwood_member))
    completed.status, completed.completed_at = "completed", utcnow() - days(2)
    make_request(offer, author=brentwood_member)
    _db.session.commit()

    for member in (harlow_member, brentwood_member):
        needs = what_needs_you.for_school(member.school_id)
        assert what_needs_you.menu_counts(member.school_id) == needs.counts
    assert what_needs_you.menu_counts(harlow.id)["bookings"] == 2 + 1  # to deliver, feedback
