"""Schools, their users, access codes and invitations."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from elp.accounts.tokens import password_fingerprint
from elp.extensions import db
from elp.folding import folded_name
from elp.timeutil import utcnow
from elp.transitions import Versioned

ROLE_MEMBER = "member"
ROLE_LEAD = "lead"
ROLE_ADMIN = "admin"
ROLES = (ROLE_MEMBER, ROLE_LEAD, ROLE_ADMIN)
ROLE_NAMES = {ROLE_MEMBER: "Member", ROLE_LEAD: "School lead", ROLE_ADMIN: "ELP admin"}

SCHOOL_ACTIVE = "active"
SCHOOL_SUSPENDED = "suspended"

# Essex's districts by their ONS codes (GIAS "DistrictAdministrative").
ESSEX_DISTRICTS = {
    "E07000066": "Basildon",
    "E07000067": "Braintree",
    "E07000068": "Brentwood",
    "E07000069": "Castle Point",
    "E07000070": "Chelmsford",
    "E07000071": "Colchester",
    "E07000072": "Epping Forest",
    "E07000073": "Harlow",
    "E07000074": "Maldon",
    "E07000075": "Rochford",
    "E07000076": "Tendring",
    "E07000077": "Uttlesford",
}
DISTRICT_NAMES = tuple(ESSEX_DISTRICTS.values())


class School(db.Model):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name folded for the admin's school search (elp.folding), kept by _fold_name.
    search_name: Mapped[str] = mapped_column(String(220), default="", server_default="")
    la_code: Mapped[str | None] = mapped_column(String(3))
    la_name: Mapped[str | None] = mapped_column(String(100))
    district_code: Mapped[str | None] = mapped_column(String(9))
    district: Mapped[str | None] = mapped_column(String(100), index=True)
    phase: Mapped[str | None] = mapped_column(String(60))
    establishment_type: Mapped[str | None] = mapped_column(String(120))
    establishment_status: Mapped[str | None] = mapped_column(String(60))
    street: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(10))
    website: Mapped[str | None] = mapped_column(String(300))
    trust: Mapped[str | None] = mapped_column(String(200))
    easting: Mapped[int | None]
    northing: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=SCHOOL_ACTIVE)
    suspension_reason: Mapped[str | None] = mapped_column(String(500))
    # The school's customer at the payment provider, made the first time it pays through it
    # and kept, so every payment and invoice of the school is under one customer there.
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="school")

    @property
    def is_suspended(self):
        return self.status == SCHOOL_SUSPENDED

    @validates("name")
    def _fold_name(self, key, name):
        self.search_name = folded_name(name)
        return name


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes email unique regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=ROLE_MEMBER)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School | None] = relationship(back_populates="users")

    @property
    def is_admin(self):
        return self.role == ROLE_ADMIN

    @property
    def is_lead(self):
        return self.role == ROLE_LEAD

    @property
    def is_active(self):
        """Flask-Login: a removed user or a user of a suspended school is signed out."""
        return self.active and not (self.school and self.school.is_suspended)

    def get_id(self):
        """Flask-Login: what the session cookie holds; it changes with the password."""
        return f"{self.id}:{password_fingerprint(self.password_hash)}"


class AccessCodeStatus(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"  # never stored: a valid code past its expiry
    REVOKED = "revoked"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"  # never stored: a pending invitation past its expiry
    REVOKED = "revoked"


class AccessCode(Versioned, db.Model):
    """A one-time code that lets a school's first user join; only its hash is kept. Its
    status follows from when it was redeemed, revoked or expires; every change of it goes
    through `accounts.transitions.ACCESS_CODE`."""

    __tablename__ = "access_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(4))  # last characters, to tell codes apart
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]
    redeemed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()

    def state(self, now=None):
        now = now or utcnow()
        if self.revoked_at:
            return AccessCodeStatus.REVOKED
        if self.redeemed_at:
            return AccessCodeStatus.USED
        if self.expires_at <= now:
            return AccessCodeStatus.EXPIRED
        return AccessCodeStatus.VALID

    @property
    def status(self):
        return self.state()

    @status.setter
    def status(self, value):
        """A transition stamps when it happened."""
        stamps = {AccessCodeStatus.USED: "redeemed_at", AccessCodeStatus.REVOKED: "revoked_at"}
        setattr(self, stamps[value], utcnow())


class Invitation(Versioned, db.Model):
    """An emailed link that lets a colleague join a school; only the token's hash is kept.
    Its status follows from when it was accepted, revoked or expires; every change of it
    goes through `accounts.transitions.INVITATION`."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str | None] = mapped_column(String(120))  # as the lead typed it, if at all
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()
    invited_by: Mapped[User | None] = relationship()

    def state(self, now=None):
        now = now or utcnow()
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def status(self):
        return self.state()

    @status.setter
    def status(self, value):
        """A transition stamps when it happened."""
        stamps = {InvitationStatus.ACCEPTED: "accepted_at", InvitationStatus.REVOKED: "revoked_at"}
        setattr(self, stamps[value], utcnow())


def normalise_email(email):
    return (email or "").strip().lower()


class UserSession(db.Model):
    """One sign-in on one browser. The session cookie carries a random token; only its hash
    is kept, so the table cannot be used to sign in. Ending the record ends the session,
    wherever the cookie has been copied."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    browser: Mapped[str] = mapped_column(String(60))  # "Firefox on Windows", not the raw header
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SchoolImportRun(db.Model):
    """A GIAS file uploaded in the browser, imported by the worker, and how far it
    has got, so the progress page can show it whichever node serves it (decision 23,
    elp.accounts.school_import_runs). The file itself waits in a temporary file, never here."""

    __tablename__ = "school_import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    la_code: Mapped[str] = mapped_column(String(3))
    bytes_total: Mapped[int]
    bytes_done: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None]
    # Written as the file is read: a run whose heartbeat stops has died with its process.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Why the file was refused as a whole (nothing changed), in the words the admin reads.
    refusal: Mapped[str | None] = mapped_column(String(1000))
    failure: Mapped[str | None] = mapped_column(String(500))  # an error nobody foresaw
    # What the import did: counts, and the first few skipped rows for each reason.
    summary: Mapped[dict | None] = mapped_column(JSON)

    requested_by: Mapped[User | None] = relationship()
