"""Categories: PRODUCT.md's start set on first use; ELP admins add and rename them."""

from sqlalchemy import select

from elp.audit import AuditEvent
from elp.offers import services
from elp.offers.models import START_CATEGORIES, Category
from tests.factories import committed, make_admin, make_member, make_offer


def names(db):
    return [category.name for category in services.categories()]


def test_a_fresh_database_gets_the_start_categories_in_order(db):
    assert names(db) == list(START_CATEGORIES)


def test_seeding_is_idempotent_and_never_brings_back_a_renamed_category(db):
    services.ensure_categories()
    renamed = db.session.scalar(select(Category).where(Category.name == "Training and CPD"))
    committed(services.rename_category, renamed, "Training and professional development", make_admin())

    assert services.ensure_categories() == 0
    assert len(names(db)) == len(START_CATEGORIES)
    assert "Training and CPD" not in names(db)


def test_the_offer_form_offers_the_categories_on_a_fresh_database(db, login_as):
    page = login_as(make_member()).get("/offers/new").get_data(as_text=True)

    assert all(name in page for name in START_CATEGORIES)


def test_an_admin_adds_a_category(db, login_as, client):
    admin = make_admin()
    login_as(admin)

    response = client.post("/admin/categories", data={"name": "  Careers   guidance "},
                           follow_redirects=True)  # fmt: skip

    assert "Category ‘Careers guidance’ added" in response.get_data(as_text=True)
    assert names(db)[-1] == "Careers guidance"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "category.added"))
    assert event.actor_id == admin.id


def test_a_category_name_must_be_new_and_not_empty(db, login_as):
    services.ensure_categories()
    client = login_as(make_admin())

    taken = client.post("/admin/categories", data={"name": "pupil ACHIEVEMENT"})
    empty = client.post("/admin/categories", data={"name": " "})
    too_long = client.post("/admin/categories", data={"name": "x" * 81})

    assert "There is already a category called ‘pupil ACHIEVEMENT’" in taken.get_data(as_text=True)
    assert "Enter the category name" in empty.get_data(as_text=True)
    assert "80 characters or fewer" in too_long.get_data(as_text=True)
    assert len(names(db)) == len(START_CATEGORIES)


def test_an_admin_renames_a_category_and_its_offers_follow(db, login_as, client):
    offer = make_offer(category="Pupil achievement")
    admin = make_admin()
    login_as(admin)

    client.post(f"/admin/categories/{offer.category_id}/edit", data={"name": "Pupil progress"})

    db.session.refresh(offer)
    assert offer.category.name == "Pupil progress"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "category.renamed"))
    assert event.details == {"old_name": "Pupil achievement", "new_name": "Pupil progress"}


def test_the_category_list_shows_how_many_offers_each_has(db, login_as):
    make_offer(category="Specialist teaching")
    make_offer(category="Specialist teaching")

    page = login_as(make_admin()).get("/admin/categories").get_data(as_text=True)

    assert "Specialist teaching" in page
    assert 'Rename<span class="govuk-visually-hidden"> Specialist teaching</span></a>' in page
    assert ">2<" in page.replace(" ", "").replace("\n", "")


def test_only_admins_manage_categories(db, login_as):
    client = login_as(make_member())

    assert client.get("/admin/categories").status_code == 403
    assert client.post("/admin/categories", data={"name": "Mine"}).status_code == 403
