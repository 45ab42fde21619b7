"""Who may use the service: signing in, access codes, invitations, colleagues, password
resets and the schools ELP admins manage. Every rule, transaction, audit event and email
for accounts lives in this package; views only call its functions.

- `users`: finding and opening accounts, ELP admins, what every way in shares
- `signing_in`: signing in, its lockout, and resetting a forgotten password
- `access_codes`: access codes ELP issues and a school's first lead redeems
- `invitations`: colleagues, and the invitations leads send them
- `leads`: making a colleague a school lead, and handing the role on
- `schools`: schools as ELP admins manage them
- `admin_users`: users across every school as ELP admins manage them, and new ELP admins
- `access_code_admin`: every school's access codes with their status, reissuing, bulk issue

Other features use accounts only through this package (its read functions, and the words
`DISTRICT_NAMES`, Essex's districts, and `ROLE_NAMES`), never its models; `.importlinter`
enforces it.

Callers import from the package (`services.sign_in`, `from elp.accounts.services import
colleagues`); a test that must replace a function patches the module it lives in.
"""

from elp.accounts import sessions, tokens
from elp.accounts.models import DISTRICT_NAMES, ROLE_NAMES
from elp.accounts.services.access_code_admin import (
    CodeFilter,
    bulk_issue,
    find_access_codes,
    issued_code_for_letter,
    reissue_access_code,
    schools_not_joined,
)
from elp.accounts.services.access_code_admin import status_of as access_code_status
from elp.accounts.services.access_codes import (
    ACCESS_CODE_PROBLEMS,
    find_school_access_code,
    issue_access_code,
    issue_new_access_code,
    join_problems,
    redeem_access_code,
    revoke_access_code,
    school_access_codes,
)
from elp.accounts.services.admin_users import (
    LAST_ADMIN,
    OWN_ACCOUNT,
    USERS_PER_PAGE,
    UserFilter,
    check_can_deactivate,
    create_admin_by_admin,
    deactivate_user,
    find_users,
    make_school_lead,
    pending_invitations,
    reactivate_user,
    resend_invitation,
    unmake_school_lead,
)
from elp.accounts.services.invitations import (
    accept_invitation,
    cancel_invitation,
    colleagues,
    find_colleague,
    find_school_invitation,
    invite_colleague,
    open_invitation,
    open_invitations,
    remove_colleague,
)
from elp.accounts.services.leads import (
    hand_over_lead,
    leads_of_schools,
    make_lead,
    school_leads,
)
from elp.accounts.services.schools import (
    SCHOOLS_PER_PAGE,
    SchoolFilter,
    add_school,
    admin_summary,
    establishment_types,
    find_school_by_urn,
    ids_of_schools_found_by,
    ids_of_schools_named_like,
    reactivate_school,
    refuse_unless_suspended,
    school_by_id,
    school_names,
    school_users,
    schools_by_urn,
    search_schools,
    suspend_school,
)
from elp.accounts.services.signing_in import (
    ACCOUNT_CLOSED,
    SIGN_IN_FAILURES_ALLOWED,
    TOO_MANY_SIGN_IN_FAILURES,
    WRONG_EMAIL_OR_PASSWORD,
    request_password_reset,
    reset_password,
    sign_in,
    user_for_reset_link,
)
from elp.accounts.services.users import (
    EMAIL_FORMAT,
    EMAIL_TAKEN,
    LinkUnusable,
    active_admins,
    check_email_format,
    create_admin,
    email_format_problem,
    find_user_by_email,
    name_of_user,
    suspension_message,
)
from elp.accounts.services.your_account import (
    change_details,
    change_password,
    confirm_email_change,
    email_change_for_link,
    request_email_change,
)

__all__ = [
    "ACCESS_CODE_PROBLEMS",
    "ACCOUNT_CLOSED",
    "DISTRICT_NAMES",
    "EMAIL_FORMAT",
    "EMAIL_TAKEN",
    "LAST_ADMIN",
    "OWN_ACCOUNT",
    "ROLE_NAMES",
    "SCHOOLS_PER_PAGE",
    "SIGN_IN_FAILURES_ALLOWED",
    "TOO_MANY_SIGN_IN_FAILURES",
    "USERS_PER_PAGE",
    "WRONG_EMAIL_OR_PASSWORD",
    "CodeFilter",
    "LinkUnusable",
    "SchoolFilter",
    "UserFilter",
    "accept_invitation",
    "access_code_status",
    "active_admins",
    "add_school",
    "admin_summary",
    "bulk_issue",
    "cancel_invitation",
    "change_details",
    "change_password",
    "check_can_deactivate",
    "check_email_format",
    "colleagues",
    "confirm_email_change",
    "create_admin",
    "create_admin_by_admin",
    "deactivate_user",
    "email_change_for_link",
    "email_format_problem",
    "establishment_types",
    "find_access_codes",
    "find_colleague",
    "find_school_access_code",
    "find_school_by_urn",
    "find_school_invitation",
    "find_user_by_email",
    "find_users",
    "hand_over_lead",
    "ids_of_schools_found_by",
    "ids_of_schools_named_like",
    "invite_colleague",
    "issue_access_code",
    "issue_new_access_code",
    "issued_code_for_letter",
    "join_problems",
    "leads_of_schools",
    "make_lead",
    "make_school_lead",
    "name_of_user",
    "open_invitation",
    "open_invitations",
    "pending_invitations",
    "reactivate_school",
    "reactivate_user",
    "redeem_access_code",
    "refuse_unless_suspended",
    "reissue_access_code",
    "remove_colleague",
    "request_email_change",
    "request_password_reset",
    "resend_invitation",
    "reset_password",
    "revoke_access_code",
    "school_access_codes",
    "school_by_id",
    "school_leads",
    "school_names",
    "school_users",
    "schools_by_urn",
    "schools_not_joined",
    "search_schools",
    "sessions",
    "sign_in",
    "suspend_school",
    "suspension_message",
    "tokens",
    "unmake_school_lead",
    "user_for_reset_link",
]
