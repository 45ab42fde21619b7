"""Every route, requested by every kind of visitor, answers with the status we expect.

Each row is (method, URL rule exactly as Flask registers it, expected statuses). The
statuses are for, in order: anonymous, a member of school A, the lead of school A, a member
of school B, an ELP admin. Objects in URLs belong to school A (see `url_values`), so a
school B column proves another school is kept out. POSTs are sent with an empty form.

Add a row for every route you add, in your feature's section; `test_every_route_is_listed`
fails until you do. Add the objects your URLs need to `url_values`.
"""

import re

import pytest

from elp.accounts import sessions, tokens
from elp.accounts.models import AccessCode, Invitation, SchoolImportRun
from elp.api import services as api_services
from elp.billing import services as billing_services
from elp.extensions import db as _db
from elp.notifications.models import Notification, OutboxEmail
from elp.search import saved_searches
from elp.timeutil import utcnow
from tests.factories import (
    committed,
    days,
    make_admin,
    make_booking,
    make_lead,
    make_member,
    make_offer,
    make_request,
    make_school,
)

ROLES = ("anonymous", "member_a", "lead_a", "member_b", "admin")
# The reports' names, as the report routes' converter lists them.
REPORT = (
    '<any("activity", "conversion", "specialisms", "districts", "unmet-demand", '
    '"schools-joined"):report>'
)
INVITATION_TOKEN = "invitation-token-for-school-a"

#        method  rule                                                   anon member_a lead_a member_b admin
ROUTES = [
    # accounts
    ("GET",  "/",                                                       (200, 200, 200, 200, 200)),
    ("GET",  "/accessibility",                                          (200, 200, 200, 200, 200)),
    ("GET",  "/privacy",                                                (200, 200, 200, 200, 200)),
    # pages about the service
    ("GET",  "/contact",                                                (200, 200, 200, 200, 200)),
    ("GET",  "/cookies",                                                (200, 200, 200, 200, 200)),
    ("GET",  "/sign-in",                                                (200, 302, 302, 302, 302)),
    ("POST", "/sign-in",                                                (200, 302, 302, 302, 302)),
    ("GET",  "/sign-out",                                               (302, 200, 200, 200, 200)),
    ("POST", "/sign-out",                                               (302, 302, 302, 302, 302)),
    ("GET",  "/join",                                                   (200, 200, 200, 200, 200)),
    ("POST", "/join",                                                   (200, 200, 200, 200, 200)),
    ("GET",  "/forgot-password",                                        (200, 200, 200, 200, 200)),
    ("POST", "/forgot-password",                                        (200, 200, 200, 200, 200)),
    ("GET",  "/reset-password/<reset_token>",                           (200, 200, 200, 200, 200)),
    ("POST", "/reset-password/<reset_token>",                           (200, 200, 200, 200, 200)),
    ("GET",  "/invitations/<invitation_token>",                         (200, 200, 200, 200, 200)),
    ("POST", "/invitations/<invitation_token>",                         (200, 200, 200, 200, 200)),
    # Members see their colleagues and who their lead is; only leads change anything.
    ("GET",  "/school/colleagues",                                      (302, 200, 200, 200, 403)),
    ("GET",  "/school/colleagues/invite",                               (302, 403, 200, 403, 403)),
    ("POST", "/school/colleagues/invite",                               (302, 403, 200, 403, 403)),
    ("GET",  "/school/colleagues/<int:user_id>/remove",                 (302, 403, 200, 403, 403)),
    ("POST", "/school/colleagues/<int:user_id>/remove",                 (302, 403, 302, 403, 403)),
    ("GET",  "/school/colleagues/<int:user_id>/make-lead",              (302, 403, 200, 403, 403)),
    ("POST", "/school/colleagues/<int:user_id>/make-lead",              (302, 403, 302, 403, 403)),
    ("GET",  "/school/colleagues/<int:user_id>/hand-over",              (302, 403, 200, 403, 403)),
    ("POST", "/school/colleagues/<int:user_id>/hand-over",              (302, 403, 302, 403, 403)),
    ("GET",  "/school/colleagues/invitations/<int:invitation_id>/cancel", (302, 403, 200, 403, 403)),
    ("POST", "/school/colleagues/invitations/<int:invitation_id>/cancel", (302, 403, 302, 403, 403)),
    # Sessions belong to one user: anyone else's session id is a 404, as if it did not exist.
    ("GET",  "/account/sessions",                                       (302, 200, 200, 200, 200)),
    ("POST", "/account/sessions/<int:session_id>/end",                  (302, 302, 404, 404, 404)),
    ("POST", "/account/sessions/end-others",                            (302, 302, 302, 302, 302)),
    # Your account: everyone signed in changes only their own; an empty form is refused
    # with its errors (200), but the details form starts from what the account says, so
    # an empty one saves it as it was (302). The email link is member A's: the link itself
    # is the proof.
    ("GET",  "/account",                                                (302, 200, 200, 200, 200)),
    ("GET",  "/account/details",                                        (302, 200, 200, 200, 200)),
    ("POST", "/account/details",                                        (302, 302, 302, 302, 302)),
    ("GET",  "/account/password",                                       (302, 200, 200, 200, 200)),
    ("POST", "/account/password",                                       (302, 200, 200, 200, 200)),
    ("GET",  "/account/email",                                          (302, 200, 200, 200, 200)),
    ("POST", "/account/email",                                          (302, 200, 200, 200, 200)),
    ("GET",  "/account/email/confirm/<email_token>",                    (200, 200, 200, 200, 200)),
    ("POST", "/account/email/confirm/<email_token>",                    (302, 302, 302, 302, 302)),
    # admin
    ("GET",  "/admin/",                                                 (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools",                                          (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools/new",                                      (302, 403, 403, 403, 200)),
    ("POST", "/admin/schools/new",                                      (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools/<int:school_id>",                          (302, 403, 403, 403, 200)),
    ("POST", "/admin/schools/<int:school_id>/access-codes",             (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools/<int:school_id>/access-codes/<int:access_code_id>/revoke",
                                                                        (302, 403, 403, 403, 200)),
    ("POST", "/admin/schools/<int:school_id>/access-codes/<int:access_code_id>/revoke",
                                                                        (302, 403, 403, 403, 302)),
    ("GET",  "/admin/schools/<int:school_id>/suspend",                  (302, 403, 403, 403, 200)),
    ("POST", "/admin/schools/<int:school_id>/suspend",                  (302, 403, 403, 403, 200)),
    # School A is active, so reactivating it is refused: 409 shows the admin got through.
    ("GET",  "/admin/schools/<int:school_id>/reactivate",               (302, 403, 403, 403, 409)),
    ("POST", "/admin/schools/<int:school_id>/reactivate",               (302, 403, 403, 403, 409)),
    ("GET",  "/admin/schools/import",                                   (302, 403, 403, 403, 200)),
    ("POST", "/admin/schools/import",                                   (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools/import/<int:run_id>",                      (302, 403, 403, 403, 200)),
    # audit log (read-only)
    ("GET",  "/admin/audit-log",                                        (302, 403, 403, 403, 200)),
    ("GET",  "/admin/audit-log.csv",                                    (302, 403, 403, 403, 200)),
    # reports (read-only); each report by name in tests/reports/test_report_pages.py
    ("GET",  "/admin/reports",                                          (302, 403, 403, 403, 200)),
    ("GET",  f"/admin/reports/{REPORT}",                                (302, 403, 403, 403, 200)),
    ("GET",  f"/admin/reports/{REPORT}.csv",                            (302, 403, 403, 403, 200)),
    ("GET",  f"/admin/reports/{REPORT}/<chart>.svg",                    (302, 403, 403, 403, 200)),
    # offers (school A's offer is a draft: school B gets a 404, as for any offer it may not see)
    ("GET",  "/offers/mine",                                            (302, 200, 200, 200, 403)),
    ("GET",  "/offers/new",                                             (302, 200, 200, 200, 403)),
    ("POST", "/offers/new",                                             (302, 200, 200, 200, 403)),
    ("GET",  "/offers/<int:offer_id>",                                  (302, 200, 200, 404, 200)),
    ("GET",  "/offers/<int:offer_id>/preview",                          (302, 200, 200, 404, 403)),
    ("GET",  "/offers/<int:offer_id>/edit",                             (302, 200, 200, 404, 403)),
    ("POST", "/offers/<int:offer_id>/edit",                             (302, 200, 200, 404, 403)),
    ("GET",  "/offers/<int:offer_id>/archive",                          (302, 200, 200, 404, 403)),
    ("POST", "/offers/<int:offer_id>/archive",                          (302, 302, 302, 404, 403)),
    ("POST", "/offers/<int:offer_id>/<any(publish, pause, resume):action>",
                                                                        (302, 302, 302, 404, 403)),
    ("GET",  "/admin/offers",                                           (302, 403, 403, 403, 200)),
    ("GET",  "/admin/offers/<int:offer_id>/hide",                       (302, 403, 403, 403, 409)),
    ("POST", "/admin/offers/<int:offer_id>/hide",                       (302, 403, 403, 403, 409)),
    # The offer is not hidden, so unhiding it is refused: 409 shows the admin got through.
    ("POST", "/admin/offers/<int:offer_id>/unhide",                     (302, 403, 403, 403, 409)),
    ("GET",  "/admin/offers/import",                                    (302, 403, 403, 403, 200)),
    ("POST", "/admin/offers/import",                                    (302, 403, 403, 403, 200)),
    ("GET",  "/admin/categories",                                       (302, 403, 403, 403, 200)),
    ("POST", "/admin/categories",                                       (302, 403, 403, 403, 200)),
    ("GET",  "/admin/categories/<int:category_id>/edit",                (302, 403, 403, 403, 200)),
    ("POST", "/admin/categories/<int:category_id>/edit",                (302, 403, 403, 403, 200)),
    # bookings (school A offered the booking; school B is no party to it)
    ("GET",  "/bookings",                                               (302, 200, 200, 200, 403)),
    ("GET",  "/bookings/<int:booking_id>",                              (302, 200, 200, 404, 403)),
    ("GET",  "/bookings/<int:booking_id>/calendar.ics",                 (302, 200, 200, 404, 403)),
    # The booking's dates have not started: 409 shows school A got through.
    ("GET",  "/bookings/<int:booking_id>/deliver",                      (302, 409, 409, 404, 403)),
    ("POST", "/bookings/<int:booking_id>/deliver",                      (302, 409, 409, 404, 403)),
    # Not delivered, so no problem can be reported yet.
    ("GET",  "/bookings/<int:booking_id>/report-problem",               (302, 409, 409, 404, 403)),
    ("POST", "/bookings/<int:booking_id>/report-problem",               (302, 409, 409, 404, 403)),
    ("GET",  "/bookings/<int:booking_id>/session-dates",                (302, 200, 200, 404, 403)),
    ("POST", "/bookings/<int:booking_id>/session-dates",                (302, 200, 200, 404, 403)),
    # ELP admins settle a problem reported; school A's booking is not disputed: 409.
    ("GET",  "/admin/bookings",                                         (302, 403, 403, 403, 200)),
    ("GET",  "/admin/bookings/<int:booking_id>",                        (302, 403, 403, 403, 200)),
    ("POST", "/admin/bookings/<int:booking_id>",                        (302, 403, 403, 403, 409)),
    # The booking is confirmed, not delivered or completed: 409 shows school A got through.
    ("POST", "/bookings/<int:booking_id>/complete",                     (302, 409, 409, 404, 403)),
    ("GET",  "/bookings/<int:booking_id>/cancel",                       (302, 200, 200, 404, 403)),
    ("POST", "/bookings/<int:booking_id>/cancel",                       (302, 200, 200, 404, 403)),
    ("POST", "/bookings/<int:booking_id>/feedback",                     (302, 409, 409, 404, 403)),
    # charges (school A pays the charge; school B does not, and admins review charges elsewhere)
    ("GET",  "/charges",                                                (302, 200, 200, 200, 403)),
    ("GET",  "/charges/<int:charge_id>",                                (302, 200, 200, 404, 403)),
    ("GET",  "/charges/<int:charge_id>/invoice.pdf",                    (302, 200, 200, 404, 403)),
    # school A gives its purchase order number for the invoice it pays
    ("GET",  "/charges/<int:charge_id>/purchase-order",                 (302, 200, 200, 404, 403)),
    ("POST", "/charges/<int:charge_id>/purchase-order",                 (302, 200, 200, 404, 403)),
    # a school's statement: its own, for every user of the school
    ("GET",  "/charges/statement",                                      (302, 200, 200, 200, 403)),
    ("GET",  "/charges/statement.pdf",                                  (302, 200, 200, 200, 403)),
    ("GET",  "/charges/statement.csv",                                  (302, 200, 200, 200, 403)),
    ("POST", "/charges/statement/email",                                (302, 403, 302, 403, 403)),
    # a school's finance settings: its leads only
    ("GET",  "/charges/settings",                                       (302, 403, 200, 403, 403)),
    ("POST", "/charges/settings",                                       (302, 403, 200, 403, 403)),
    # credit notes (against an invoice school A pays; another school's credit note is a 404)
    ("GET",  "/charges/credit-notes/<int:credit_note_id>",              (302, 200, 200, 404, 403)),
    ("GET",  "/charges/credit-notes/<int:credit_note_id>/credit-note.pdf", (302, 200, 200, 404, 403)),
    # negotiation (school A asks school C for support; `offer_id` is school A's own draft, so
    # school A may not request it (409) and school B may not see it (404))
    ("GET",  "/offers/<int:offer_id>/request",                          (302, 409, 409, 404, 403)),
    ("POST", "/offers/<int:offer_id>/request",                          (302, 409, 409, 404, 403)),
    ("GET",  "/requests/<int:request_id>",                              (302, 200, 200, 404, 403)),
    # School A wrote the latest proposal, so it may not accept it: 409 shows it got through.
    ("GET",  "/requests/<int:request_id>/accept",                       (302, 409, 409, 404, 403)),
    ("POST", "/requests/<int:request_id>/accept",                       (302, 409, 409, 404, 403)),
    ("GET",  "/requests/<int:request_id>/counter",                      (302, 200, 200, 404, 403)),
    ("POST", "/requests/<int:request_id>/counter",                      (302, 200, 200, 404, 403)),
    # Only the offering school declines: 409 shows school A got through.
    ("GET",  "/requests/<int:request_id>/decline",                      (302, 409, 409, 404, 403)),
    ("POST", "/requests/<int:request_id>/decline",                      (302, 409, 409, 404, 403)),
    ("GET",  "/requests/<int:request_id>/withdraw",                     (302, 200, 200, 404, 403)),
    ("POST", "/requests/<int:request_id>/withdraw",                     (302, 302, 302, 404, 403)),
    ("POST", "/requests/<int:request_id>/messages",                     (302, 200, 200, 404, 403)),
    # search
    ("GET",  "/search",                                                 (302, 200, 200, 200, 200)),
    ("GET",  "/search?q=phonics&phase=KS1&sort=distance",               (302, 200, 200, 200, 200)),
    # Saved searches belong to one user: the lead of the same school gets a 404 too.
    ("GET",  "/search/saved",                                           (302, 200, 200, 200, 403)),
    ("POST", "/search/saved",                                           (302, 302, 302, 302, 403)),
    ("GET",  "/search/saved/<int:saved_search_id>/results",             (302, 302, 404, 404, 403)),
    ("GET",  "/search/saved/<int:saved_search_id>/delete",              (302, 200, 404, 404, 403)),
    ("POST", "/search/saved/<int:saved_search_id>/delete",              (302, 302, 404, 404, 403)),
    ("POST", "/search/saved/<int:saved_search_id>/alerts",              (302, 302, 404, 404, 403)),
    ("GET",  "/search/saved/unsubscribe/<unsubscribe_token>",           (200, 200, 200, 200, 200)),
    ("POST", "/search/saved/unsubscribe/<unsubscribe_token>",           (200, 200, 200, 200, 200)),
    # requests inbox (school users only; each school sees only its own requests)
    ("GET",  "/requests",                                               (302, 200, 200, 200, 403)),
    ("GET",  "/requests?box=sent&status=expired&page=2",                (302, 200, 200, 200, 403)),
    # notifications belong to one user: anyone else's is a 404, as if it did not exist
    ("GET",  "/notifications",                                          (302, 200, 200, 200, 403)),
    ("GET",  "/notifications/<int:notification_id>",                    (302, 302, 404, 404, 403)),
    ("POST", "/notifications/read-all",                                 (302, 302, 302, 302, 403)),
    ("GET",  "/account/notifications",                                  (302, 200, 200, 200, 403)),
    ("POST", "/account/notifications",                                  (302, 302, 302, 302, 403)),
    # emails not sent: ELP admins only (the email is failed, so sending it again works)
    ("GET",  "/admin/emails-not-sent",                                  (302, 403, 403, 403, 200)),
    ("POST", "/admin/emails-not-sent/<int:email_id>/send-again",        (302, 403, 403, 403, 302)),
    # api
    ("GET",  "/api/v1/offers",                                          (401, 200, 200, 200, 200)),
    ("GET",  "/api/v1/openapi.json",                                    (200, 200, 200, 200, 200)),
    ("GET",  "/admin/api-tokens",                                       (302, 403, 403, 403, 200)),
    ("POST", "/admin/api-tokens",                                       (302, 403, 403, 403, 200)),
    ("POST", "/admin/api-tokens/<int:token_id>/revoke",                 (302, 403, 403, 403, 302)),
    # background jobs: ELP admins only
    ("GET",  "/admin/jobs",                                             (302, 403, 403, 403, 200)),
    # service charges: ELP admins only (the charge is school A's booking's, still pending)
    ("GET",  "/admin/charges",                                          (302, 403, 403, 403, 200)),
    ("GET",  "/admin/charges/export.csv",                               (302, 403, 403, 403, 200)),
    ("GET",  "/admin/charges/<int:charge_id>",                          (302, 403, 403, 403, 200)),
    ("GET",  "/admin/charges/<int:charge_id>/record-payment",           (302, 403, 403, 403, 200)),
    ("POST", "/admin/charges/<int:charge_id>/record-payment",           (302, 403, 403, 403, 200)),
    ("GET",  "/admin/charges/<int:charge_id>/waive",                    (302, 403, 403, 403, 200)),
    ("POST", "/admin/charges/<int:charge_id>/waive",                    (302, 403, 403, 403, 200)),
    # Nothing has been paid, so there is nothing to refund: 409 shows the admin got through.
    ("GET",  "/admin/charges/<int:charge_id>/refund",                   (302, 403, 403, 403, 409)),
    ("POST", "/admin/charges/<int:charge_id>/refund",                   (302, 403, 403, 403, 409)),
    ("POST", "/admin/charges/<int:charge_id>/dealt-with",               (302, 403, 403, 403, 302)),
    # admins see what schools see: the invoice and credit notes, as pages and PDFs
    ("GET",  "/admin/charges/<int:charge_id>/invoice",                  (302, 403, 403, 403, 200)),
    ("GET",  "/admin/charges/<int:charge_id>/invoice.pdf",              (302, 403, 403, 403, 200)),
    ("GET",  "/admin/credit-notes/<int:credit_note_id>",                (302, 403, 403, 403, 200)),
    ("GET",  "/admin/credit-notes/<int:credit_note_id>/credit-note.pdf", (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools/<int:school_id>/statement",                (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools/<int:school_id>/statement.pdf",            (302, 403, 403, 403, 200)),
    ("GET",  "/admin/schools/<int:school_id>/statement.csv",            (302, 403, 403, 403, 200)),
    ("POST", "/admin/schools/<int:school_id>/statement/email",          (302, 403, 403, 403, 302)),
    ("GET",  "/admin/fee-policy",                                       (302, 403, 403, 403, 200)),
    ("POST", "/admin/fee-policy",                                       (302, 403, 403, 403, 200)),
    # paying a service charge (school A pays this one; without Stripe keys paying through
    # Stripe is refused: 409 shows school A got through)
    ("POST", "/charges/<int:charge_id>/pay/card",                       (302, 409, 409, 404, 403)),
    ("POST", "/charges/<int:charge_id>/pay/bank-transfer",              (302, 409, 409, 404, 403)),
    ("GET",  "/charges/<int:charge_id>/payment-received",               (302, 200, 200, 404, 403)),
    # Stripe's webhook: anyone may call it, and an unsigned body is refused
    ("POST", "/stripe/webhook",                                         (400, 400, 400, 400, 400)),
    # operations: anyone may ask how the service is; in the test no worker has ever beaten
    # (and no index is built), so the health check fails: 503. /metrics without
    # ELP_METRICS_TOKEN configured does not exist.
    ("GET",  "/healthz",                                                (503, 503, 503, 503, 503)),
    ("GET",  "/metrics",                                                (404, 404, 404, 404, 404)),
    # moderation queue (school A's draft offer is not in the queue: 409 shows the admin got through)
    ("GET",  "/admin/moderation",                                       (302, 403, 403, 403, 200)),
    ("POST", "/admin/moderation/<int:offer_id>/approve",                (302, 403, 403, 403, 409)),
    # users across schools (member A is active and no lead, so "unmake lead" and "reactivate"
    # are refused: 409 shows the admin got through; an empty form is refused with errors: 200)
    ("GET",  "/admin/users",                                            (302, 403, 403, 403, 200)),
    ("GET",  "/admin/users/<int:user_id>",                              (302, 403, 403, 403, 200)),
    ("GET",  "/admin/users/<int:user_id>/deactivate",                   (302, 403, 403, 403, 200)),
    ("POST", "/admin/users/<int:user_id>/deactivate",                   (302, 403, 403, 403, 200)),
    ("POST", "/admin/users/<int:user_id>/reactivate",                   (302, 403, 403, 403, 409)),
    ("POST", "/admin/users/<int:user_id>/make-lead",                    (302, 403, 403, 403, 302)),
    ("POST", "/admin/users/<int:user_id>/unmake-lead",                  (302, 403, 403, 403, 409)),
    ("POST", "/admin/invitations/<int:invitation_id>/resend",           (302, 403, 403, 403, 302)),
    ("GET",  "/admin/users/new-admin",                                  (302, 403, 403, 403, 200)),
    ("POST", "/admin/users/new-admin",                                  (302, 403, 403, 403, 200)),
    # access codes (school A's code is unused: revoking and reissuing it work for admins)
    ("GET",  "/admin/access-codes",                                     (302, 403, 403, 403, 200)),
    ("GET",  "/admin/access-codes/<int:access_code_id>/revoke",         (302, 403, 403, 403, 200)),
    ("POST", "/admin/access-codes/<int:access_code_id>/revoke",         (302, 403, 403, 403, 302)),
    ("POST", "/admin/access-codes/<int:access_code_id>/reissue",        (302, 403, 403, 403, 200)),
    # No code is sent, so no letter is made: 409 shows the admin got through.
    ("POST", "/admin/access-codes/<int:access_code_id>/letter.pdf",     (302, 403, 403, 403, 409)),
    ("GET",  "/admin/access-codes/bulk",                                (302, 403, 403, 403, 200)),
    ("POST", "/admin/access-codes/bulk",                                (302, 403, 403, 403, 200)),
    # settings (an empty form is refused with its errors: 200)
    ("GET",  "/admin/settings",                                         (302, 403, 403, 403, 200)),
    ("GET",  "/admin/settings/days",                                    (302, 403, 403, 403, 200)),
    ("POST", "/admin/settings/days",                                    (302, 403, 403, 403, 200)),
    ("GET",  "/admin/settings/synonyms",                                (302, 403, 403, 403, 200)),
    ("POST", "/admin/settings/synonyms",                                (302, 403, 403, 403, 200)),
]


@pytest.fixture
def url_values(db):
    """The people who visit, and the objects routes point at (all belonging to school A)."""
    school_a = make_school(name="School A")
    school_b = make_school(name="School B")
    member_a = make_member(school_a)
    lead_a = make_lead(school_a)
    people = {
        "anonymous": None,
        "member_a": member_a,
        "lead_a": lead_a,
        "member_b": make_member(school_b),
        "admin": make_admin(),
    }
    invitation = Invitation(
        school=school_a,
        email="new.colleague@school-a.example",
        token_hash=tokens.hash_secret(INVITATION_TOKEN),
        invited_by=lead_a,
        expires_at=utcnow() + days(7),
    )
    access_code = AccessCode(
        school=school_a,
        code_hash=tokens.hash_access_code("AAAA-BBBB-CCCC"),
        hint="CCCC",
        expires_at=utcnow() + days(30),
    )
    school_import_run = SchoolImportRun(file_name="gias.csv", la_code="881", bytes_total=100)
    _db.session.add_all([invitation, access_code, school_import_run])
    _db.session.commit()
    saved_search, _ = committed(saved_searches.save_search, member_a, {"q": "phonics"})
    api_token, _ = committed(api_services.issue_token, "Dashboard")
    sessions.begin_session(member_a, "Firefox on a staffroom computer")
    _db.session.commit()
    member_a_elsewhere = sessions.signed_in_sessions(member_a)[0]
    offer = make_offer(
        school_a, "School A's draft offer", status="draft", published_at=None,
        serves_all_districts=True,
    )  # fmt: skip
    booking = make_booking(offer=make_offer(school_a), seeking_school=make_school())
    notification = Notification(
        user_id=member_a.id, kind="message", text="A message", link=f"/offers/{offer.id}"
    )
    failed_email = OutboxEmail(
        to="gone@school-a.example", subject="A message", body="A message.",
        message_id="<failed-email@elp-exchange.example>", retry_until=utcnow(),
        failed_at=utcnow(), attempts=1, last_error="550 No such user",
    )
    _db.session.add_all([notification, failed_email])
    _db.session.commit()
    support_request = make_request(make_offer(make_school(name="School C")), author=member_a)
    # School A seeks this booking, so it pays its service charge.
    paid_by_a = make_booking(offer=make_offer(make_school(name="School D")), seeking_school=school_a)
    # A charge school A paid nothing of, waived: its credit note is school A's.
    waived_for_a = make_booking(
        offer=make_offer(make_school(name="School E")), seeking_school=school_a
    )
    credit_note = billing_services.waive(
        billing_services.charges_for_booking(waived_for_a)[0], "Pilot school", make_admin()
    )
    _db.session.commit()
    values = {
        "school_id": school_a.id,
        "user_id": member_a.id,
        "invitation_id": invitation.id,
        "invitation_token": INVITATION_TOKEN,
        "access_code_id": access_code.id,
        "run_id": school_import_run.id,
        "reset_token": tokens.make_reset_token(member_a),
        "email_token": tokens.make_email_change_token(member_a, "member.a@new.example"),
        "saved_search_id": saved_search.id,
        "unsubscribe_token": saved_searches.unsubscribe_token(saved_search),
        "token_id": api_token.id,
        "offer_id": offer.id,
        "action": "publish",
        "category_id": offer.category_id,
        "session_id": member_a_elsewhere.id,
        "booking_id": booking.id,
        "notification_id": notification.id,
        "email_id": failed_email.id,
        "request_id": support_request.id,
        "charge_id": billing_services.charges_for_booking(paid_by_a)[0].id,
        "credit_note_id": credit_note.id,
        "report": "unmet-demand",
        "chart": "searches",
    }
    return people, values


def build_url(rule, values):
    """Fill a rule's <converter:name> parts from `values`."""
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", lambda part: str(values[part.group(1)]), rule)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "rule", "expected"),
    ROUTES,
    ids=[f"{method} {rule}" for method, rule, _ in ROUTES],
)
def test_each_route_answers_each_role_as_expected(
    client, login_as, url_values, method, rule, expected, role
):
    people, values = url_values
    if people[role] is not None:
        login_as(people[role])
    response = client.open(build_url(rule, values), method=method, data={})
    assert response.status_code == expected[ROLES.index(role)]


def test_every_route_is_listed(app):
    listed = {(method, rule) for method, rule, _ in ROUTES}
    missing = [
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if (method, rule.rule) not in listed
    ]
    assert missing == [], "add these routes to ROUTES in tests/test_access_by_role.py"
