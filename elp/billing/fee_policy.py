"""The fee policy: versions an ELP admin creates, each in force from a date, and the terms in
force on a day. Versions are never edited; bookings keep the terms copied onto them when agreed."""

import logging

from flask import current_app
from sqlalchemy import select

from elp import audit, money
from elp.billing.models import DEFAULT_TERMS, TERMS_FIELDS, FeePolicy, Payer
from elp.errors import InvalidInput
from elp.extensions import db
from elp.timeutil import format_date, uk_today

log = logging.getLogger(__name__)

# Payment terms longer than a year are a typing slip, not a policy.
PAYMENT_TERMS_MAX_DAYS = 365


def policy_in_force(on=None):
    """The fee policy version in force on a date (today in the UK by default): the latest
    version in force from that date or before, or None while the default applies."""
    on = on or uk_today()
    return db.session.scalar(
        select(FeePolicy)
        .where(FeePolicy.in_force_from <= on)
        .order_by(FeePolicy.in_force_from.desc(), FeePolicy.id.desc())
        .limit(1)
    )


def terms_in_force(on=None):
    policy = policy_in_force(on)
    return policy.terms if policy is not None else DEFAULT_TERMS


def policy_versions():
    """Every version, the latest start date first."""
    return db.session.scalars(
        select(FeePolicy).order_by(FeePolicy.in_force_from.desc(), FeePolicy.id.desc())
    ).all()


def create_policy_version(terms, in_force_from, actor):
    """Add a fee policy version in force from a date (today or later). Bookings agreed
    before that date keep the terms copied onto them."""
    problem = _policy_problem(terms, in_force_from)
    if problem:
        error = InvalidInput(*problem)
        log.warning("Refused a fee policy version: %s", error.message)
        raise error
    policy = FeePolicy(
        in_force_from=in_force_from,
        created_by_id=getattr(actor, "id", None),
        **{field: getattr(terms, field) for field in TERMS_FIELDS},
    )
    db.session.add(policy)
    db.session.flush()
    audit.record(
        "fee_policy.created",
        policy,
        actor=actor,
        in_force_from=in_force_from.isoformat(),
        **{field: getattr(terms, field) for field in TERMS_FIELDS},
    )
    return policy


def _policy_problem(terms, in_force_from):
    """(field, message) for the first thing wrong with a new version, or None."""
    if not 0 <= terms.basis_points <= money.BASIS_POINTS_PER_WHOLE:
        return "percentage", "The percentage must be between 0 and 100"
    if terms.minimum_pence < 0:
        return "minimum", "The minimum charge must be £0 or more"
    if terms.maximum_pence < 0:
        return "maximum", "The maximum charge must be £0 or more"
    if terms.minimum_pence > terms.maximum_pence:
        return "minimum", "The minimum charge must be the same as or less than the maximum charge"
    if terms.payer not in set(Payer):
        return "payer", "Select who pays the service charge"
    if not 0 <= terms.vat_basis_points <= money.BASIS_POINTS_PER_WHOLE:
        return "vat_rate", "The VAT rate must be between 0 and 100"
    if not 0 <= terms.payment_terms_days <= PAYMENT_TERMS_MAX_DAYS:
        return "payment_terms_days", (
            f"The payment terms must be between 0 and {PAYMENT_TERMS_MAX_DAYS} days"
        )
    if terms.vat_basis_points and missing_vat_details():
        return "vat_rate", (
            "A fee policy with VAT cannot be saved yet: every invoice that charges VAT must "
            f"show ELP’s {' and '.join(missing_vat_details())}. Ask whoever runs the "
            f"service to set {' and '.join(missing_vat_settings())}, or set the VAT rate to 0"
        )
    if in_force_from is None:
        return "in_force_from", "Enter the date the policy is in force from"
    today = uk_today()
    if in_force_from < today:
        return "in_force_from", (
            f"The date it is in force from must be today or in the future, not before "
            f"{format_date(today)}"
        )
    return None


# --- What a VAT invoice needs -------------------------------------------------------------

VAT_DETAILS = (
    ("VAT_NUMBER", "ELP_VAT_NUMBER", "VAT registration number"),
    ("POSTAL_ADDRESS", "ELP_POSTAL_ADDRESS", "postal address"),
)


def _missing(config=None):
    config = config if config is not None else current_app.config
    return [(setting, words) for key, setting, words in VAT_DETAILS if not config.get(key)]


def missing_vat_details(config=None):
    """What a VAT invoice needs that the configuration lacks, in words ("postal address")."""
    return [words for _, words in _missing(config)]


def missing_vat_settings(config=None):
    """The same, as the names of the settings to set (ELP_POSTAL_ADDRESS)."""
    return [setting for setting, _ in _missing(config)]


def vat_charged_without_vat_details(config=None):
    """Problems for `elp check-deploy`: each sentence names a fee policy (in force now, or
    from a later date) that charges VAT while ELP_VAT_NUMBER or ELP_POSTAL_ADDRESS is unset,
    so its invoices would not be valid VAT invoices. Empty when all is well."""
    missing = missing_vat_settings(config)
    if not missing:
        return []
    in_force = policy_in_force()
    policies = [in_force] if in_force is not None else []
    policies += db.session.scalars(
        select(FeePolicy)
        .where(
            FeePolicy.vat_basis_points > 0,
            FeePolicy.in_force_from > uk_today(),
        )
        .order_by(FeePolicy.in_force_from)
    ).all()
    terms = [policy.terms for policy in policies] or [DEFAULT_TERMS]
    if not any(each.vat_basis_points for each in terms):
        return []
    return [
        f"The fee policy charges VAT but {setting} is not set: its invoices would not be "
        "valid VAT invoices."
        for setting in missing
    ]
