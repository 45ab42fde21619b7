"""Search benchmark: index a realistic corpus and time a fixed mix of searches.

    python bench/search_bench.py --offers 5000
    python bench/search_bench.py --offers 100000
    python bench/search_bench.py --smoke      # a few seconds: does it still run? (the tests)

Builds a throwaway SQLite database of fictional schools and offers, indexes it through the
same code as `elp reindex`, then serves a seeded mix of searches in a fresh process (so its
memory is that of a serving worker) and prints: indexing time, index size, serving RSS,
median and p95 latency per kind of search and overall, and the same plain-word queries
against SQLite FTS5 over the same corpus, with the ratio of the two p95s.
Targets: PRODUCT.md section 6. Only the smoke run is part of the test run, so a change that
breaks the benchmark fails the tests; its figures are not a measurement.
"""

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISTRICTS = ["Basildon", "Braintree", "Brentwood", "Castle Point", "Chelmsford", "Colchester",
             "Epping Forest", "Harlow", "Maldon", "Rochford", "Tendring", "Uttlesford"]
PHASES = ["Early years", "KS1", "KS2", "KS3", "KS4", "Post-16", "Special/alternative provision"]
MODES = ["at_your_school", "at_our_school", "online", "mixed"]
UNITS = ["hour", "half_day", "day", "session"]
PRICES = [None, 5000, 7500, 10000, 15000, 20000, 25000, 30000, 35000, 40000, 45000, 50000, 60000]

# (category, topic words for titles, specialisms, sentences for descriptions)
TOPICS = [
    ("Pupil achievement", ["Phonics", "Early reading", "Maths mastery", "Numeracy catch-up",
     "Writing moderation", "Closing the gap", "Most able pupils", "Fractions", "Oracy"],
     ["phonics", "early reading", "maths", "numeracy", "writing", "disadvantaged pupils"],
     ["We model daily phonics sessions and coach teachers.",
      "Our maths lead works with your teachers on fluency and reasoning.",
      "We help you close the gap for disadvantaged pupils."]),
    ("Specialist teaching", ["Autism outreach", "Speech and language support", "Dyslexia screening",
     "Sensory circuits", "Hearing impairment advice", "ADHD strategies"],
     ["autism", "SLCN", "dyslexia", "sensory", "ADHD", "SEND"],
     ["Our specialist teacher observes pupils and advises staff.",
      "We train teaching assistants in communication strategies.",
      "Support for autistic pupils and their families."]),
    ("Behaviour and safety", ["Behaviour support", "Attendance improvement", "Restorative practice",
     "Exclusion prevention", "Playground behaviour"],
     ["behaviour", "attendance", "restorative practice", "SEMH"],
     ["We review your behaviour policy and coach middle leaders.",
      "Practical help to improve persistent absence.",
      "De-escalation training for all staff."]),
    ("Leadership and management", ["Curriculum design", "Assessment review", "School business management",
     "Governor training", "Middle leadership coaching"],
     ["curriculum", "assessment", "leadership", "finance"],
     ["An experienced SLE supports your senior team.",
      "We review your curriculum sequencing subject by subject.",
      "Budget planning with a school business manager."]),
    ("Safeguarding and wellbeing", ["Safeguarding audit", "DSL supervision", "Staff wellbeing",
     "Mental health first aid", "Online safety"],
     ["safeguarding", "DSL", "wellbeing", "mental health"],
     ["Our designated safeguarding lead audits your procedures.",
      "Supervision sessions for designated safeguarding leads.",
      "Wellbeing workshops for staff and pupils."]),
    ("Quality of teaching", ["Early career teacher mentoring", "Instructional coaching",
     "Initial teacher training", "Questioning and feedback"],
     ["ECT", "coaching", "ITT", "feedback"],
     ["Mentoring for early career teachers in their first two years.",
      "Instructional coaching cycles with video and feedback.",
      "Support for trainees on placement."]),
    ("Special school outreach", ["Outreach for complex needs", "PMLD curriculum advice",
     "Moving and handling training", "Communication aids"],
     ["PMLD", "complex needs", "outreach", "AAC"],
     ["Our outreach team visits mainstream schools to advise on complex needs.",
      "Training on communication aids and visual timetables."]),
    ("Training and CPD", ["Twilight CPD", "Subject leader network", "Science practicals",
     "Computing curriculum", "PE and sport premium"],
     ["CPD", "science", "computing", "PE"],
     ["A twilight session for your whole staff.",
      "Network meetings for subject leaders across the district."]),
]
FILLER = ["We tailor the programme to your school.", "Sessions can be in person or online.",
          "We follow up with a written report and next steps.", "Suitable for teachers and support staff.",
          "Evaluated with staff surveys and pupil outcomes.", "Dates to suit your timetable."]
SCHOOL_WORDS = ["Oak", "Meadow", "Riverside", "St Mary's", "Holy Trinity", "Kingswood", "Elm",
                "Brook", "Castle", "Priory", "Abbey", "Heath", "Willow", "Beacon", "Chase"]
QUERY_WORDS = ["phonics", "maths", "autism", "behaviour", "safeguarding", "curriculum", "reading",
               "coaching", "attendance", "wellbeing", "dyslexia", "outreach", "assessment", "writing",
               "training", "leadership", "SEND", "ECT", "sensory", "speech"]
MISSPELT = ["phonicks", "behavour", "safegarding", "curriculm", "atendance", "dislexia", "mathss",
            "wellbing", "outrech", "coatching"]
ROUNDS = 40  # searches of each kind in the mix
SMOKE_OFFERS, SMOKE_ROUNDS = 40, 2
SMOKE_NOTICE = (
    "Smoke run: a tiny corpus and a handful of requests; the figures are not a measurement."
)


def generate(app, offers, seed=7):
    """Fill the database with `offers` offers from one school per five offers."""
    from elp.extensions import db
    from elp.offers.models import Category, Offer, OfferDistrict, OfferPhase, title_key

    rng = random.Random(seed)
    categories = {name: Category(name=name, position=i) for i, (name, *_) in enumerate(TOPICS)}
    db.session.add_all(categories.values())
    db.session.commit()
    category_ids = {name: category.id for name, category in categories.items()}
    from elp.accounts.models import School

    school_count = max(10, offers // 5)
    schools = []
    for number in range(school_count):
        district = rng.choice(DISTRICTS)
        schools.append({
            "urn": f"{100000 + number}", "name": f"{rng.choice(SCHOOL_WORDS)} "
            f"{rng.choice(['Primary', 'Academy', 'Infant', 'Junior', 'High', 'Special'])} School {number}",
            "district": district, "town": district, "status": "active",
            "easting": rng.randint(550000, 620000), "northing": rng.randint(180000, 240000),
            "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC),
        })
    db.session.execute(db.insert(School), schools)
    db.session.commit()
    school_ids = db.session.scalars(db.select(School.id)).all()
    start = datetime(2025, 9, 1, tzinfo=UTC)
    batch = []
    taken = set()  # a school's titles are unique in any case (Offer.title_key)
    for number in range(offers):
        category, titles, specialisms, sentences = rng.choice(TOPICS)
        title = f"{rng.choice(titles)} {rng.choice(['support', 'programme', 'training', 'package', 'visits', 'for schools'])}"
        description = " ".join(rng.sample(sentences, min(2, len(sentences))) + rng.sample(FILLER, 3))
        when = start + timedelta(minutes=number * 7)
        school_id = rng.choice(school_ids)
        if (school_id, title_key(title)) in taken:
            title = f"{title} ({number})"
        taken.add((school_id, title_key(title)))
        batch.append({
            "school_id": school_id, "title": title[:120], "title_key": title_key(title[:120]),
            "summary": f"{rng.choice(sentences)} {rng.choice(FILLER)}"[:200],
            "description": description, "category_id": category_ids[category],
            "serves_all_districts": rng.random() < 0.3, "delivery_mode": rng.choice(MODES),
            "expert_name": "Expert", "designation": rng.choice([None, "SLE", "NLE"]),
            "unit": rng.choice(UNITS), "price_pence": rng.choice(PRICES),
            "capacity": rng.choice([None, 0, 5, 10, 20]), "status": "published",
            "created_at": when, "updated_at": when, "published_at": when,
            "_specialisms": rng.sample(specialisms, 2),
            "_phases": rng.sample(PHASES, rng.randint(1, 3)),
            "_districts": rng.sample(DISTRICTS, rng.randint(1, 3)),
        })
        if len(batch) == 2000 or number == offers - 1:
            _insert(db, batch, Offer, OfferPhase, OfferDistrict)
            batch = []
    return rng


def _insert(db, batch, Offer, OfferPhase, OfferDistrict):
    from elp.offers.models import Specialism, offer_specialism

    existing = {s.name: s.id for s in db.session.scalars(db.select(Specialism))}
    for row in batch:
        for name in row["_specialisms"]:
            if name not in existing:
                specialism = Specialism(name=name)
                db.session.add(specialism)
                db.session.flush()
                existing[name] = specialism.id
    plain = [{k: v for k, v in row.items() if not k.startswith("_")} for row in batch]
    ids = db.session.scalars(db.insert(Offer).returning(Offer.id), plain).all()
    phases, districts, tags = [], [], []
    for offer_id, row in zip(ids, batch, strict=True):
        phases += [{"offer_id": offer_id, "phase": p} for p in row["_phases"]]
        if not row["serves_all_districts"]:
            districts += [{"offer_id": offer_id, "district": d} for d in row["_districts"]]
        tags += [{"offer_id": offer_id, "specialism_id": existing[n]} for n in row["_specialisms"]]
    db.session.execute(db.insert(OfferPhase), phases)
    if districts:
        db.session.execute(db.insert(OfferDistrict), districts)
    db.session.execute(offer_specialism.insert(), tags)
    db.session.commit()


def query_mix(seed=11, rounds=ROUNDS):
    """The fixed mix: (kind, search arguments)."""
    rng = random.Random(seed)
    mix = []
    for _ in range(rounds):
        two = " ".join(rng.sample(QUERY_WORDS, 2))
        mix.append(("plain words", {"q": two}))
        mix.append(("words + two filters incl. price", {
            "q": rng.choice(QUERY_WORDS), "district": rng.choice(DISTRICTS),
            "max_price": str(rng.choice([100, 200, 300, 400]))}))
        mix.append(("faceted, no words", {"phase": rng.choice(PHASES), "mode": rng.choice(MODES)}))
        mix.append(("misspelt", {"q": rng.choice(MISSPELT)}))
        mix.append(("page 3", {"q": rng.choice(QUERY_WORDS), "page": "3"}))
    return mix


def serve(database_url, index_dir, rounds):
    """Run in a fresh process: time the query mix through the query service."""
    from elp import create_app
    from elp.search.services import SearchRequest, search_offers

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INDEX_DIR": index_dir})
    timings = {}

    def one_search(args):
        with app.test_request_context("/search"):  # a fresh request, as in a live worker
            return search_offers(SearchRequest.from_args(args))

    started = time.perf_counter()
    one_search({"q": "phonics"})
    cold = time.perf_counter() - started
    mix = query_mix(rounds=rounds)
    for _, args in mix[:50]:  # warm the per-searcher caches as a live worker's would be
        one_search(args)
    for kind, args in mix:
        started = time.perf_counter()
        results = one_search(args)
        timings.setdefault(kind, []).append(time.perf_counter() - started)
        assert results.facets is not None
    rss_kb = int(next(line for line in Path("/proc/self/status").read_text().splitlines()
                      if line.startswith("VmRSS")).split()[1])
    print(json.dumps({"timings": timings, "cold": cold, "rss_mb": rss_kb / 1024}))


def fts5_timings(database_path, rounds):
    """The plain-word queries of the mix against SQLite FTS5 over the same offers."""
    connection = sqlite3.connect(":memory:")
    connection.execute("ATTACH DATABASE ? AS corpus", (database_path,))
    connection.execute("CREATE VIRTUAL TABLE fts USING fts5(title, summary, description)")
    connection.execute("INSERT INTO fts(rowid, title, summary, description) "
                       "SELECT id, title, summary, description FROM corpus.offer")
    queries = [args["q"] for kind, args in query_mix(rounds=rounds) if kind == "plain words"]
    ranked = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 20"
    for q in queries[:10]:
        connection.execute(ranked, (q,)).fetchall()
    with_total, top_only = [], []
    for q in queries:
        started = time.perf_counter()
        connection.execute(ranked, (q,)).fetchall()
        top_only.append(time.perf_counter() - started)
        connection.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (q,)).fetchone()
        with_total.append(time.perf_counter() - started)
    return with_total, top_only


def p95(values):
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def folder_size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def build_corpus(work, offers):
    """Generate the corpus in `work` and index it as `elp reindex` does.

    Return the database URL, the index folder, the offers indexed and the seconds indexing took.
    """
    import click

    from elp import create_app
    from elp.extensions import db
    from elp.search import sync

    database = Path(work) / "bench.db"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    index_dir = str(Path(work) / "index")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": index_dir})
    with app.app_context():
        db.create_all()
        sync.reset_index(app)
        started = time.perf_counter()
        generate(app, offers)
        print(f"Corpus: {offers:,} offers generated in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with click.progressbar(length=offers, label="Indexing offers") as bar:
            written = sync.reindex(app, progress=bar.update)
        indexing = time.perf_counter() - started
    return url, index_dir, written, indexing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="searches of each kind")
    parser.add_argument("--smoke", action="store_true",
                        help=f"{SMOKE_OFFERS} offers, {SMOKE_ROUNDS} searches of each kind")
    parser.add_argument("--keep", help="build in this folder and keep it")
    parser.add_argument("--serve", nargs=2, metavar=("DATABASE_URL", "INDEX_DIR"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.smoke:
        options.offers, options.rounds = SMOKE_OFFERS, SMOKE_ROUNDS
        print(SMOKE_NOTICE)
    if options.serve:
        serve(*options.serve, options.rounds)
        return

    work = Path(options.keep or tempfile.mkdtemp(prefix="elp-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    database = work / "bench.db"
    url, index_dir, written, indexing = build_corpus(work, options.offers)
    size = folder_size(index_dir)

    served = subprocess.run(
        [sys.executable, __file__, "--serve", url, index_dir, "--rounds", str(options.rounds)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    report = json.loads(served.stdout.strip().splitlines()[-1])
    fts, fts_top_only = fts5_timings(str(database), options.rounds)

    print(f"Offers indexed:   {written:,}")
    print(f"Indexing time:    {indexing:.1f} s ({written / indexing:,.0f} offers/s)")
    print(f"Index size:       {size / 1e6:.1f} MB")
    print(f"Serving RSS:      {report['rss_mb']:.0f} MB")
    print(f"First search after start (cold caches): {report['cold'] * 1000:.0f} ms")
    everything = []
    print(f"{'Search':36} {'n':>4} {'median ms':>10} {'p95 ms':>8}")
    for kind, values in report["timings"].items():
        everything += values
        print(f"{kind:36} {len(values):>4} {statistics.median(values) * 1000:>10.2f} {p95(values) * 1000:>8.2f}")
    print(f"{'whole mix':36} {len(everything):>4} {statistics.median(everything) * 1000:>10.2f} "
          f"{p95(everything) * 1000:>8.2f}")
    plain = report["timings"]["plain words"]
    # Each search also counts every match (for the total and the facets); so does the first
    # FTS5 line. The second is FTS5's ranked top 20 alone, its best case.
    for label, values in [("FTS5 plain words, top 20 + total", fts),
                          ("FTS5 plain words, top 20 only", fts_top_only)]:
        print(f"{label:36} {len(values):>4} {statistics.median(values) * 1000:>10.2f} "
              f"{p95(values) * 1000:>8.2f}")
    print(f"Whoosh p95 / FTS5 p95 on plain words: {p95(plain) / p95(fts):.1f} "
          f"(against FTS5's top 20 only: {p95(plain) / p95(fts_top_only):.1f})")
    if not options.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
