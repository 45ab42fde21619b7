"""The list of categories offers are filed under, as ELP admins keep it."""


from sqlalchemy import func, select

from elp import audit
from elp.errors import ActionRefused
from elp.extensions import db
from elp.offers.models import (
    START_CATEGORIES,
    Category,
    Offer,
)

CATEGORY_NAME_MAX = 80
_CATEGORY_NAMES = "category_names"


def ensure_categories():
    """Seed PRODUCT.md's start set of categories into an empty category table.

    Only an empty table is seeded, so a category an admin has renamed is never added back.
    Anything that needs categories (the offer form, the import, the demo, the admin page)
    calls `categories()`, which calls this: a fresh database gets its categories on first use.
    The seeding commits at once, a documented exception to one commit per action: it happens
    once in a database's life, before anything else the action does, and a category id shown
    on a form must still be there when the form comes back.
    """
    if db.session.scalar(select(func.count()).select_from(Category)):
        return 0
    for position, name in enumerate(START_CATEGORIES):
        db.session.add(Category(name=name, position=position))
    db.session.commit()
    return len(START_CATEGORIES)


def categories():
    """Every category, in the order admins see and schools choose them."""
    ensure_categories()
    return db.session.scalars(select(Category).order_by(Category.position, Category.name)).all()


def category_names():
    """The category names in order, read once per database session, so once per request
    (admins may add or rename categories; doing so forgets what was read)."""
    if _CATEGORY_NAMES not in db.session.info:
        db.session.info[_CATEGORY_NAMES] = db.session.scalars(
            select(Category.name).order_by(Category.position, Category.name)
        ).all()
    return db.session.info[_CATEGORY_NAMES]


def offer_counts_by_category():
    """{category id: number of offers in it}, for the admin list."""
    rows = db.session.execute(select(Offer.category_id, func.count()).group_by(Offer.category_id))
    return dict(rows.all())


def clean_category_name(name):
    return " ".join((name or "").split())


def category_name_taken(name, except_category=None):
    query = select(Category.id).where(
        func.lower(Category.name) == clean_category_name(name).lower()
    )
    if except_category is not None:
        query = query.where(Category.id != except_category.id)
    return db.session.scalar(query) is not None


def _check_category_name(name, except_category=None):
    if not name:
        raise ActionRefused("Enter the category name.")
    if len(name) > CATEGORY_NAME_MAX:
        raise ActionRefused(f"The category name must be {CATEGORY_NAME_MAX} characters or fewer.")
    if category_name_taken(name, except_category):
        raise ActionRefused(f"There is already a category called ‘{name}’.")


def add_category(name, admin):
    """Add a category at the end of the list."""
    name = clean_category_name(name)
    _check_category_name(name)
    last = db.session.scalar(select(func.max(Category.position))) or 0
    category = Category(name=name, position=last + 1)
    db.session.add(category)
    db.session.flush()
    db.session.info.pop(_CATEGORY_NAMES, None)
    audit.record("category.added", category, actor=admin, name=name)
    return category


def rename_category(category, name, admin):
    """Rename a category; every offer in it moves with it."""
    name = clean_category_name(name)
    _check_category_name(name, except_category=category)
    old_name = category.name
    category.name = name
    db.session.info.pop(_CATEGORY_NAMES, None)
    audit.record("category.renamed", category, actor=admin, old_name=old_name, new_name=name)
    db.session.flush()
    return category
