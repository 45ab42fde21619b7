"""Accounts themselves: finding a user, opening or reopening an account, ELP admins,
and the pieces every way in shares (checking an address's form, the suspension message)."""


from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from elp import audit
from elp.accounts.models import (
    ROLE_ADMIN,
    User,
    normalise_email,
)
from elp.accounts.passwords import hash_password, password_problem
from elp.errors import InvalidInput
from elp.extensions import db
from elp.text import has_control_characters

EMAIL_TAKEN = "An account already exists for this email address. Sign in instead"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@school.example"


class LinkUnusable(Exception):
    """An emailed link (invitation or password reset) that cannot be used, and why."""

    def __init__(self, title, explanation, status=410):
        super().__init__(title)
        self.title = title
        self.explanation = explanation
        self.status = status


def email_format_problem(email):
    """EMAIL_FORMAT when `email` is not an email address, else None: the one check of an
    address's form, for the forms and every service that takes an address."""
    try:
        validate_email(email or "", check_deliverability=False)
    except EmailNotValidError:
        return EMAIL_FORMAT
    return None


def check_email_format(email):
    """Refuse an address that is not one, as the email field's problem."""
    problem = email_format_problem(email)
    if problem:
        raise InvalidInput("email", problem)


def suspension_message(school):
    return (
        f"Your school's access to ELP Exchange is suspended. "
        f"The reason ELP gave: {school.suspension_reason}"
    )


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def name_of_user(user_id):
    """The full name of the user whose id is `user_id` (a column), as a scalar subquery:
    for other features' queries that show who did something; None for no user."""
    return select(User.full_name).where(User.id == user_id).scalar_subquery()


def email_in_use(email):
    """True if an open account has this email; a removed colleague's may be opened again."""
    user = find_user_by_email(email)
    return user is not None and user.active


def new_account_problems(email, password, check_taken=True):
    """{field: message} for an email that is taken or malformed and a password the policy
    does not allow, both at once ({} if neither). With `check_taken` false, whether the
    address has an account is not looked at (nor said)."""
    problems = {}
    problem = email_format_problem(email)
    if problem is None and check_taken and email_in_use(email):
        problem = EMAIL_TAKEN
    if problem:
        problems["email"] = problem
    problem = password_problem(password, email)
    if problem:
        problems["password"] = problem
    return problems


def check_new_account(email, password):
    """Refuse an email that is taken or malformed, or a password the policy does not allow."""
    problems = new_account_problems(email, password)
    if problems:
        raise InvalidInput.all_of(problems)


def open_account(**fields):
    """Add a user, or reopen the closed account with the same email (a colleague removed by
    mistake, or a teacher who moved school) with these details; a concurrent sign-up with
    the same email is refused, not a 500."""
    user = find_user_by_email(fields["email"])
    if user is None:
        user = User(**fields)
        db.session.add(user)
    else:
        for name, value in fields.items():
            setattr(user, name, value)
        user.active = True
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise InvalidInput("email", EMAIL_TAKEN) from error
    return user


# ELP admins


def active_admins():
    """The ELP admins who can still sign in (whom the service tells what needs an admin)."""
    return db.session.scalars(
        select(User).where(User.role == ROLE_ADMIN, User.active).order_by(User.id)
    ).all()


def create_admin(email, full_name, password):
    """Create an ELP admin (from the command line)."""
    email = normalise_email(email)
    if not (full_name or "").strip():
        raise InvalidInput("full_name", "Enter the admin's full name")
    if has_control_characters(full_name):
        raise InvalidInput(
            "full_name", "The full name must be on one line, without tabs or line breaks"
        )
    check_new_account(email, password)
    admin = open_account(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=ROLE_ADMIN,
        school=None,
    )
    audit.record("user.admin_created", admin, email=email)
    db.session.flush()
    return admin
