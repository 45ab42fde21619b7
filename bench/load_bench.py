"""Load benchmark: Locust plays the real journeys (bench/locustfile.py) against gunicorn with
2 workers on PostgreSQL, on this machine.

    python bench/load_bench.py                        # 100 users for 5 minutes
    python bench/load_bench.py --users 300 --minutes 3
    python bench/load_bench.py --smoke                # a few users for a few seconds (the tests)

Makes a database of its own on the PostgreSQL server given (`elp_load_bench_<pid>`, dropped
at the end; SQLite for a smoke run without --postgres), builds the schema with `elp db
upgrade`, fills it with search_bench.py's corpus of offers, gives the first schools a lead
each and signs every lead in once (a session record and a signed session cookie, as the
sign-in page makes: sign-in is limited to a few a minute from one address, and every
virtual user here comes from 127.0.0.1), indexes the offers, starts `gunicorn -w 2` on
127.0.0.1 and runs Locust headless against it, one lead per virtual user. Prints Locust's
table, then requests per second, p50/p95/p99 per page and the errors, with the machine's
load average before and after. Only 127.0.0.1 is contacted.
Targets: PRODUCT.md section 6 (0 errors; p95 ≤ 300 ms on every page).
"""

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_bench import HOST, free_port, wait_until_answering
from scale_bench import DEFAULT_SERVER, Database, upgrade
from search_bench import ROOT, generate

SMOKE_NOTICE = "Smoke run: a few users for a few seconds, checks the journeys still run; " \
    "not a measurement."
SECRET_KEY = "load-benchmark-only-" + "x" * 32
TARGET_P95_MS = 300


def prepare(database_url, index_dir, leads, offers):
    """The corpus, `leads` school leads signed in, and the index. Return the accounts file's
    contents: each lead's session cookie, and the offers of the leads' schools."""
    from elp import create_app
    from elp.accounts.models import ROLE_LEAD, School, User
    from elp.accounts.passwords import hash_password
    from elp.accounts.sessions import begin_session
    from elp.extensions import db
    from elp.offers.models import Offer
    from elp.search import sync
    from elp.security import SESSION_TOKEN_KEY

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INDEX_DIR": index_dir,
                      "SECRET_KEY": SECRET_KEY, "MAIL_BACKEND": "memory",
                      "MAIL_DELIVERY": "inline"})
    accounts = []
    with app.app_context():
        generate(app, offers)
        schools = db.session.scalars(db.select(School).order_by(School.id).limit(leads)).all()
        password_hash = hash_password("a long load benchmark password")  # once: scrypt is slow
        users = [User(email=f"lead{school.id}@load.example", full_name=f"Lead {school.id}",
                      job_title="Head teacher", password_hash=password_hash, role=ROLE_LEAD,
                      school_id=school.id, created_at=datetime.now(UTC),
                      last_sign_in_at=datetime.now(UTC)) for school in schools]
        db.session.add_all(users)
        db.session.flush()
        # Offers of the leads' schools that take requests: the journeys ask these, so each
        # request has a signed-in lead on the other side to counter and accept it.
        offers_of = {}
        for offer_id, school_id in db.session.execute(
                db.select(Offer.id, Offer.school_id).where(
                    Offer.school_id.in_([school.id for school in schools]),
                    Offer.status == "published", Offer.price_pence.is_not(None),
                    db.or_(Offer.capacity.is_(None), Offer.capacity > 0))):
            offers_of.setdefault(school_id, []).append(offer_id)
        client = app.test_client()
        for user in users:
            token = begin_session(user, "Locust")
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
                session[SESSION_TOKEN_KEY] = token
            accounts.append({"school_id": user.school_id,
                             "cookie": client.get_cookie("session").value})
        db.session.commit()
        sync.reindex(app)
    return {"accounts": accounts,
            "offers": [[offer, school] for school, offers in offers_of.items()
                       for offer in offers]}


def start_gunicorn(port, database_url, index_dir, log_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ELP_")}
    environment.update(
        ELP_ENV="development", ELP_DATABASE_URL=database_url, ELP_INDEX_DIR=index_dir,
        ELP_SECRET_KEY=SECRET_KEY, ELP_RATELIMIT_STORAGE_URI="memory://",
    )
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"{HOST}:{port}", "wsgi:app"]
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)


def run_locust(port, accounts_file, users, seconds, prefix, quiet, reading_only=False):
    environment = dict(os.environ, ELP_LOAD_ACCOUNTS=str(accounts_file))
    spawn_rate = max(1, users // 10)
    command = [
        sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
        "--headless", "--host", f"http://{HOST}:{port}", "--users", str(users),
        "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s", "--csv", str(prefix),
        "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0",
        *(["--exclude-tags", "writes"] if reading_only else []),
    ]
    output = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                            check=False, timeout=seconds + 300)
    if not quiet:
        print(output.stderr[-6000:])
    if output.returncode != 0:
        raise SystemExit(f"locust exited with {output.returncode}: {output.stderr[-3000:]}")


def summarise(prefix):
    """Requests/s, p50/p95/p99 per page and the errors, from Locust's CSV files."""
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    with open(f"{prefix}_failures.csv", newline="") as failures:
        failed = list(csv.DictReader(failures))
    print(f"{'Page':40} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'errors':>7}")
    worst = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "All pages"
        p95 = float(row["95%"] or 0)
        if row["Name"] != "Aggregated":
            worst = max(worst, p95)
        print(f"{name[:40]:40} {int(row['Request Count']):>9} {float(row['Requests/s']):>7.1f} "
              f"{float(row['50%'] or 0):>7.0f} {p95:>7.0f} {float(row['99%'] or 0):>7.0f} "
              f"{int(row['Failure Count']):>7}")
    errors = sum(int(row["Occurrences"]) for row in failed)
    for row in failed:
        print(f"Error: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)")
    print(f"Errors: {errors}; worst page p95: {worst:.0f} ms "
          f"(targets: 0 errors, p95 ≤ {TARGET_P95_MS} ms on every page)")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--reading-only", action="store_true",
                        help="only the journeys that read (search, offers, inbox, home, charges)")
    parser.add_argument("--postgres", help=f"a PostgreSQL server's URL; default {DEFAULT_SERVER}")
    parser.add_argument("--smoke", action="store_true",
                        help="4 users for 8 seconds on 200 offers; SQLite unless --postgres")
    options = parser.parse_args()
    if options.smoke:
        options.users, options.minutes, options.offers = 4, 8 / 60, 200
        print(SMOKE_NOTICE)
    elif not options.postgres:
        options.postgres = DEFAULT_SERVER

    work = Path(tempfile.mkdtemp(prefix="elp-load-bench-"))
    database = Database(options.postgres, work, prefix="elp_load_bench")
    database.create()
    server = None
    try:
        upgrade(database.url)
        index_dir = str(work / "index")
        accounts = prepare(database.url, index_dir, options.users, options.offers)
        accounts_file = work / "accounts.json"
        accounts_file.write_text(json.dumps(accounts))
        port = free_port()
        server = start_gunicorn(port, database.url, index_dir, work / "gunicorn.log")
        wait_until_answering(server, port)
        seconds = round(options.minutes * 60)
        load_before = os.getloadavg()
        print(f"{options.users} users for {seconds} s, 1–4 s between actions, against "
              f"gunicorn -w 2 on {os.cpu_count()} cores "
              f"({'PostgreSQL' if database.postgres else 'SQLite'}), Locust on the same machine; "
              f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} "
              f"{load_before[2]:.2f}")
        started = time.perf_counter()
        run_locust(port, accounts_file, options.users, seconds, work / "locust", options.smoke,
                   options.reading_only)
        load_after = os.getloadavg()
        print(f"Ran {time.perf_counter() - started:.0f} s; load average after: "
              f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
        summarise(work / "locust")
    except BaseException:
        log = work / "gunicorn.log"
        if log.exists():
            print("gunicorn's log ends:", *log.read_text().splitlines()[-20:], sep="\n",
                  file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
