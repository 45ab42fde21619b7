"""HTTP benchmark: the search results page, a request page, the Requests inbox and the home
page ("What needs you") against a trivial page.

    python bench/http_bench.py --offers 5000
    python bench/http_bench.py --offers 5000 --requests 2000 --clients 4
    python bench/http_bench.py --smoke        # a few seconds: does it still run? (the tests)

Builds the same throwaway corpus as bench/search_bench.py, adds a school lead to each of two
offering schools, with 10 and with 100 support requests received on their offers, and a
negotiation with a third offering school made through the services as schools make it
(proposals and messages back and forth), starts `gunicorn -w 2` on it on 127.0.0.1, signs
each lead in once through the sign-in form, then sends a fixed number of requests from a few
client threads on this machine: first to the accessibility statement, then to the search
results page with search_bench.py's seeded mix of queries and filters, then to the
negotiation's request page (as the seeking school: the first visit records its reading;
later ones find nothing new and write nothing, as real visits do), then to each lead's
Requests inbox (a page of 25 rows at most), then to each lead's home page, where every
request received waits for an answer (50 listed at most). It does so for several rounds
(`--rounds`), each timing every page in turn, so that a page and the trivial page it is
compared with are measured in the same minutes of a shared machine.
Prints the median requests/s over the rounds, median and p95 latency for each page, and
each page's throughput as a share of the trivial page's (the median over the rounds, and
each round's). Where /proc is readable it also prints the workers' CPU time per request of
each page: a steadier figure than requests/s on a shared machine, since the client threads
and other work do not move it. Only 127.0.0.1 is contacted.
Targets: PRODUCT.md section 6. Only the smoke run is part of the test run, so a change that
breaks the benchmark fails the tests; its figures are not a measurement.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, ProxyHandler, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import ROOT, SMOKE_NOTICE, SMOKE_OFFERS, build_corpus, p95, query_mix

HOST = "127.0.0.1"
EMAIL = "lead@bench.example"
PASSWORD = "a long benchmark password"
INBOX_SIZES = (10, 100)  # requests received by each inbox lead's school
# The negotiation on the request page: proposals from alternate sides, a message after each.
NEGOTIATION_PROPOSALS, NEGOTIATION_MESSAGES = 6, 8
TARGET = 0.50
# The cheapest real page: a template through base.html with the same session, user load,
# before/after-request hooks and security headers as every page, but no query of its own.
# A static file would skip Flask's page machinery and measure mostly gunicorn itself.
TRIVIAL_PATH = "/accessibility"
PHASE_SECONDS = 300  # a phase that takes longer than this is stopped and reported as such
SMOKE_REQUESTS, SMOKE_CLIENTS = 10, 2


def add_lead(database_url, index_dir):
    """Give the first corpus school a lead with a known password, as joining with a code does,
    and the lead of two offering schools their inboxes, and negotiate with a third. Return
    the inbox leads' emails by the number of requests their schools received, and the id
    of the negotiation's request."""
    from elp import create_app
    from elp.accounts import services
    from elp.accounts.models import School
    from elp.extensions import db
    from elp.offers.models import Offer

    # Emails the negotiation's notifications queue are kept in memory, never written out.
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INDEX_DIR": index_dir,
                      "MAIL_BACKEND": "memory", "MAIL_DELIVERY": "inline"})
    with app.app_context():
        school = db.session.scalars(db.select(School).order_by(School.id)).first()
        _, code = services.issue_access_code(school)
        services.redeem_access_code(code, "Bench Lead", "Head teacher", EMAIL, PASSWORD)
        offering = db.session.scalars(
            db.select(School).where(School.id != school.id, School.id.in_(
                db.select(Offer.school_id))).order_by(School.id).limit(len(INBOX_SIZES))
        ).all()
        inboxes = {}
        for size, offering_school in zip(INBOX_SIZES, offering, strict=True):
            email = f"inbox-{size}@bench.example"
            _, code = services.issue_access_code(offering_school)
            services.redeem_access_code(code, f"Inbox Lead {size}", "Head teacher", email, PASSWORD)
            add_requests(offering_school, size)
            inboxes[size] = email
        third = db.session.scalars(
            db.select(Offer).where(Offer.school_id.not_in([school.id, *(s.id for s in offering)]))
            .order_by(Offer.id)
        ).first()
        _, code = services.issue_access_code(third.school)
        services.redeem_access_code(code, "Offering Lead", "SENCo", "offering@bench.example",
                                    PASSWORD)
        request_id = negotiate(app, third)
        return inboxes, request_id


def negotiate(app, offer):
    """Negotiate on the offer through the services, as the two schools' pages do: the bench
    lead's school asks for 5 days, then each side counters the other in turn, with messages
    between. Leave it open, so the page shows every action. Return the request's id."""
    from datetime import timedelta

    from elp.accounts.models import User
    from elp.extensions import db
    from elp.negotiation import services
    from elp.negotiation.terms import ProposalTerms
    from elp.offers.models import PUBLISHED
    from elp.timeutil import uk_today
    from elp.unit_of_work import unit_of_work

    seeker = db.session.scalar(db.select(User).where(User.email == EMAIL))
    offerer = db.session.scalar(db.select(User).where(User.email == "offering@bench.example"))
    # Whatever the corpus made of it, an offer open to requests with a price and room.
    offer.status, offer.hidden_at, offer.price_pence, offer.capacity = PUBLISHED, None, 40000, 30
    db.session.commit()
    today = uk_today()

    def terms(quantity, price, weeks, note):
        start = today + timedelta(weeks=weeks)
        return ProposalTerms(
            quantity=quantity, price_pence=price, earliest_start=start,
            latest_end=start + timedelta(weeks=10), session_dates=[
                start + timedelta(weeks=week) for week in range(min(quantity, 4))],
            delivery_mode="at_your_school", note=note)

    messages = iter([
        "Could the sessions be on Tuesdays? Our staff meetings are then.",
        "Tuesdays work for our SENCo from half term.",
        "Our governors meet on the 12th; we can confirm the budget after.",
        "Would a twilight session count as a half day?",
        "No, a twilight is a session of its own; we have priced days.",
        "Thank you. Could the first day be an observation?",
        "Yes, the first day would be observing in Year 1 and 2.",
        "That suits us. Our deputy head will be the contact.",
    ][:NEGOTIATION_MESSAGES])
    with app.test_request_context():
        with unit_of_work():
            request = services.start_request(
                offer, seeker, "Coaching for our new phonics lead and two Year 1 teachers.",
                terms(5, 40000, 3, "Spring term, please."))
        for number in range(1, NEGOTIATION_PROPOSALS):
            by = offerer if number % 2 else seeker
            with unit_of_work():
                services.send_message(request, by, next(messages, f"Message {number}"))
            with unit_of_work():
                services.counter(request, by, terms(5 - number % 3, 40000 - 2500 * number,
                                                    3 + number, f"Version {number + 1}."),
                                 request.latest_proposal.id)
        for body in messages:
            with unit_of_work():
                services.send_message(request, seeker, body)
        return request.id


def add_requests(offering_school, count):
    """`count` requests, with a first proposal each, from the bench lead's school on one of
    the offering school's offers, as sending a request makes them."""
    from datetime import timedelta

    from elp.accounts.models import User
    from elp.extensions import db
    from elp.negotiation.models import Proposal, SupportRequest
    from elp.offers.models import Offer
    from elp.timeutil import utcnow

    seeker = db.session.scalar(db.select(User).where(User.email == EMAIL))
    offer = db.session.scalars(db.select(Offer).where(Offer.school_id == offering_school.id)).first()
    now = utcnow()
    for number in range(count):
        request = SupportRequest(
            offer=offer, seeking_school_id=seeker.school_id, offering_school_id=offer.school_id,
            requested_by=seeker, need="Support for our new phonics lead.",
            last_activity_school_id=seeker.school_id,
            last_activity_at=now - timedelta(minutes=number), expires_at=now + timedelta(days=10),
        )
        price = offer.price_pence
        request.proposals.append(Proposal(
            author_school_id=seeker.school_id, author_id=seeker.id, quantity=3, unit=offer.unit,
            price_pence=price, total_pence=None if price is None else 3 * price,
            earliest_start=(now + timedelta(days=14)).date(),
            latest_end=(now + timedelta(days=90)).date(), session_dates=[],
            delivery_mode=offer.delivery_mode, expires_at=now + timedelta(days=10),
        ))
        db.session.add(request)
    db.session.commit()


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(port, database_url, index_dir, log_path):
    environment = dict(
        os.environ,
        ELP_ENV="development",
        ELP_DATABASE_URL=database_url,
        ELP_INDEX_DIR=index_dir,
        # Per worker, in memory: sign-in is limited (10 a minute), so the benchmark signs in once.
        ELP_RATELIMIT_STORAGE_URI="memory://",
    )
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"{HOST}:{port}", "wsgi:app"]
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)


def wait_until_answering(server, port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {server.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", TRIVIAL_PATH)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {seconds} s")


def sign_in(port, email=EMAIL):
    """Sign in through the form, as a browser would; return the Cookie header to send."""
    jar = CookieJar()
    # No proxies, whatever the environment says: only 127.0.0.1 is ever contacted.
    browser = build_opener(ProxyHandler({}), HTTPCookieProcessor(jar))
    base = f"http://{HOST}:{port}"
    form = browser.open(f"{base}/sign-in", timeout=10).read().decode()
    csrf_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = urlencode({"csrf_token": csrf_token, "email": email, "password": PASSWORD}).encode()
    browser.open(f"{base}/sign-in", data=answer, timeout=10).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = http.client.HTTPConnection(HOST, port, timeout=10)
    check.request("GET", "/requests", headers={"Cookie": cookie})
    if check.getresponse().status != 200:
        raise SystemExit(f"Signing in as {email} did not work: /requests does not answer 200")
    return cookie


def server_cpu_seconds(server):
    """CPU time (user and system) the gunicorn workers have used so far, read from /proc;
    None where there is no /proc. Unlike requests/s, it does not move with the client threads
    or with whatever else the machine is doing."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def run_phase(port, paths, cookie, clients):
    """Send every path once, `clients` at a time; return (seconds, latencies)."""
    latencies, failures, lock = [], [], threading.Lock()
    remaining = iter(paths)
    deadline = time.monotonic() + PHASE_SECONDS

    def client():
        # Keep-alive when the server offers it; gunicorn's sync workers close after each
        # response and http.client reconnects, so both phases pay the same connect.
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                path = next(remaining, None)
            if path is None:
                return
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status = repr(error)
                connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures.append((path, status))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, the first: {failures[0]}")
    if len(latencies) < len(paths):
        raise SystemExit(f"Stopped after {PHASE_SECONDS} s, {len(latencies)} of {len(paths)} done")
    return seconds, latencies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, default=3, help="times every page is timed")
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_OFFERS} offers, "
                        f"{SMOKE_REQUESTS} requests a page from {SMOKE_CLIENTS} clients")
    options = parser.parse_args()
    if options.smoke:
        options.offers, options.requests = SMOKE_OFFERS, SMOKE_REQUESTS
        options.clients, options.rounds = SMOKE_CLIENTS, 1
        print(SMOKE_NOTICE)

    work = Path(tempfile.mkdtemp(prefix="elp-http-bench-"))
    server = None
    try:
        url, index_dir, _, _ = build_corpus(work, options.offers)
        inboxes, request_id = add_lead(url, index_dir)
        port = free_port()
        server = start_gunicorn(port, url, index_dir, work / "gunicorn.log")
        wait_until_answering(server, port)
        cookie = sign_in(port)

        # search_bench.py's seeded mix, five kinds of search a round: words, filters, pages.
        mix = query_mix(rounds=options.requests // 5)
        phases = [
            ("trivial " + TRIVIAL_PATH, [TRIVIAL_PATH] * options.requests, cookie),
            ("search results page", ["/search?" + urlencode(args) for _, args in mix], cookie),
            (f"request page, {NEGOTIATION_PROPOSALS} proposals",
             [f"/requests/{request_id}"] * options.requests, cookie),
        ]
        leads = {size: sign_in(port, email) for size, email in inboxes.items()}
        for size, lead in leads.items():
            phases.append((f"inbox, {size} requests", ["/requests"] * options.requests, lead))
        # The same leads' home pages: each received request waits for their answer.
        for size, lead in leads.items():
            phases.append((f"home page, {size} waiting", ["/"] * options.requests, lead))
        print(f"gunicorn -w 2 on {os.cpu_count()} cores, "
              f"{options.clients} client threads on the same machine, "
              f"{options.rounds} rounds of every page")
        for label, paths, as_user in phases:
            run_phase(port, paths[:100], as_user, options.clients)  # warm both workers' caches
        # Each round times every page once, in turn, so a page's figure and the trivial page's
        # come from the same minutes of the machine; the medians over rounds are reported.
        throughputs = {label: [] for label, _, _ in phases}
        latencies = {label: [] for label, _, _ in phases}
        cpu = {label: 0.0 for label, _, _ in phases}
        for _ in range(options.rounds):
            for label, paths, as_user in phases:
                cpu_before = server_cpu_seconds(server)
                seconds, timings = run_phase(port, paths, as_user, options.clients)
                cpu_after = server_cpu_seconds(server)
                throughputs[label].append(len(timings) / seconds)
                latencies[label] += timings
                if cpu_before is not None and cpu_after is not None:
                    cpu[label] += cpu_after - cpu_before
        print(f"{'Page':28} {'n':>5} {'requests/s':>11} {'median ms':>10} {'p95 ms':>8}"
              "  requests/s in each round")
        for label, _, _ in phases:
            print(f"{label:28} {len(latencies[label]):>5} "
                  f"{statistics.median(throughputs[label]):>11.0f} "
                  f"{statistics.median(latencies[label]) * 1000:>10.1f} "
                  f"{p95(latencies[label]) * 1000:>8.1f}  "
                  + ", ".join(f"{rate:.0f}" for rate in throughputs[label]))
        if any(cpu.values()):
            print("Server CPU per request (both workers, all rounds), as a share of the trivial "
                  "page's:")
            for label, _, _ in phases:
                per_request = cpu[label] / len(latencies[label])
                share = cpu[phases[0][0]] / cpu[label] if cpu[label] else 0
                print(f"  {label:28} {per_request * 1000:6.2f} ms  {share:.0%}")
        trivial = throughputs.pop(phases[0][0])
        names = ["Search", "Request page", *(f"Inbox ({size})" for size in inboxes),
                 *(f"Home page ({size})" for size in inboxes)]
        for label, name in zip(throughputs, names, strict=True):
            ratios = [page / base for page, base in zip(throughputs[label], trivial, strict=True)]
            ratio = statistics.median(ratios)
            verdict = "meets" if ratio >= TARGET else "misses"
            claim = "" if options.smoke else f" ({verdict} the target of ≥ {TARGET:.0%})"
            each = ", ".join(f"{r:.0%}" for r in ratios)
            print(f"{name} ÷ trivial throughput: {ratio:.0%}{claim}; rounds: {each}")
    except BaseException:
        log = work / "gunicorn.log"
        if log.exists():
            tail = log.read_text().splitlines()[-20:]
            print("gunicorn's log ends:", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
