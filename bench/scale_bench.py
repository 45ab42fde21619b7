"""England-scale data benchmark: every admin report, and a busy school's inbox, home page and
charges page, over a PostgreSQL database the size of every school in England.

    python bench/scale_bench.py                       # full size, PostgreSQL on 127.0.0.1
    python bench/scale_bench.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/scale_bench.py --smoke               # tiny counts, SQLite unless --postgres

Creates a database of its own on the PostgreSQL server given (`elp_scale_bench_<pid>`, never
a test database), builds the schema with `elp db upgrade`, then loads 22 000 schools,
100 000 offers, 1 000 000 support requests (each with its first proposal), 300 000 bookings
with their fee terms and service charges, and the searches, audit events and notifications
the reports and pages read, in bulk: COPY on PostgreSQL (multi-row INSERT on SQLite, for the
smoke run), straight into the models' tables, with the ids written out so rows refer to each
other without reading anything back. It then VACUUMs and ANALYZEs (autovacuum's work,
so index-only scans are possible), and times, in-process through the
Flask test client as an admin and as a school lead, every admin report (target ≤ 1 s each),
the audit log and the charges list, and the busiest school's Requests inbox, home page and
Charges page (2 000 requests received; target p95 ≤ 50 ms). Prints each figure and its ratio
to its target, and drops the database at the end (`--keep` keeps it, to EXPLAIN queries).

The figures and the query plans before and after the indexes are in bench/scale.md. Only
the smoke run is part of the test run; its figures are not a measurement.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL = {"schools": 22_000, "offers": 100_000, "requests": 1_000_000, "bookings": 300_000,
        "busy": 2_000, "searches": 200_000, "notifications": 100_000}
SMOKE = {"schools": 60, "offers": 120, "requests": 600, "bookings": 180,
         "busy": 40, "searches": 100, "notifications": 100}
SMOKE_NOTICE = "Smoke run: tiny counts, checks the benchmark still runs; not a measurement."
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REPORT_TARGET, PAGE_TARGET = 1.0, 0.050
REPORT_RUNS, PAGE_RUNS = 5, 60
BUSY_SCHOOL = 1  # receives `busy` requests on its offers, and sends some of its own
CATEGORIES = ["Reading and phonics", "Mathematics", "Special educational needs",
              "Leadership", "Early years", "Behaviour and attendance", "Science", "Wellbeing"]
SPECIALISMS = [f"Specialism {number}" for number in range(1, 41)]
WORDS = ["phonics", "autism", "maths mastery", "dyslexia", "governance", "attendance",
         "early reading", "speech and language", "forest school", "oracy", "sensory circuits",
         "latin", "coding", "outdoor learning", "makaton", "zones of regulation"]
BATCH = 5_000
SENT_EVERY = 2_000  # the busy school sends one request in this many (500 at full size)


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL server's URL (its database is not "
                        f"touched; one of the bench's own is made); default {DEFAULT_SERVER}")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny counts; on SQLite unless --postgres is given")
    parser.add_argument("--keep", action="store_true", help="keep the database, print its URL")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--existing", metavar="URL", help="time a database a --keep run left "
                        "(after `elp db upgrade` on it, so new indexes are there); load nothing")
    parser.add_argument("--only", default="", help="with --existing: only the pages whose "
                        "label contains this")
    parser.add_argument("--explain", type=float, metavar="MS",
                        help="with --existing: visit each page once and print EXPLAIN ANALYZE "
                        "of every query slower than MS milliseconds, instead of timing")
    options = parser.parse_args()
    if not options.smoke and not options.postgres:
        options.postgres = DEFAULT_SERVER
    return options


# ---------------------------------------------------------------------------------- database


class Database:
    """The bench's own database: made on the server given (or a SQLite file), dropped after."""

    def __init__(self, server_url, work, prefix="elp_scale_bench"):
        from sqlalchemy.engine import make_url

        self.work = work
        if server_url is None:
            self.url = f"sqlite:///{work / 'bench.db'}"
            self.server = None
            return
        server = make_url(server_url)
        if server.host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("The benchmark only ever uses a PostgreSQL server on this machine")
        self.server = server
        self.name = f"{prefix}_{os.getpid()}"
        self.url = server.set(database=self.name).render_as_string(hide_password=False)

    @property
    def postgres(self):
        return self.server is not None

    def _admin(self, statement):
        import psycopg

        server = self.server
        with psycopg.connect(host=server.host, port=server.port or 5432, user=server.username,
                             password=server.password, dbname=server.database or "postgres",
                             autocommit=True) as connection:
            connection.execute(statement)

    def create(self):
        if self.postgres:
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def upgrade(url):
    """Build the schema as a deployment does: `elp db upgrade`."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ELP_")}
    environment.update(ELP_DATABASE_URL=url, ELP_ENV="development")
    elp = Path(sys.executable).parent / "elp"
    command = [str(elp)] if elp.exists() else [sys.executable, "-m", "elp.cli"]
    subprocess.run([*command, "db", "upgrade"], cwd=ROOT, env=environment, check=True,
                   capture_output=True)


class Loader:
    """Writes rows straight into a model's table: COPY on PostgreSQL, multi-row INSERT on
    SQLite. Columns not given take the column's plain default, or NULL."""

    def __init__(self, connection, postgres):
        self.connection = connection
        self.postgres = postgres
        self.counts = {}

    def load(self, table, columns, rows):
        from sqlalchemy import JSON

        from elp.extensions import db

        table = db.metadata.tables[table]
        extra = [column for column in table.columns
                 if column.name not in columns and not column.nullable
                 and not (column.primary_key and column.autoincrement is True)]
        defaults = [_plain_default(column) for column in extra]
        names = list(columns) + [column.name for column in extra]
        json_at = [index for index, name in enumerate(names)
                   if isinstance(table.c[name].type, JSON)]
        count = 0
        if self.postgres:
            quoted = ", ".join(f'"{name}"' for name in names)
            cursor = self.connection.connection.dbapi_connection.cursor()
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    row = list(row) + defaults
                    for index in json_at:
                        row[index] = json.dumps(row[index])
                    copy.write_row(row)
                    count += 1
        else:
            batch = []
            for row in rows:
                batch.append(dict(zip(names, list(row) + defaults, strict=True)))
                if len(batch) == BATCH:
                    self.connection.execute(table.insert(), batch)
                    count += len(batch)
                    batch = []
            if batch:
                self.connection.execute(table.insert(), batch)
                count += len(batch)
        self.counts[table.name] = self.counts.get(table.name, 0) + count


def _plain_default(column):
    from sqlalchemy import Boolean, Integer

    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    if column.name == "version":
        return 1
    if isinstance(column.type, Boolean):
        return False
    if isinstance(column.type, Integer):
        return 0
    return ""


# ------------------------------------------------------------------------------------ data


def generate(loader, counts, seed, now):
    """England's worth of schools, offers, requests, bookings and charges, with the busiest
    school first. Returns the busy school's lead's and an admin's user ids."""
    from elp.accounts.models import DISTRICT_NAMES

    rng = random.Random(seed)
    schools, offers, requests = counts["schools"], counts["offers"], counts["requests"]
    bookings_wanted, busy = counts["bookings"], counts["busy"]
    two_years = 730 * 86_400

    def ago(seconds):
        return now - timedelta(seconds=seconds)

    # Schools: every fourth one has not joined (no user account). A school's lead is the
    # user with the school's id; the admin comes after them.
    def joined(school):
        return school % 4 != 0

    phases = ["Primary", "Secondary", "All-through", "Special", "Nursery"]
    loader.load("school", ["id", "urn", "name", "search_name", "la_code", "la_name",
                           "district", "phase", "town", "postcode", "status", "created_at",
                           "updated_at"],
                ((s, f"{100000 + s}", f"School {s}", f"school {s}", f"{800 + s % 150}",
                  f"Authority {s % 150}", DISTRICT_NAMES[s % len(DISTRICT_NAMES)],
                  phases[s % len(phases)], f"Town {s % 900}", f"CM{s % 99} {s % 9}AB",
                  "active", ago(two_years), ago(two_years)) for s in range(1, schools + 1)))
    admin_id = schools + 1
    loader.load("user", ["id", "email", "full_name", "password_hash", "role", "school_id",
                         "active", "created_at", "last_sign_in_at"],
                [(s, f"lead{s}@school{s}.example", f"Lead {s}", "!", "lead", s, True,
                  ago(rng.randrange(two_years)), ago(rng.randrange(86_400 * 30)))
                 for s in range(1, schools + 1) if joined(s)]
                + [(admin_id, "admin@elp.example", "An Admin", "!", "admin", None, True,
                    ago(two_years), now)])
    member_ids = [s for s in range(1, schools + 1) if joined(s)]

    loader.load("category", ["id", "name", "position"],
                ((number, name, number) for number, name in enumerate(CATEGORIES, 1)))
    loader.load("specialism", ["id", "name"],
                ((number, name) for number, name in enumerate(SPECIALISMS, 1)))

    # Offers: one joined school in seven offers; the busy school has 20 offers.
    offering = [s for s in member_ids if s % 7 == 1 and s != BUSY_SCHOOL]
    offer_school = {}
    busy_offers = list(range(1, min(21, offers) + 1))
    for offer in range(1, offers + 1):
        offer_school[offer] = (BUSY_SCHOOL if offer in busy_offers
                              else offering[offer % len(offering)])
    units = ["day", "half_day", "session", "hour"]
    modes = ["at_your_school", "at_our_school", "online"]
    offer_price = {offer: 5_000 * (1 + offer % 80) for offer in offer_school}
    loader.load("offer", ["id", "school_id", "title", "title_key", "summary", "description",
                          "category_id", "serves_all_districts", "delivery_mode", "expert_name",
                          "unit", "price_pence", "price_on_request", "capacity", "units_booked",
                          "status", "created_at", "updated_at", "published_at", "version"],
                ((offer, school, f"Offer {offer} on {WORDS[offer % len(WORDS)]}",
                  f"offer {offer} on {WORDS[offer % len(WORDS)]}",
                  f"Support with {WORDS[offer % len(WORDS)]}", "Support from our staff.",
                  1 + offer % len(CATEGORIES), offer % 3 == 0, modes[offer % 3],
                  f"Expert {offer}", units[offer % 4], offer_price[offer], False, 1_000, 0,
                  "published" if offer % 20 else "paused", ago(two_years), ago(two_years),
                  ago(two_years), 1) for offer, school in offer_school.items()))
    loader.load("offer_specialism", ["offer_id", "specialism_id"],
                ((offer, 1 + (offer + step * (1 + offer % 13)) % len(SPECIALISMS))
                 for offer in offer_school for step in (0, 1)))

    # Requests, each with its first proposal (the same id). The busy school's offers receive
    # the first `busy` requests; the busy school also sends some of its own.
    share = bookings_wanted / requests  # the share agreed, which became bookings
    statuses = [("open", 0.05), ("declined", 0.25), ("withdrawn", 0.10), ("expired", 0.30)]

    def request_rows_for(request):
        if request <= busy:
            offer = busy_offers[request % len(busy_offers)]
        else:
            offer = rng.randrange(len(busy_offers) + 1, offers + 1)
        offering_school = offer_school[offer]
        seeker = BUSY_SCHOOL if request > busy and request % SENT_EVERY == 0 else offering_school
        while seeker == offering_school:
            seeker = rng.choice(member_ids)
        draw = rng.random()
        if draw < share:
            status = "agreed"
        else:
            draw = rng.random()
            for status, weight in statuses:
                draw -= weight / 0.70
                if draw < 0:
                    break
        created = ago(rng.randrange(14 * 86_400) if status == "open" else
                      rng.randrange(two_years))
        expires = created + timedelta(days=14)
        closed = None if status == "open" else created + timedelta(days=rng.randrange(1, 14))
        last = closed or created + timedelta(hours=rng.randrange(1, 48))
        quantity = 1 + request % 5
        price = offer_price[offer]
        return (
            (request, offer, seeker, offering_school, seeker, "Support for our staff.", status,
             created, last, last, seeker if request % 2 else offering_school, expires, closed, 1),
            (request, request, seeker, seeker, quantity, units[offer % 4], price,
             price * quantity, (created + timedelta(days=14)).date(),
             (created + timedelta(days=90)).date(), [], modes[offer % 3], created, expires),
            status, offer, quantity, price, created,
        )

    rows = [request_rows_for(request) for request in range(1, requests + 1)]
    loader.load("support_request", ["id", "offer_id", "seeking_school_id",
                                    "offering_school_id", "requested_by_id", "need", "status",
                                    "created_at", "updated_at", "last_activity_at",
                                    "last_activity_school_id", "expires_at", "closed_at",
                                    "version"], (row[0] for row in rows))
    loader.load("proposal", ["id", "request_id", "author_school_id", "author_id", "quantity",
                             "unit", "price_pence", "total_pence", "earliest_start",
                             "latest_end", "session_dates", "delivery_mode", "created_at",
                             "expires_at"], (row[1] for row in rows))
    agreed = [row for row in rows if row[2] == "agreed"]
    del rows

    # Bookings of the agreed requests, their fee terms and the seeking school's charge.
    booking_statuses = [("confirmed", 0.30), ("delivered", 0.20), ("completed", 0.40),
                        ("cancelled", 0.10)]
    bookings, charges = [], []
    for booking, (request_row, proposal_row, _, offer, quantity, price, created) in enumerate(
            agreed, 1):
        agreed_at = request_row[12]
        draw = rng.random()
        for status, weight in booking_statuses:
            draw -= weight
            if draw < 0:
                break
        delivered = agreed_at + timedelta(days=30) if status in ("delivered", "completed") \
            else None
        bookings.append((booking, request_row[0], proposal_row[0], offer, request_row[2],
                         request_row[3], request_row[4], f"Offer {offer}", proposal_row[5],
                         f"Expert {offer}", quantity, price, price * quantity, proposal_row[8],
                         proposal_row[9], [], proposal_row[11], status, agreed_at, agreed_at,
                         delivered, delivered + timedelta(days=7) if status == "completed"
                         else None, agreed_at + timedelta(days=3) if status == "cancelled"
                         else None, 1))
        net = max(1_000, price * quantity * 5 // 100)
        vat = net // 5
        charge_status = "void" if status == "cancelled" else (
            "paid" if rng.random() < 0.65 else "waived" if rng.random() < 0.03 else "pending")
        charges.append((booking, booking, request_row[2], "seeking", f"ELP-{booking:09d}",
                        agreed_at.date(), agreed_at.date() + timedelta(days=30), net, 2000, vat,
                        net + vat, charge_status, agreed_at, agreed_at,
                        agreed_at.date() + timedelta(days=10) if charge_status == "paid"
                        else None, "offline" if charge_status == "paid" else None, 0, False, 1))
    del agreed
    loader.load("booking", ["id", "request_id", "proposal_id", "offer_id", "seeking_school_id",
                            "offering_school_id", "agreed_by_id", "offer_title", "unit",
                            "expert_name", "quantity", "price_pence", "total_pence",
                            "earliest_start", "latest_end", "session_dates", "delivery_mode",
                            "status", "created_at", "updated_at", "delivered_at",
                            "completed_at", "cancelled_at", "version"], bookings)
    loader.load("booking_fee_terms", ["booking_id", "basis_points", "minimum_pence",
                                      "maximum_pence", "payer", "vat_basis_points",
                                      "payment_terms_days", "void_on_cancellation"],
                ((row[0], 500, 1_000, 50_000, "seeking", 2000, 30, True) for row in bookings))
    loader.load("charge", ["id", "booking_id", "school_id", "party", "invoice_number",
                           "invoice_date", "due_date", "net_pence", "vat_basis_points",
                           "vat_pence", "gross_pence", "status", "created_at", "updated_at",
                           "paid_on", "paid_via", "amount_refunded_pence", "needs_attention",
                           "version"], charges)
    loader.load("audit_event", ["id", "occurred_at", "actor_id", "action", "subject_type",
                                "subject_id", "details"],
                ((row[0], row[18], row[6], "booking.agreed", "booking", row[0], {})
                 for row in bookings))
    del bookings, charges

    loader.load("search_log", ["id", "searched_at", "school_id", "query", "filters",
                               "result_count", "source"],
                ((number, ago(rng.randrange(365 * 86_400)), rng.choice(member_ids),
                  rng.choice(WORDS + [f"{word} support" for word in WORDS] + ["quidditch"]),
                  {}, rng.choice([0, 0, 3, 12, 40]), "page")
                 for number in range(1, counts["searches"] + 1)))
    loader.load("notification", ["id", "user_id", "kind", "text", "link", "created_at",
                                 "read_at"],
                ((number, BUSY_SCHOOL if number % 100 == 0 else rng.choice(member_ids),
                  "request_received", f"A new request ({number})", f"/requests/{number}",
                  ago(rng.randrange(365 * 86_400)), None if number % 3 else now)
                 for number in range(1, counts["notifications"] + 1)))
    return BUSY_SCHOOL, admin_id


def reset_sequences(connection):
    """COPY wrote the ids: move each table's sequence past them, as inserts made there do."""
    from sqlalchemy import text

    from elp.extensions import db

    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement in (True, "auto") \
                and str(table.c.id.type) == "INTEGER":
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))


# ---------------------------------------------------------------------------------- timing


def signed_in_client(app, user_id):
    """A test client signed in as the user, with a session record as the sign-in page makes."""
    from flask import g

    from elp.accounts import sessions
    from elp.accounts.models import User
    from elp.extensions import db
    from elp.security import SESSION_TOKEN_KEY

    client = app.test_client()
    with app.app_context():
        user = db.session.get(User, user_id)
        token = sessions.begin_session(user, "Benchmark")
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session[SESSION_TOKEN_KEY] = token
        g.pop("_login_user", None)
    return client


def time_page(client, path, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        body = response.get_data()
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {body[:300]!r}")
        if b"There is a problem" in body:
            raise SystemExit(f"{path} refused its filters: the figure would time nothing")
    return timings


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(app, busy_user, admin_id, smoke, only=""):
    from elp.accounts.models import DISTRICT_NAMES
    from elp.reports.catalogue import REPORTS

    admin = signed_in_client(app, admin_id)
    school = signed_in_client(app, busy_user)
    report_runs = 1 if smoke else REPORT_RUNS
    page_runs = 3 if smoke else PAGE_RUNS
    district = DISTRICT_NAMES[0].replace(" ", "+")
    admin_pages = [(f"report: {slug}", f"/admin/reports/{slug}") for slug in REPORTS]
    admin_pages += [(f"report: {slug}, one district", f"/admin/reports/{slug}?district={district}")
                    for slug in REPORTS]
    start = datetime.now(UTC).date() - timedelta(days=3 * 365)
    three_years = ("/admin/reports/activity?"
                   f"start_date={start.day}&start_date={start.month}&start_date={start.year}")
    admin_pages += [("report: activity, 3 years", three_years),
                    ("audit log", "/admin/audit-log"), ("charges (admin)", "/admin/charges"),
                    ("admin home", "/admin/")]
    print(f"Admin pages, each timed {report_runs} times after a first visit "
          f"(target ≤ {REPORT_TARGET:.0f} s):")
    print(f"  {'Page':44} {'first s':>8} {'median s':>9} {'worst s':>8} {'÷ target':>9}")
    for label, path in admin_pages:
        if only not in label:
            continue
        first = time_page(admin, path, 1)[0]
        timings = time_page(admin, path, report_runs)
        worst = max(timings)
        print(f"  {label:44} {first:8.3f} {statistics.median(timings):9.3f} {worst:8.3f} "
              f"{worst / REPORT_TARGET:9.2f}")
    print(f"The busiest school's pages, {page_runs} visits each "
          f"(target p95 ≤ {PAGE_TARGET * 1000:.0f} ms):")
    print(f"  {'Page':44} {'median ms':>9} {'p95 ms':>8} {'÷ target':>9}")
    for label, path in [("(a page with no query: /accessibility)", "/accessibility"),
                        ("inbox (Requests)", "/requests"), ("home page", "/"),
                        ("charges", "/charges"), ("inbox, sent", "/requests?box=sent")]:
        if only not in label:
            continue
        time_page(school, path, 2)
        timings = time_page(school, path, page_runs)
        print(f"  {label:44} {statistics.median(timings) * 1000:9.1f} "
              f"{p95(timings) * 1000:8.1f} {p95(timings) / PAGE_TARGET:9.2f}")


def explain_slow_queries(app, threshold_ms):
    """Print the plan of every query slower than the threshold, as PostgreSQL ran it."""
    from sqlalchemy import event

    from elp.extensions import db

    explaining = []

    def started(connection, cursor, statement, parameters, context, executemany):
        connection.info["elp_started"] = time.perf_counter()

    def finished(connection, cursor, statement, parameters, context, executemany):
        took = (time.perf_counter() - connection.info.pop("elp_started")) * 1000
        if took < threshold_ms or explaining or not statement.lstrip().upper().startswith(
                "SELECT"):
            return
        explaining.append(statement)
        try:
            plan = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars().all()
        finally:
            explaining.clear()
        print(f"\n-- {took:.0f} ms\n{statement}\n" + "\n".join(plan))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", started)
        event.listen(db.engine, "after_cursor_execute", finished)


def measure_existing(url, explain=None, only=""):
    """Bring a kept database to the newest revision, VACUUM ANALYZE it and time it again."""
    from sqlalchemy import func, select, text

    from elp import create_app
    from elp.accounts.models import ROLE_ADMIN, User
    from elp.extensions import db

    started = time.perf_counter()
    upgrade(url)
    print(f"Schema: elp db upgrade in {time.perf_counter() - started:.1f} s")
    work = Path(tempfile.mkdtemp(prefix="elp-scale-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": str(work / "index"),
                      "MAIL_BACKEND": "memory", "MAIL_DELIVERY": "inline",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE"))
        admin_id = db.session.scalar(select(func.max(User.id)).where(User.role == ROLE_ADMIN))
        db.session.remove()
        db.engine.dispose()
    if explain is not None:
        explain_slow_queries(app, explain)
    measure(app, BUSY_SCHOOL, admin_id, smoke=explain is not None, only=only)


def main():
    options = parse_options()
    if options.existing:
        measure_existing(options.existing, options.explain, options.only)
        return
    counts = SMOKE if options.smoke else FULL
    if options.smoke:
        print(SMOKE_NOTICE)
    work = Path(tempfile.mkdtemp(prefix="elp-scale-bench-"))
    database = Database(options.postgres, work)
    database.create()
    try:
        started = time.perf_counter()
        upgrade(database.url)
        print(f"Schema: elp db upgrade in {time.perf_counter() - started:.1f} s "
              f"({'PostgreSQL' if database.postgres else 'SQLite'})")

        from sqlalchemy import text

        from elp import create_app
        from elp.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": database.url,
                          "INDEX_DIR": str(work / "index"), "MAIL_BACKEND": "memory",
                          "MAIL_DELIVERY": "inline", "RATELIMIT_ENABLED": False})
        with app.app_context():
            started = time.perf_counter()
            with db.engine.begin() as connection:
                loader = Loader(connection, database.postgres)
                busy_user, admin_id = generate(loader, counts, options.seed, datetime.now(UTC))
                if database.postgres:
                    reset_sequences(connection)
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE" if database.postgres else "ANALYZE"))
            print(f"Loaded {sum(loader.counts.values()):,} rows in {loaded:.0f} s, "
                  f"{'VACUUM ' if database.postgres else ''}ANALYZE in {time.perf_counter() - started:.0f} s:")
            for table in ("school", "offer", "support_request", "proposal", "booking", "charge",
                          "audit_event", "search_log", "notification"):
                print(f"  {table:18} {loader.counts.get(table, 0):>10,}")
            db.engine.dispose()
        measure(app, busy_user, admin_id, options.smoke)
        if options.keep:
            print(f"Kept: {database.url}")
    finally:
        if not options.keep:
            database.drop()


if __name__ == "__main__":
    main()
