"""Your offers: the offering school's own offers, by status, with counts, sortable."""

from datetime import timedelta

from elp.timeutil import utcnow
from tests.factories import make_lead, make_member, make_offer, make_school


def titles_in(page, titles):
    """The given titles in the order they appear on the page."""
    return sorted((title for title in titles if title in page), key=page.index)


def test_tabs_show_how_many_offers_each_status_has(db, login_as):
    member = make_member()
    for title, status in [("Phonics", "published"), ("Maths", "published"), ("Science", "draft"),
                          ("PE", "paused"), ("History", "archived")]:  # fmt: skip
        make_offer(member.school, title, status=status)
    make_offer(make_school(), "Another school's offer")

    page = login_as(member).get("/offers/mine").get_data(as_text=True)

    for tab in ("All (5)", "Published (2)", "Drafts (1)", "Paused (1)", "Archived (1)"):
        assert tab in page
    assert "Another school&#39;s offer" not in page and "Another school's offer" not in page


def test_a_tab_lists_only_offers_of_that_status(db, login_as):
    lead = make_lead()
    make_offer(lead.school, "Published phonics", status="published")
    draft = make_offer(lead.school, "Draft maths", status="draft")

    page = login_as(lead).get("/offers/mine?status=draft").get_data(as_text=True)

    assert f'<a class="govuk-link" href="/offers/{draft.id}">Draft maths</a>' in page
    assert "Published phonics" not in page


def test_offers_sort_by_title_status_or_last_change(db, login_as):
    lead = make_lead()
    now = utcnow()
    make_offer(lead.school, "Behaviour", status="published", updated_at=now - timedelta(days=3))
    make_offer(lead.school, "Attendance", status="paused", updated_at=now - timedelta(days=1))
    make_offer(lead.school, "Curriculum", status="draft", updated_at=now - timedelta(days=2))
    client = login_as(lead)
    titles = ["Attendance", "Behaviour", "Curriculum"]

    by_title = client.get("/offers/mine?sort=title").get_data(as_text=True)
    by_status = client.get("/offers/mine?sort=status").get_data(as_text=True)
    by_update = client.get("/offers/mine?sort=updated").get_data(as_text=True)

    assert titles_in(by_title, titles) == ["Attendance", "Behaviour", "Curriculum"]
    assert titles_in(by_status, titles) == ["Curriculum", "Attendance", "Behaviour"]
    assert titles_in(by_update, titles) == ["Attendance", "Curriculum", "Behaviour"]


def test_each_offer_shows_its_capacity_left(db, login_as):
    lead = make_lead()
    make_offer(lead.school, "Limited", capacity=6, unit="session")
    make_offer(lead.school, "Unlimited", capacity=None)

    page = login_as(lead).get("/offers/mine").get_data(as_text=True)

    assert "6 sessions" in page
    assert "Not limited" in page


def test_a_hidden_offer_is_flagged_with_the_reason(db, login_as):
    lead = make_lead()
    make_offer(
        lead.school, "Tutoring", hidden_at=utcnow(), hidden_reason="Please add the expert's role"
    )

    page = login_as(lead).get("/offers/mine").get_data(as_text=True)

    assert "Hidden by ELP" in page
    assert '<a class="govuk-link" href="/offers/' in page
    assert "Please add the expert&#39;s role" in page


def test_an_unknown_tab_or_sort_falls_back_to_all_by_last_change(db, login_as):
    lead = make_lead()
    make_offer(lead.school, "Phonics")

    response = login_as(lead).get("/offers/mine?status=deleted&sort=price")

    assert response.status_code == 200
    assert "Phonics" in response.get_data(as_text=True)


def test_a_school_with_no_offers_is_told_so(db, login_as):
    page = login_as(make_member()).get("/offers/mine").get_data(as_text=True)

    assert "Your school has no offers yet." in page
    assert "Write an offer" in page
